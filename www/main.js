// Boots the viewer into #loupe. Everything runs in this page: files are read locally and parsed
// in a Web Worker (worker.js) running the same WebAssembly module.
import init, { mount } from './loupe_app.js';

await init();
window.loupe = mount(document.getElementById('loupe'), {
  worker: new URL('./worker.js', import.meta.url).href,
  samples: ['samples/sdk-node-agent.jsonl', 'samples/sdk-python-agent.json'],
});
