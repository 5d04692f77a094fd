// Boots the viewer into #loupe. Everything runs in this page: files are read locally and parsed
// in a Web Worker (worker.js) running the same WebAssembly module. `?url=` opens a trace file
// by URL: on this page's origin only (the Content-Security-Policy allows no other), never sent
// anywhere.
import init, { mount } from './loupe_app.js';

await init();
window.loupe = mount(document.getElementById('loupe'), {
  worker: new URL('./worker.js', import.meta.url).href,
  samples: ['samples/sdk-node-agent.jsonl', 'samples/sdk-python-agent.json'],
});
const url = new URLSearchParams(location.search).get('url');
if (url) window.loupe.open_url(new URL(url, location.href).href);
