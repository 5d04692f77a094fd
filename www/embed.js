// The iframe way of embedding Loupe (docs/embedding.md). The host posts 'PING' until this frame
// answers 'PONG' (once it can open files), then `{loupe: {type: 'open', files: [{name, buffer}]}}`
// and `{loupe: {type: 'select', trace_id, span_id}}`; the frame posts `{loupe: {type: 'loaded',
// report}}`, `{loupe: {type: 'selected', trace_id, span_id}}` and `{loupe: {type: 'error',
// message}}`. Messages are taken only from the parent (or opener) window, and only from this
// frame's own origin or an origin listed in `?allow=` (comma- or space-separated, repeatable);
// others get nothing and a visible notice. Messages without a `loupe` key are ignored.
import init, { mount } from './loupe_app.js';

const params = new URLSearchParams(location.search);
const allowed = new Set([location.origin]);
for (const value of params.getAll('allow')) {
  for (const item of value.split(/[\s,]+/).filter(Boolean)) {
    try {
      allowed.add(new URL(item).origin);
    } catch {
      // Not a URL: not an origin anyone can send from.
    }
  }
}
const host = window.parent !== window ? window.parent : window.opener;
const refused = new Set();
let app = null;
let hostOrigin = null;

function refuse(origin) {
  if (refused.has(origin)) return;
  refused.add(origin);
  const el = document.getElementById('loupe-refused');
  el.hidden = false;
  el.className = 'notice error';
  el.textContent = `Messages from ${origin} were ignored: this frame accepts them only from ${[...allowed].join(', ')}. ` +
    `The embedding page adds its origin with ?allow=${origin} in the frame's URL.`;
}

function post(message) {
  if (host && hostOrigin) host.postMessage({ loupe: message }, hostOrigin);
}

async function handle(msg) {
  switch (msg.type) {
    case 'open': {
      if (!Array.isArray(msg.files) || msg.files.length === 0) {
        post({ type: 'error', message: "open: expected files: [{name, buffer: ArrayBuffer}]" });
        return;
      }
      const files = [];
      for (const [i, f] of msg.files.entries()) {
        const data = f?.buffer ?? f?.bytes;
        if (!(data instanceof ArrayBuffer) && !ArrayBuffer.isView(data) && !(data instanceof Blob)) {
          post({ type: 'error', message: `open: files[${i}].buffer: expected an ArrayBuffer` });
          return;
        }
        files.push(new File([data], String(f.name ?? `input ${i + 1}`)));
      }
      const report = await app.open_files(files);
      if (report) post({ type: 'loaded', report });
      return;
    }
    case 'select':
      if (typeof msg.trace_id !== 'string') {
        post({ type: 'error', message: 'select: expected trace_id (and span_id) as strings' });
        return;
      }
      if (!(await app.select(msg.trace_id, typeof msg.span_id === 'string' ? msg.span_id : undefined))) {
        post({ type: 'error', message: `select: no trace ${msg.trace_id} is open` });
      }
      return;
    default:
      post({ type: 'error', message: `unknown message type ${JSON.stringify(String(msg.type))}; expected open or select` });
  }
}

window.addEventListener('message', (ev) => {
  if (!host || ev.source !== host) return;
  if (!allowed.has(ev.origin)) {
    refuse(ev.origin);
    return;
  }
  if (ev.data === 'PING') {
    if (app) {
      hostOrigin = ev.origin;
      host.postMessage('PONG', ev.origin);
    }
    return;
  }
  const msg = ev.data && typeof ev.data === 'object' ? ev.data.loupe : undefined;
  if (!msg || typeof msg !== 'object') return;
  hostOrigin = ev.origin;
  handle(msg).catch((e) => post({ type: 'error', message: String(e?.message ?? e) }));
});

await init();
app = mount(document.getElementById('loupe'), {
  worker: new URL('./worker.js', import.meta.url).href,
  hash: false,
  samples: [],
});
app.set_listener((name, detail) => {
  if (name === 'select') post({ type: 'selected', trace_id: detail.traceId, span_id: detail.spanId });
  else if (name === 'error') post({ type: 'error', message: detail.message });
});
