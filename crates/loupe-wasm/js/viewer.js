// loupe-trace/viewer: the viewer in a host's page. Each `mountViewer` is its own viewer with its
// own engine (a Web Worker), so several on one page work independently.
import instantiate, { mount } from './viewer/loupe_app.js';

let ready = null;
/** Instantiates the viewer's module once (another URL or its bytes may be given first). */
export function initViewer(source) {
  return (ready ??= Promise.resolve(
    instantiate({ module_or_path: source ?? new URL('./viewer/loupe_app_bg.wasm', import.meta.url) }),
  ).catch((e) => {
    ready = null;
    throw e;
  }));
}

const EVENTS = ['loaded', 'select', 'error'];
const STYLES = new URL('./viewer/embed.css', import.meta.url).href;

// The stylesheet scoped to `.loupe-root` (viewer/embed.css), once per document or shadow root.
function addStyles(root) {
  const parent = root instanceof ShadowRoot ? root : document.head;
  if ([...parent.querySelectorAll('link[data-loupe]')].some((l) => l.href === STYLES)) return;
  const link = document.createElement('link');
  link.rel = 'stylesheet';
  link.href = STYLES;
  link.dataset.loupe = '';
  parent.append(link);
}

/** A mounted viewer. */
export class Viewer {
  #app;
  #listeners = new Map(EVENTS.map((e) => [e, new Set()]));
  constructor(app) {
    this.#app = app;
    app.set_listener((name, detail) => {
      for (const f of [...(this.#listeners.get(name) ?? [])]) {
        try {
          f(detail);
        } catch (e) {
          // A listener that throws does not stop the others or the viewer.
          setTimeout(() => { throw e; });
        }
      }
    });
  }
  #live() {
    if (!this.#app) throw new Error('loupe-trace: this viewer was destroyed');
    return this.#app;
  }
  /** Opens inputs (Files, Blobs or `{name, bytes}`), merged into what is open; resolves with the load report. */
  async open(inputs) {
    const app = this.#live();
    const list = inputs instanceof Blob || !(Symbol.iterator in Object(inputs)) ? [inputs] : [...inputs];
    const files = list.map((x, i) => {
      if (x instanceof Blob) return x;
      if (x && typeof x === 'object' && 'bytes' in x) return new File([x.bytes], x.name ?? `input ${i + 1}`);
      throw new TypeError(`open: inputs[${i}]: expected a File, a Blob or {name, bytes}`);
    });
    return app.open_files(files);
  }
  /** Fetches a trace by URL (same-origin or CORS-enabled; never sent anywhere) and opens it. */
  openUrl(url) {
    return this.#live().open_url(String(new URL(url, document.baseURI)));
  }
  /** Shows a trace and selects a span (ids as the report gives them); resolves with whether the trace is open. */
  select({ traceId, spanId } = {}) {
    return this.#live().select(String(traceId), spanId == null ? undefined : String(spanId));
  }
  /** Listens to `loaded` (the load report), `select` ({traceId, spanId}) or `error` ({message}); returns the unsubscribe function. */
  on(event, callback) {
    const set = this.#listeners.get(event);
    if (!set) throw new TypeError(`on: unknown event ${JSON.stringify(event)}; expected one of ${EVENTS.join(', ')}`);
    set.add(callback);
    return () => set.delete(callback);
  }
  /** The files and traces open. */
  summary() {
    return this.#live().summary();
  }
  /** Removes the viewer from its element and stops its worker. */
  destroy() {
    if (!this.#app) return;
    this.#app.set_listener(null);
    this.#app.unmount();
    this.#app = null;
    for (const s of this.#listeners.values()) s.clear();
  }
}

/**
 * Mounts a viewer into `element` (its content is replaced). Options: `hash` (keep the trace and
 * span in the host's URL fragment; default false), `worker` (URL of the package's
 * `viewer/worker.js`; default beside this file), `wasm` (URL of `viewer/loupe_app_bg.wasm`),
 * `keys` (`'focus'`, the default: shortcuts only while focus is inside the viewer; `'page'`:
 * also while focus is on the page's body), `samples` (URLs for "Try a sample"), `theme`
 * (`'light'`, `'dark'` or `'auto'`, the default: the system's), `styles` (default true: add
 * `viewer/embed.css`, every rule scoped to `.loupe-root`, to the element's document or shadow root).
 */
export async function mountViewer(element, options = {}) {
  if (!(element instanceof HTMLElement)) throw new TypeError('mountViewer: expected an HTMLElement');
  if (options.styles !== false) addStyles(element.getRootNode());
  await initViewer(options.wasm);
  element.classList.add('loupe-root');
  if (options.theme === 'light' || options.theme === 'dark') element.dataset.theme = options.theme;
  if (!element.hasAttribute('tabindex')) element.tabIndex = -1;
  const app = mount(element, {
    worker: String(options.worker ?? new URL('./viewer/worker.js', import.meta.url)),
    samples: options.samples ?? [],
    hash: options.hash === true,
    pageKeys: options.keys === 'page',
  });
  return new Viewer(app);
}
