// The npm package's benchmark (docs/benchmarks.md, "Package"): module sizes, and `analyze()` in
// Node and in headless Chromium against the native CLI on the 100k-span benchmark file; and, on
// the same set, the document as objects (serde-wasm-bindgen) against its JSON text + JSON.parse.
//
//   node scripts/pkg-bench.mjs [--spans N] [--runs N]     (after `make pkg`; `make bench-pkg` does both)
//
// Figures are the fastest of the runs (a shared machine's slow samples are other work).
import { spawn, spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, cpSync, rmSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const SPANS = arg('--spans', 100_000);
const RUNS = arg('--runs', 3);
const dir = path.join(ROOT, 'target/bench-pkg');
mkdirSync(dir, { recursive: true });
const input = path.join(dir, `synth-${SPANS}.json`);
if (!existsSync(input)) {
  execFileSync('cargo', ['run', '-q', '--release', '-p', 'loupe-synth', '--', '--spans', String(SPANS), '--seed', '1', '--out', input], { cwd: ROOT, stdio: 'inherit' });
}
execFileSync('cargo', ['build', '-q', '--release', '-p', 'loupe-cli'], { cwd: ROOT, stdio: 'inherit' });
const bytes = readFileSync(input);
const best = (xs) => Math.min(...xs);
const ms = (x) => `${x.toFixed(0)} ms`;

const size = (f) => {
  const b = readFileSync(path.join(ROOT, 'pkg', f));
  return `${b.length.toLocaleString('en')} bytes, ${gzipSync(b, { level: 9 }).length.toLocaleString('en')} gzipped`;
};
console.log(`analysis module (core/loupe_wasm_bg.wasm): ${size('core/loupe_wasm_bg.wasm')}`);
console.log(`viewer module (viewer/loupe_app_bg.wasm):   ${size('viewer/loupe_app_bg.wasm')}`);
console.log(`input: ${input} (${SPANS.toLocaleString('en')} spans, ${statSync(input).size.toLocaleString('en')} bytes)`);

const native = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  const r = spawnSync(path.join(ROOT, 'target/release/loupe'), ['analyze', '--json', input], { maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(String(r.stderr));
  native.push(performance.now() - t);
}
console.log(`native CLI, loupe analyze --json (process, read, parse, analyse, print): ${ms(best(native))}`);

const { analyze, load } = await import(pathToFileURL(path.join(ROOT, 'pkg/node.js')));
const node = [];
for (let i = 0; i < RUNS; i++) {
  const t = performance.now();
  await analyze([{ name: 'synth.json', bytes }]);
  node.push(performance.now() - t);
}
console.log(`Node ${process.version}, analyze(): ${ms(best(node))} (${(best(node) / best(native)).toFixed(2)}× the CLI)`);

const set = await load([{ name: 'synth.json', bytes }]);
const objects = [];
const text = [];
for (let i = 0; i < RUNS; i++) {
  let t = performance.now();
  set.report();
  objects.push(performance.now() - t);
  t = performance.now();
  JSON.parse(set.reportText());
  text.push(performance.now() - t);
}
const docBytes = set.reportText().length;
set.free();
console.log(`the document (${docBytes.toLocaleString('en')} bytes of JSON): serde-wasm-bindgen objects ${ms(best(objects))}; serde_json text + JSON.parse ${ms(best(text))} (rounds every nanosecond time)`);

// Chromium: the same call in a page served from 127.0.0.1.
const site = path.join(dir, 'site');
rmSync(site, { recursive: true, force: true });
mkdirSync(site, { recursive: true });
cpSync(path.join(ROOT, 'pkg'), path.join(site, 'pkg'), { recursive: true });
cpSync(input, path.join(site, 'input.json'));
writeFileSync(path.join(site, 'index.html'), '<!doctype html><meta charset="utf-8"><title>bench</title>');
const server = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', site], { stdio: ['ignore', 'pipe', 'ignore'] });
const url = await new Promise((resolve) => {
  let out = '';
  server.stdout.on('data', (d) => {
    out += d;
    const m = out.match(/port (\d+)/);
    if (m) resolve(`http://127.0.0.1:${m[1]}/`);
  });
});
const { chromium } = await import(pathToFileURL(path.join(ROOT, 'node_modules/playwright-core/index.mjs')));
const browser = await chromium.launch({ executablePath: process.env.CHROMIUM || '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu'] });
try {
  const page = await browser.newPage();
  await page.goto(url);
  const times = await page.evaluate(async (runs) => {
    const { analyze, init } = await import('./pkg/index.js');
    await init();
    const bytes = new Uint8Array(await (await fetch('input.json')).arrayBuffer());
    const out = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await analyze([{ name: 'synth.json', bytes }]);
      out.push(performance.now() - t);
    }
    return out;
  }, RUNS);
  console.log(`Chromium ${browser.version()}, analyze(): ${ms(best(times))} (${(best(times) / best(native)).toFixed(2)}× the CLI)`);
} finally {
  await browser.close();
  server.kill();
}
