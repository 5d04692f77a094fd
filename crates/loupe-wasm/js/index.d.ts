// Types of `loupe-trace`, the analysis library (browsers, bundlers and Node ≥ 20).
//
// 64-bit integers of the documents (nanosecond times and durations, token counts, byte sizes:
// `u64` in the Rust types) are `bigint`s, so nothing loses precision; 32-bit ones (counts,
// indices) are `number`s. `stringify` writes such values as JSON.

/** An input: bytes under a name (the name is used in messages and in the report's `files`). */
export type Input = { name?: string; bytes: Uint8Array | ArrayBuffer | ArrayBufferView | Blob } | File | Blob;

/** Options of `load` and `analyze`. */
export interface LoadOptions {
  /** A price table in LiteLLM's JSON format (text or the parsed object); overrides built-in prices. */
  prices?: string | Record<string, unknown>;
  /** Largest input, in bytes (default 8 GiB). */
  maxFileBytes?: number;
  /** Largest size a gzip input may inflate to, in bytes. */
  maxDecompressedBytes?: number;
  /** Longest string value kept, in bytes (default 16 MiB); longer ones are cut, with a warning. */
  maxValueBytes?: number;
  /** Most attributes kept in one list (default 100,000). */
  maxAttrsPerSpan?: number;
  /** Deepest nesting of values (default 16). */
  maxValueDepth?: number;
  /** `analyze` only: called with each input that could not be read (default: `console.warn`). */
  onError?: (error: LoupeError) => void;
}

export type LoupeErrorCode =
  | 'import' | 'no_input' | 'options' | 'policy' | 'not_found' | 'format'
  | 'not_clean' | 'write' | 'memory' | 'freed' | 'internal';

/** Every error of the package: the core's message, and its parts. */
export declare class LoupeError extends Error {
  readonly name: 'LoupeError';
  readonly code: LoupeErrorCode;
  /** The file it concerns, if any. */
  readonly file: string | null;
  /** 1-based line and column, for a syntax error. */
  readonly line: number | null;
  readonly column: number | null;
}

export interface WarningReport { code: string; message: string }
export interface FileReport { path: string; format: string; span_count: number; warnings: WarningReport[] }
export interface PathReport { name: string; on_path_ns: bigint; [k: string]: unknown }
export interface AnomalyReport {
  /** The rule id (`tool_error`, `loop`, `secret`, …). */
  kind: string;
  severity: string;
  message: string;
  [k: string]: unknown;
}
/** One trace of the document; every field is listed in docs/embedding.md and the Rust `TraceReport`. */
export interface TraceReport {
  trace_id: string;
  span_count: number;
  start_unix_nano: bigint;
  end_unix_nano: bigint;
  services: string[];
  critical_path: PathReport[];
  anomalies: AnomalyReport[];
  [k: string]: unknown;
}
/** The `loupe.analysis/1` document: what `loupe analyze --json` prints. */
export interface AnalysisReport {
  schema: 'loupe.analysis/1';
  files: FileReport[];
  traces: TraceReport[];
}
export interface FileOutcome { name: string; spans: number | null; format: string | null; error: string | null }
export type FindingRow = AnomalyReport & { trace_id: string };
/** A span's panel, as the viewer shows it (the Rust `SpanReport`). */
export interface SpanReport {
  span: number;
  trace: number;
  name: string;
  span_id: string;
  parent_id: string | null;
  trace_id: string;
  kind: string;
  status: string;
  status_message: string;
  service: string;
  op: string;
  subject: string;
  start_ns: bigint;
  start_unix_ns: bigint;
  duration_ns: bigint;
  self_ns: bigint;
  critical: boolean;
  on_path_ns: bigint | null;
  tokens: [bigint, bigint] | null;
  inclusive_tokens: bigint;
  cost_usd: number | null;
  findings: AnomalyReport[];
  origin: string;
  [k: string]: unknown;
}
export interface SpanPage { trace_id: string; total: number; offset: number; spans: SpanReport[] }
/** A secret or piece of personal data found; never the value. */
export interface SecretRow {
  kind: string;
  rule: string;
  trace_id: string;
  span_id: string;
  place: string;
  key: string;
  json_path: string | null;
  offset: number;
  masked: string;
}
/** What was redacted (`loupe.redaction/1`: counts by kind and rule, never values). */
export interface RedactionManifest { schema: string; matches: bigint; [k: string]: unknown }
export interface Redacted { bytes: Uint8Array; manifest: RedactionManifest; verification: string }
export type WriteFormat = 'otlp-json' | 'otlp-proto';

/** A loaded, analysed set of inputs, merged by trace id. Call `free()` when done. */
export declare class TraceSet {
  private constructor();
  /** Inputs that could not be read (the others loaded). */
  readonly errors: LoupeError[];
  /** Per input: spans and format, or the error. */
  readonly files: FileOutcome[];
  report(): AnalysisReport;
  /** The document exactly as `loupe analyze --json` prints it (pretty JSON and a newline). */
  reportText(): string;
  findings(): FindingRow[];
  spans(traceId: string, page?: { offset?: number; limit?: number }): SpanPage;
  scanSecrets(): SecretRow[];
  /** Policy: a policy file's text (TOML or JSON, see docs/redaction.md) or the object; omitted: mask everything. */
  redact(policy?: string | Record<string, unknown>, options?: { format?: WriteFormat }): Redacted;
  convert(format: WriteFormat): Uint8Array;
  free(): void;
}

/** Instantiates the module (called by the others; call it first to give the `.wasm` another URL or its bytes). */
export declare function init(source?: string | URL | Response | BufferSource | WebAssembly.Module): Promise<unknown>;
/** Loads and analyses inputs; rejects with a LoupeError only when none can be read. */
export declare function load(inputs: Input | Iterable<Input>, options?: LoadOptions): Promise<TraceSet>;
/** The `loupe.analysis/1` document of the inputs, merged as the CLI merges files. */
export declare function analyze(inputs: Input | Iterable<Input>, options?: LoadOptions): Promise<AnalysisReport>;
/** JSON text with BigInts written as numbers. */
export declare function stringify(value: unknown, space?: string | number): string;
