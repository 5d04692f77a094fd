// The engine's thread: loads the WebAssembly module and hands every message to `worker_main`.
// Messages that arrive while the module compiles are queued and replayed in order.
const queued = [];
self.onmessage = (event) => queued.push(event);
const { default: init, worker_main } = await import('./loupe_app.js');
await init();
worker_main(queued);
