// loupe-trace in browsers and bundlers: the module is fetched from beside this file, or from what
// `init(urlOrBytes)` is given first.
import instantiate, * as raw from './core/loupe_wasm.js';
import { bind } from './api.js';

export { LoupeError, stringify } from './api.js';
export const { init, load, analyze, TraceSet } = bind(raw, (source) =>
  instantiate({ module_or_path: source ?? new URL('./core/loupe_wasm_bg.wasm', import.meta.url) }));
