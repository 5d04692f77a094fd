// loupe-trace in Node (≥ 20): the module is read from the package's folder.
import { readFile } from 'node:fs/promises';
import instantiate, * as raw from './core/loupe_wasm.js';
import { bind } from './api.js';

export { LoupeError, stringify } from './api.js';
export const { init, load, analyze, TraceSet } = bind(raw, async (source) =>
  instantiate({ module_or_path: source ?? await readFile(new URL('./core/loupe_wasm_bg.wasm', import.meta.url)) }));
