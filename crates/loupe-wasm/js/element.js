// loupe-trace/element: registers <loupe-viewer>. The viewer lives in the element's shadow root
// with its own stylesheet (viewer/element.css), so styles do not leak in or out.
//
//   <loupe-viewer src="/traces/run.json" theme="dark"></loupe-viewer>
//
// Attributes: `src` (a same-origin or CORS-enabled URL to open), `theme` (light, dark, auto).
// Events (CustomEvent, bubbling and composed): `loupe-loaded` (detail: the load report),
// `loupe-select` ({traceId, spanId}), `loupe-error` ({message}). `.viewer` is the Viewer (after
// `loupe-ready`; `.ready` is a promise of it).
import { mountViewer } from './viewer.js';

const STYLES = new URL('./viewer/element.css', import.meta.url).href;

export class LoupeViewerElement extends HTMLElement {
  static observedAttributes = ['src', 'theme'];
  #viewer = null;
  #ready = null;
  #opened = null;

  /** The Viewer API (null until mounted). */
  get viewer() {
    return this.#viewer;
  }
  /** Resolves with the Viewer once mounted. */
  get ready() {
    return (this.#ready ??= this.#mount());
  }

  connectedCallback() {
    void this.ready;
  }

  disconnectedCallback() {
    // Moving the element re-inserts it at once; only a real removal destroys the viewer.
    queueMicrotask(() => {
      if (this.isConnected || !this.#viewer) return;
      this.#viewer.destroy();
      this.#viewer = null;
      this.#ready = null;
      this.#opened = null;
    });
  }

  attributeChangedCallback(name) {
    if (name === 'src' && this.#viewer) this.#openSrc();
  }

  async #mount() {
    const shadow = this.shadowRoot ?? this.attachShadow({ mode: 'open' });
    shadow.replaceChildren();
    const link = document.createElement('link');
    link.rel = 'stylesheet';
    link.href = STYLES;
    const root = document.createElement('div');
    root.className = 'loupe-root';
    shadow.append(link, root);
    const viewer = await mountViewer(root, { styles: false, keys: 'focus', hash: false });
    this.#viewer = viewer;
    const fire = (type) => (detail) =>
      this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true }));
    viewer.on('loaded', fire('loupe-loaded'));
    viewer.on('select', fire('loupe-select'));
    viewer.on('error', fire('loupe-error'));
    this.dispatchEvent(new CustomEvent('loupe-ready', { bubbles: true, composed: true }));
    this.#openSrc();
    return viewer;
  }

  #openSrc() {
    const src = this.getAttribute('src');
    if (!src || src === this.#opened) return;
    this.#opened = src;
    void this.#viewer.openUrl(src);
  }
}

if (!customElements.get('loupe-viewer')) customElements.define('loupe-viewer', LoupeViewerElement);
