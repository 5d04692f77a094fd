// The analysis library's JavaScript: reads inputs, calls the WebAssembly module, and turns its
// errors into LoupeErrors. `index.js` (browsers, bundlers) and `node.js` (Node) give it the way
// to instantiate the module; everything else is here.

/** An error of Loupe's: a file that could not be read, a bad option, a policy that does not parse. */
export class LoupeError extends Error {
  constructor(detail) {
    super(detail.message);
    this.name = 'LoupeError';
    /** `import`, `no_input`, `options`, `policy`, `not_found`, `format`, `not_clean`, `write`, `memory`, `freed` or `internal`. */
    this.code = detail.code ?? 'internal';
    this.file = detail.file ?? null;
    this.line = detail.line ?? null;
    this.column = detail.column ?? null;
  }
}

// What the module throws: a plain `{code, message, …}` object, a trap (a bug: `internal`) or a
// JS error from the glue.
function loupeError(e) {
  if (e instanceof LoupeError) return e;
  if (e && typeof e === 'object' && !(e instanceof Error) && typeof e.message === 'string') {
    return new LoupeError(e);
  }
  if (e instanceof WebAssembly.RuntimeError) {
    return new LoupeError({
      code: 'internal',
      message: `Loupe stopped on an internal error (${e.message}). This is a bug: please report it with the input. ` +
        'The module may be unusable now; reload the page or restart the process before the next call.',
    });
  }
  return new LoupeError({ code: 'internal', message: String(e?.message ?? e) });
}

function call(f) {
  try {
    return f();
  } catch (e) {
    throw loupeError(e);
  }
}

const OPTION_NAMES = ['prices', 'maxFileBytes', 'maxDecompressedBytes', 'maxValueBytes', 'maxAttrsPerSpan', 'maxValueDepth'];

function moduleOptions(options) {
  if (options == null) return undefined;
  if (typeof options !== 'object') {
    throw new LoupeError({ code: 'options', message: `options: expected an object, got ${typeof options}` });
  }
  const out = {};
  for (const [k, v] of Object.entries(options)) {
    if (k === 'onError' || v === undefined) continue;
    if (!OPTION_NAMES.includes(k)) {
      throw new LoupeError({ code: 'options', message: `options: unknown option \`${k}\`; expected one of onError, ${OPTION_NAMES.join(', ')}` });
    }
    out[k] = k === 'prices' && typeof v !== 'string' ? JSON.stringify(v) : v;
  }
  return out;
}

const isBlob = (x) => typeof Blob !== 'undefined' && x instanceof Blob;

async function readInputs(inputs) {
  if (inputs == null || typeof inputs === 'string' || typeof inputs[Symbol.iterator] !== 'function') {
    inputs = inputs == null ? [] : [inputs];
  }
  const names = [];
  const data = [];
  let i = 0;
  for (const input of inputs) {
    const at = `inputs[${i}]`;
    if (isBlob(input)) {
      names.push(typeof input.name === 'string' && input.name ? input.name : `input ${i + 1}`);
      data.push(new Uint8Array(await input.arrayBuffer()));
    } else if (input && typeof input === 'object' && 'bytes' in input) {
      const b = input.bytes;
      const bytes = b instanceof Uint8Array ? b
        : b instanceof ArrayBuffer ? new Uint8Array(b)
        : ArrayBuffer.isView(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength)
        : isBlob(b) ? new Uint8Array(await b.arrayBuffer())
        : null;
      if (!bytes) {
        throw new LoupeError({ code: 'options', message: `${at}.bytes: expected a Uint8Array, an ArrayBuffer or a Blob` });
      }
      names.push(input.name == null ? `input ${i + 1}` : String(input.name));
      data.push(bytes);
    } else {
      throw new LoupeError({ code: 'options', message: `${at}: expected {name, bytes: Uint8Array}, a File or a Blob` });
    }
    i += 1;
  }
  return { names, data };
}

function randomKey() {
  const key = new Uint8Array(32);
  globalThis.crypto.getRandomValues(key);
  return key;
}

/**
 * Makes the package's exports over a wasm-bindgen module and a function that instantiates it
 * (called once, with what the user passed to `init`, if anything).
 */
export function bind(raw, instantiate) {
  let ready = null;
  const init = (source) => (ready ??= Promise.resolve(instantiate(source)).catch((e) => {
    ready = null;
    throw loupeError(e);
  }));

  class TraceSet {
    #raw;
    constructor(handle) {
      this.#raw = handle;
    }
    #live() {
      if (!this.#raw) throw new LoupeError({ code: 'freed', message: 'this TraceSet was freed; load the inputs again' });
      return this.#raw;
    }
    /** Inputs that could not be read, as LoupeErrors (the others loaded). */
    get errors() {
      return call(() => this.#live().errors()).map((e) => new LoupeError(e));
    }
    /** Per input: `{name, spans, format, error}`. */
    get files() {
      return call(() => this.#live().outcomes());
    }
    /** The `loupe.analysis/1` document (64-bit integers are BigInts). */
    report() {
      return call(() => this.#live().report());
    }
    /** The document exactly as `loupe analyze --json` prints it. */
    reportText() {
      return call(() => this.#live().reportText());
    }
    /** Every finding of every trace, each with its `trace_id`. */
    findings() {
      return call(() => this.#live().findings());
    }
    /** Spans of a trace in tree order: `{trace_id, total, offset, spans}`; `limit` is at most 10,000. */
    spans(traceId, { offset = 0, limit = 100 } = {}) {
      if (typeof traceId !== 'string') {
        throw new LoupeError({ code: 'options', message: 'spans(traceId): expected the trace id as a string' });
      }
      const n = (v, name) => {
        if (!Number.isInteger(v) || v < 0) throw new LoupeError({ code: 'options', message: `spans: ${name} must be a whole number ≥ 0` });
        return Math.min(v, 0xffffffff);
      };
      return call(() => this.#live().spans(traceId, n(offset, 'offset'), n(limit, 'limit')));
    }
    /** Secrets and personal data found, masked (never the values). */
    scanSecrets() {
      return call(() => this.#live().scanSecrets());
    }
    /**
     * The set with every secret redacted, written and verified: `{bytes, manifest, verification}`.
     * `policy`: a policy file's text (TOML or JSON) or a policy object; omitted, every match is masked.
     */
    redact(policy, { format = 'otlp-json' } = {}) {
      const text = policy == null ? '' : typeof policy === 'string' ? policy : JSON.stringify(policy);
      return call(() => this.#live().redact(text, format, randomKey()));
    }
    /** The set written as `'otlp-json'` or `'otlp-proto'`. */
    convert(format) {
      return call(() => this.#live().convert(String(format)));
    }
    /** Releases the module's memory for this set; later calls throw. */
    free() {
      this.#raw?.free();
      this.#raw = null;
    }
  }

  async function load(inputs, options) {
    await init();
    const opts = moduleOptions(options);
    const { names, data } = await readInputs(inputs);
    return new TraceSet(call(() => raw.loadRaw(names, data, opts)));
  }

  async function analyze(inputs, options) {
    const set = await load(inputs, options);
    try {
      const errors = set.errors;
      for (const e of errors) {
        if (typeof options?.onError === 'function') options.onError(e);
        else console.warn(`loupe: ${e.message}`);
      }
      return set.report();
    } finally {
      set.free();
    }
  }

  return { init, load, analyze, TraceSet };
}

/**
 * JSON text of a value from Loupe, BigInts written as numbers: `stringify(await analyze(files), 2)`
 * is the document `loupe analyze --json` prints (numbers with a fraction may be spelled differently).
 */
export function stringify(value, space) {
  if (typeof JSON.rawJSON === 'function') {
    return JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? JSON.rawJSON(v.toString()) : v), space);
  }
  const tag = `\u0001loupe${Math.random().toString(36).slice(2)}:`;
  const text = JSON.stringify(value, (_, v) => (typeof v === 'bigint' ? tag + v.toString() : v), space);
  const escaped = JSON.stringify(tag).slice(1, -1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return text.replace(new RegExp(`"${escaped}(-?\\d+)"`, 'g'), '$1');
}
