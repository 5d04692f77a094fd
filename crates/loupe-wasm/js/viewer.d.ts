// Types of `loupe-trace/viewer`: the viewer in a host's page.
import type { Input } from './index.js';

/** What `loaded` reports (and `open` resolves with): per input, spans and format or the error; every trace open. */
export interface LoadReport {
  files: { name: string; spans: number | null; format: string | null; error: string | null }[];
  traces: {
    trace_id: string;
    span_count: number;
    /** The root span's name. */
    root: string;
    services: string[];
    /** Spans with an error status. */
    errors: number;
    findings: number;
    duration_ns: bigint;
    start_unix_ns: bigint;
  }[];
  /** Milliseconds the load took, when measured. */
  millis: number | null;
}
/** The files and traces open (the trace list's rows). */
export interface SetSummary { span_count: number; traces: { trace_id: string; spans: number; [k: string]: unknown }[]; [k: string]: unknown }
export interface SelectDetail { traceId: string; spanId: string }
export interface ErrorDetail { message: string }
export interface ViewerEvents { loaded: LoadReport; select: SelectDetail; error: ErrorDetail }

export interface ViewerOptions {
  /** Keep the trace and span in the host's URL fragment (default false). */
  hash?: boolean;
  /** URL of the package's `viewer/worker.js` (default: beside `viewer.js`). */
  worker?: string | URL;
  /** URL of `viewer/loupe_app_bg.wasm` (default: beside `viewer.js`). */
  wasm?: string | URL;
  /** `'focus'` (default): shortcuts only while focus is inside the viewer; `'page'`: also on the page's body. */
  keys?: 'focus' | 'page';
  /** URLs offered by "Try a sample". */
  samples?: string[];
  /** `'auto'` (default) follows the system; `'light'` or `'dark'` forces one. */
  theme?: 'light' | 'dark' | 'auto';
  /** Add the scoped stylesheet `viewer/embed.css` to the element's document or shadow root (default true). */
  styles?: boolean;
}

export declare class Viewer {
  private constructor();
  open(inputs: Input | Iterable<Input>): Promise<LoadReport | null>;
  openUrl(url: string | URL): Promise<LoadReport | null>;
  select(ids: { traceId: string; spanId?: string }): Promise<boolean>;
  on<E extends keyof ViewerEvents>(event: E, callback: (detail: ViewerEvents[E]) => void): () => void;
  summary(): SetSummary;
  destroy(): void;
}

export declare function mountViewer(element: HTMLElement, options?: ViewerOptions): Promise<Viewer>;
export declare function initViewer(source?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<unknown>;
