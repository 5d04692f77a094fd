// Types of `loupe-trace/element`: importing it registers <loupe-viewer>.
import type { Viewer, LoadReport, SelectDetail, ErrorDetail } from './viewer.js';

export declare class LoupeViewerElement extends HTMLElement {
  /** The Viewer API, once mounted (null before `loupe-ready`). */
  readonly viewer: Viewer | null;
  /** Resolves with the Viewer once mounted. */
  readonly ready: Promise<Viewer>;
}

declare global {
  interface HTMLElementTagNameMap { 'loupe-viewer': LoupeViewerElement }
  interface HTMLElementEventMap {
    'loupe-loaded': CustomEvent<LoadReport>;
    'loupe-select': CustomEvent<SelectDetail>;
    'loupe-error': CustomEvent<ErrorDetail>;
    'loupe-ready': CustomEvent<void>;
  }
}
