// www/examples/ as its README says to try them: the pages beside an installed copy of the
// package (node_modules/loupe-trace, the tarball scripts/pkg-test.sh installed), served by a plain
// `python3 -m http.server`, opened in headless Chromium; a user picks a file, opens a trace and
// clicks a span, and each page shows what the package told it. iframe.html frames Loupe's own
// site (dist/, served by scripts/serve.py on another port). Requests may go only to the origins
// served.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = process.env.LOUPE_ROOT;
const LOUPE = process.env.LOUPE_BIN || path.join(ROOT, 'target/debug/loupe');
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SITE = path.join(HERE, 'examples-site');
const FIXTURE = path.join(ROOT, 'tests/fixtures/otlp/valid/sdk-python-agent.json');
const { launch, serve, serveStatic, waitUntil, WAIT_LIMIT_MS } = await import(pathToFileURL(path.join(ROOT, 'tests/e2e/lib.mjs')));

// What the CLI says of the fixture: the pages must agree.
const cli = spawnSync(LOUPE, ['analyze', '--json', FIXTURE], { encoding: 'utf8' });
assert.equal(cli.status, 0, cli.stderr);
const REPORT = JSON.parse(cli.stdout);

let site;
let dist;
let chrome;
before(async () => {
  rmSync(SITE, { recursive: true, force: true });
  mkdirSync(path.join(SITE, 'traces'), { recursive: true });
  for (const f of readdirSync(path.join(ROOT, 'www/examples'))) {
    if (f.endsWith('.html')) cpSync(path.join(ROOT, 'www/examples', f), path.join(SITE, f));
  }
  // `npm install ../../loupe-trace-*.tgz` in the examples folder, as its README says: the same
  // installed package, copied.
  cpSync(path.join(HERE, 'node_modules/loupe-trace'), path.join(SITE, 'node_modules/loupe-trace'), { recursive: true });
  cpSync(FIXTURE, path.join(SITE, 'traces/run.json'));
  site = await serveStatic(SITE);
  dist = await serve();
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  site?.stop();
  dist?.stop();
});

async function open(url, origins) {
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 1000 } });
  context.setDefaultTimeout(WAIT_LIMIT_MS);
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', async (d) => { errors.push(`dialog: ${d.message()}`); await d.dismiss(); });
  await page.goto(url);
  const done = async () => {
    const foreign = requests.filter((r) => !r.startsWith('blob:') && !r.startsWith('data:') && !origins.includes(new URL(r).origin));
    assert.deepEqual(foreign, [], 'requests only to the origins served');
    assert.deepEqual(errors, []);
    await context.close();
  };
  return { page, done };
}

// Opens the list's first trace and clicks the second row of its tree; `scope` is a page or frame,
// `within` a selector of the viewer in it.
async function openAndClick(scope, within = '') {
  await scope.click(`${within} .trace-row >> nth=0`);
  await scope.waitForSelector(`${within} .tree-body .row >> nth=1`);
  await scope.click(`${within} .tree-body .row >> nth=1`);
}
const IDS = `(${REPORT.traces.map((t) => t.trace_id).join('|')})`;

test('npm.html: the import map, analyze and mountViewer', async () => {
  const { page, done } = await open(`${site.url}npm.html`, [new URL(site.url).origin]);
  await page.waitForSelector('#viewer .app');
  await page.setInputFiles('#pick', FIXTURE);
  const findings = REPORT.traces.reduce((n, t) => n + t.anomalies.length, 0);
  await waitUntil(async () => (await page.textContent('#summary')) === `${REPORT.traces.length} traces, ${findings} findings`,
    'the summary from analyze', { describe: () => page.textContent('#summary') });
  await page.waitForSelector('#viewer .trace-row');
  await openAndClick(page, '#viewer');
  await waitUntil(async () => new RegExp(`^selected [0-9a-f]{16} in ${IDS}$`).test(await page.textContent('#selected')),
    'the select event', { describe: () => page.textContent('#selected') });
  await done();
});

test('element.html: <loupe-viewer src> and its events', async () => {
  const { page, done } = await open(`${site.url}element.html?src=traces/run.json`, [new URL(site.url).origin]);
  await waitUntil(async () => (await page.textContent('#loaded')) === `${REPORT.traces.length} traces`,
    'loupe-loaded', { describe: () => page.textContent('#loaded') });
  await openAndClick(page, 'loupe-viewer');
  await waitUntil(async () => new RegExp(`^[0-9a-f]{16} in ${IDS}$`).test(await page.textContent('#selected')),
    'loupe-select', { describe: () => page.textContent('#selected') });
  // A file that is not a trace: the page hears loupe-error with the core's message.
  await page.setInputFiles('#pick', { name: 'notes.txt', mimeType: 'text/plain', buffer: Buffer.from('not a trace') });
  await waitUntil(async () => /notes\.txt/.test(await page.textContent('#error')), 'loupe-error', { describe: () => page.textContent('#error') });
  await done();
});

test('iframe.html: embed.html of another origin, by postMessage', async () => {
  const loupe = new URL(dist.url).origin;
  const { page, done } = await open(`${site.url}iframe.html?loupe=${encodeURIComponent(loupe)}`, [new URL(site.url).origin, loupe]);
  await page.setInputFiles('#pick', FIXTURE);
  await waitUntil(async () => (await page.textContent('#said')) === `loaded ${REPORT.traces.length} traces`,
    'loaded', { describe: () => page.textContent('#said') });
  const frame = await waitUntil(() => page.frames().find((f) => f.url().startsWith(dist.url)), 'the Loupe frame');
  await openAndClick(frame);
  await waitUntil(async () => /^selected [0-9a-f]{16}$/.test(await page.textContent('#said')), 'selected', { describe: () => page.textContent('#said') });
  await done();
});
