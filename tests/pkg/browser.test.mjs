// The npm package in a browser page, as a user bundles it: scripts/pkg-test.sh installs the
// tarball into a scratch project and runs this file there. A page bundled with esbuild from the
// installed package (the package's `viewer/` and `core/` folders copied beside the bundle, as
// the README says) mounts two viewers, opens files, selects spans, listens, unsubscribes and
// destroys, and runs `analyze` in Chromium. Every request must stay on the page's origin.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = process.env.LOUPE_ROOT;
const HERE = path.dirname(fileURLToPath(import.meta.url));
const SITE = path.join(HERE, 'site');
const { launch, serve, waitUntil, WAIT_LIMIT_MS } = await import(pathToFileURL(path.join(ROOT, 'tests/e2e/lib.mjs')));
const esbuild = createRequire(path.join(ROOT, 'package.json'))('esbuild');

const PAYLOAD_SPAN = '<img src=x onerror="alert(1)"><script>alert(2)</script>';
const payloadTrace = JSON.stringify({
  resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: '<b onmouseover=alert(3)>svc</b>' } }] },
    scopeSpans: [{ spans: [{
      traceId: '0af7651916cd43dd8448eb211c80319d', spanId: 'b000000000000001', name: PAYLOAD_SPAN,
      startTimeUnixNano: '1700000000000000000', endTimeUnixNano: '1700000001000000000',
      attributes: [{ key: 'gen_ai.prompt', value: { stringValue: '<svg onload=alert(4)></svg>javascript:alert(5)' } }],
    }] }] }],
});

let server;
let chrome;
before(async () => {
  rmSync(SITE, { recursive: true, force: true });
  mkdirSync(path.join(SITE, 'files'), { recursive: true });
  writeFileSync(path.join(HERE, 'entry.js'), [
    "import { mountViewer } from 'loupe-trace/viewer';",
    "import { analyze, stringify } from 'loupe-trace';",
    "import 'loupe-trace/element';",
    'window.elementEvents = [];',
    "for (const t of ['loupe-ready', 'loupe-loaded', 'loupe-select', 'loupe-error']) {",
    '  document.addEventListener(t, (e) => window.elementEvents.push([t, e.detail ?? null, e.target.id]));',
    '}',
    'window.loupeTrace = { mountViewer, analyze, stringify };',
  ].join('\n'));
  await esbuild.build({
    absWorkingDir: HERE, entryPoints: ['entry.js'], bundle: true, format: 'esm',
    outfile: path.join(SITE, 'app.js'), logLevel: 'warning',
  });
  const pkg = path.join(HERE, 'node_modules/loupe-trace');
  cpSync(path.join(pkg, 'viewer'), path.join(SITE, 'viewer'), { recursive: true });
  cpSync(path.join(pkg, 'core'), path.join(SITE, 'core'), { recursive: true });
  for (const f of ['sdk-python-agent.json', 'sdk-node-agent.jsonl']) {
    cpSync(path.join(ROOT, 'tests/fixtures/otlp/valid', f), path.join(SITE, 'files', f));
  }
  writeFileSync(path.join(SITE, 'files/payload.json'), payloadTrace);
  // The host's own styles (the served CSP allows no inline styles): they must not reach into
  // <loupe-viewer>, and the viewer's must not reach the host.
  writeFileSync(path.join(SITE, 'host.css'), '#a, #b, loupe-viewer { display: block; height: 600px; }\n.row .name, .btn { color: rgb(255, 0, 0); }\n');
  writeFileSync(path.join(SITE, 'index.html'), `<!doctype html>
<html><head><meta charset="utf-8"><title>host</title>
<link rel="stylesheet" href="host.css">
<script type="module" src="app.js"></script></head>
<body><input id="host-input"><div id="a"></div><div id="b"></div></body></html>`);
  writeFileSync(path.join(SITE, 'element.html'), `<!doctype html>
<html><head><meta charset="utf-8"><title>host</title>
<link rel="stylesheet" href="host.css">
<script type="module" src="app.js"></script></head>
<body><p id="host-p" class="btn">host text</p>
<loupe-viewer id="el" src="files/sdk-python-agent.json" theme="dark"></loupe-viewer></body></html>`);
  server = await serve(SITE);
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  server?.stop();
});

async function openHost(page_ = 'index.html#host-state') {
  const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 1400 } });
  context.setDefaultTimeout(WAIT_LIMIT_MS);
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  const dialogs = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
  await page.goto(`${server.url}${page_}`);
  await page.waitForFunction(() => window.loupeTrace);
  const origin = new URL(server.url).origin;
  const assertLocal = () => assert.deepEqual(
    requests.filter((r) => !r.startsWith('blob:') && !r.startsWith('data:') && new URL(r).origin !== origin), [],
    'every request stays on the page origin');
  return { page, context, errors, dialogs, assertLocal };
}

test('two viewers from the installed package open, select, announce, unsubscribe and destroy independently', async () => {
  const { page, context, errors, assertLocal } = await openHost();
  await page.evaluate(async () => {
    const { mountViewer } = window.loupeTrace;
    const ev = (window.events = { a: [], b: [], aLate: [] });
    window.a = await mountViewer(document.getElementById('a'));
    window.b = await mountViewer(document.getElementById('b'));
    a.on('loaded', (r) => ev.a.push(['loaded', r]));
    a.on('select', (d) => ev.a.push(['select', d]));
    b.on('loaded', (r) => ev.b.push(['loaded', r]));
    b.on('select', (d) => ev.b.push(['select', d]));
    window.offLate = a.on('select', (d) => ev.aLate.push(d));
    const bytes = new Uint8Array(await (await fetch('files/sdk-python-agent.json')).arrayBuffer());
    window.reportA = await a.open([{ name: 'sdk-python-agent.json', bytes }]);
    window.reportB = await b.openUrl('files/sdk-node-agent.jsonl');
  });
  const got = await page.evaluate(() => ({
    a: reportA.files.map((f) => [f.name, f.spans]),
    b: reportB.files.map((f) => [f.name, f.spans]),
    loadedA: events.a.filter((e) => e[0] === 'loaded').length,
    loadedB: events.b.filter((e) => e[0] === 'loaded').length,
  }));
  assert.deepEqual(got.a, [['sdk-python-agent.json', 13]]);
  assert.equal(got.b[0][0], 'sdk-node-agent.jsonl');
  assert.ok(got.b[0][1] > 0);
  assert.deepEqual([got.loadedA, got.loadedB], [1, 1]);
  // Start times are BigInts: nanoseconds since 1970 do not fit a Number exactly.
  assert.equal(await page.evaluate(() => typeof reportA.traces[0].start_unix_ns), 'bigint');
  assert.equal(await page.evaluate(() => reportA.traces.length), 2);
  // a has two traces (its list shows); b one (its tree shows).
  await page.waitForSelector('#a .app table.traces');
  await page.waitForSelector('#b .app table.traces, #b .tree-body .row');

  // The host selects a span in viewer a: a shows it and announces it; b hears nothing.
  const { traceId, spanId, name } = await page.evaluate(async () => {
    const r = await window.loupeTrace.analyze(await (await fetch('files/sdk-python-agent.json')).blob());
    const t = r.traces.find((t) => t.span_count > 3);
    window.trace = t;
    return { traceId: t.trace_id, spanId: t.critical_path[t.critical_path.length - 1].span_id, name: t.critical_path[t.critical_path.length - 1].name };
  });
  assert.ok(spanId, 'the report names a span on the critical path');
  assert.equal(await page.evaluate(({ traceId, spanId }) => a.select({ traceId, spanId }), { traceId, spanId }), true);
  await page.waitForSelector('#a .row.selected');
  assert.equal(await page.textContent('#a .row.selected .name'), name);
  await waitUntil(() => page.evaluate(() => events.a.some((e) => e[0] === 'select')), 'a select event');
  assert.deepEqual(await page.evaluate(() => events.a.filter((e) => e[0] === 'select').map((e) => e[1])), [{ traceId, spanId }]);
  assert.equal(await page.evaluate(() => events.b.filter((e) => e[0] === 'select').length), 0);
  assert.equal(await page.$('#b .row.selected'), null, 'b keeps its own selection');

  // A user's click in b is announced by b only.
  assert.equal(await page.evaluate(() => b.select({ traceId: reportB.traces[0].trace_id })), true);
  await page.waitForSelector('#b .tree-body .row');
  await page.click('#b .tree-body .row >> nth=1');
  await waitUntil(() => page.evaluate(() => events.b.some((e) => e[0] === 'select')), 'b select event');
  const bSel = await page.evaluate(() => events.b.find((e) => e[0] === 'select')[1]);
  assert.match(bSel.traceId, /^[0-9a-f]{32}$/);
  assert.match(bSel.spanId, /^[0-9a-f]{16}$/);
  assert.equal(await page.evaluate(() => events.a.filter((e) => e[0] === 'select').length), 1);

  // Unsubscribed listeners hear nothing more; the others still do.
  await page.evaluate(() => offLate());
  await page.click('#a .tree-body .row >> nth=0');
  await waitUntil(() => page.evaluate(() => events.a.filter((e) => e[0] === 'select').length === 2), 'a second select event');
  assert.equal(await page.evaluate(() => events.aLate.length), 1, 'the unsubscribed listener heard only the first');
  // An unknown trace is not an error, just false.
  assert.equal(await page.evaluate(() => a.select({ traceId: 'ffffffffffffffffffffffffffffffff' })), false);

  // Keys are the viewer's only while focus is inside it: `?` on the host's input or body opens no help.
  await page.focus('#host-input');
  await page.keyboard.type('?');
  await page.evaluate(() => document.activeElement.blur());
  await page.keyboard.press('?');
  assert.equal(await page.$('.help, [data-testid=help]'), null, 'no viewer took the key');
  assert.equal(await page.inputValue('#host-input'), '?');
  // The host's URL is left alone.
  assert.equal(await page.evaluate(() => location.hash), '#host-state');

  // Destroying a empties its element; b goes on.
  await page.evaluate(() => a.destroy());
  assert.equal(await page.evaluate(() => document.getElementById('a').children.length), 0);
  assert.equal(await page.evaluate(() => b.select({ traceId: events.b.find((e) => e[0] === 'select')[1].traceId })), true);
  await assert.rejects(page.evaluate(() => a.select({ traceId: 'x' })), /destroyed/);
  assertLocal();
  assert.deepEqual(errors, []);
  await context.close();
});

test('a viewer destroyed while it works stops there: a due refilter, a load and a select in flight end quietly', async () => {
  const { page, context, errors, assertLocal } = await openHost();
  await page.evaluate(async () => {
    window.v = await window.loupeTrace.mountViewer(document.getElementById('a'));
    await v.openUrl('files/sdk-node-agent.jsonl');
  });
  await page.waitForSelector('#a .tree-body .row');
  const got = await page.evaluate(async () => {
    // A key in the filter starts its 150 ms debounce; the viewer goes before it is due.
    const filter = document.querySelector('#a [data-testid=filter]');
    filter.value = 'tool';
    filter.dispatchEvent(new Event('input', { bubbles: true }));
    v.destroy();
    // A second viewer is destroyed while its load and a select wait on its worker.
    const w = await window.loupeTrace.mountViewer(document.getElementById('b'));
    const bytes = new Uint8Array(await (await fetch('files/sdk-python-agent.json')).arrayBuffer());
    const load = w.open([{ name: 'sdk-python-agent.json', bytes }]);
    const select = w.select({ traceId: 'ffffffffffffffffffffffffffffffff' });
    w.destroy();
    const hung = (what) => new Promise((r) => setTimeout(() => r(`${what} still pending after 5 s`), 5000));
    const out = { load: await Promise.race([load, hung('open')]), select: await Promise.race([select, hung('select')]) };
    // Past the debounce: nothing the viewers started may run now.
    await new Promise((r) => setTimeout(r, 400));
    return { ...out, a: document.getElementById('a').children.length, b: document.getElementById('b').children.length };
  });
  assert.deepEqual(got, { load: null, select: false, a: 0, b: 0 });
  assertLocal();
  assert.deepEqual(errors, [], 'no page errors (a disposed signal read panics as `unreachable`)');
  await context.close();
});

test('analyze in the browser gives the document Node gives, and a trace full of script payloads stays inert', async () => {
  const { page, context, errors, dialogs, assertLocal } = await openHost();
  const doc = await page.evaluate(async () => {
    const r = await window.loupeTrace.analyze([new File([await (await fetch('files/sdk-python-agent.json')).blob()], 'tests/fixtures/otlp/valid/sdk-python-agent.json')]);
    return window.loupeTrace.stringify(r);
  });
  const { analyze, stringify } = await import('loupe-trace');
  const { readFile } = await import('node:fs/promises');
  const rel = 'tests/fixtures/otlp/valid/sdk-python-agent.json';
  const inNode = await analyze([{ name: rel, bytes: await readFile(path.join(ROOT, rel)) }]);
  assert.equal(doc, stringify(inNode));

  await page.evaluate(async () => {
    window.v = await window.loupeTrace.mountViewer(document.getElementById('b'));
    await v.openUrl('files/payload.json');
  });
  await page.waitForSelector('#b .tree-body .row');
  assert.equal(await page.textContent('#b .tree-body .row .name'), PAYLOAD_SPAN);
  await page.click('#b .tree-body .row >> nth=0');
  await page.waitForSelector('#b .row.selected');
  assert.equal(await page.$$eval('#b img, #b svg[onload], #b script, #b b', (n) => n.length), 0, 'no element came from the trace');
  assert.deepEqual(dialogs, [], 'no script from the trace ran');
  assertLocal();
  assert.deepEqual(errors, []);
  await context.close();
});

test('<loupe-viewer> opens its src in a shadow root, fires events, follows theme and src, and keeps styles apart', async () => {
  const { page, context, errors, assertLocal } = await openHost('element.html');
  const loaded = () => page.evaluate(() => elementEvents.filter((e) => e[0] === 'loupe-loaded'));
  await waitUntil(async () => (await loaded()).length === 1, 'loupe-loaded');
  const [[, report, target]] = await loaded();
  assert.equal(target, 'el');
  assert.deepEqual(report.files.map((f) => [f.name, f.spans]), [['sdk-python-agent.json', 13]]);
  const inShadow = (sel) => page.evaluate((sel) => document.getElementById('el').shadowRoot.querySelectorAll(sel).length, sel);
  await waitUntil(async () => (await inShadow('table.traces')) > 0, 'the trace list in the shadow root');
  assert.equal(await page.evaluate(() => document.querySelectorAll('.app, .btn:not(#host-p), table').length), 0, 'nothing of the viewer outside its shadow root');

  // Styles: the host's `.btn { color: red }` does not reach in; the viewer's do not reach out.
  const btnColor = () => page.evaluate(() => getComputedStyle(document.getElementById('el').shadowRoot.querySelector('.btn')).color);
  assert.notEqual(await btnColor(), 'rgb(255, 0, 0)');
  assert.equal(await page.evaluate(() => getComputedStyle(document.body).marginTop), '8px', 'the host body keeps its margin');
  assert.equal(await page.evaluate(() => getComputedStyle(document.getElementById('host-p')).color), 'rgb(255, 0, 0)');
  assert.equal(await page.evaluate(() => [...document.querySelectorAll('link')].filter((l) => l.href.includes('/viewer/')).length), 0);

  // Theme: dark as asked, then light, then the system's (light here).
  const bg = () => page.evaluate(() => getComputedStyle(document.getElementById('el')).getPropertyValue('--bg').trim());
  assert.equal(await bg(), '#15171b');
  await page.evaluate(() => document.getElementById('el').setAttribute('theme', 'light'));
  assert.equal(await bg(), '#f7f7f8');
  await context.close();
  const dark = await chrome.browser.newContext({ colorScheme: 'dark' });
  const p2 = await dark.newPage();
  await p2.goto(`${server.url}element.html`);
  await p2.waitForFunction(() => window.elementEvents?.some((e) => e[0] === 'loupe-loaded'));
  await p2.evaluate(() => document.getElementById('el').setAttribute('theme', 'auto'));
  assert.equal(await p2.evaluate(() => getComputedStyle(document.getElementById('el')).getPropertyValue('--bg').trim()), '#15171b');
  await dark.close();
  assertLocal();
  assert.deepEqual(errors, []);
});

test('<loupe-viewer> selects through .viewer, announces clicks, opens a new src and goes away with its element', async () => {
  const { page, context, errors, assertLocal } = await openHost('element.html');
  await page.waitForFunction(() => elementEvents.some((e) => e[0] === 'loupe-loaded'));
  const el = await page.evaluateHandle(() => document.getElementById('el'));
  const { traceId, spanId } = await page.evaluate(async () => {
    const r = await window.loupeTrace.analyze(await (await fetch('files/sdk-python-agent.json')).blob());
    const t = r.traces.find((t) => t.span_count > 3);
    return { traceId: t.trace_id, spanId: t.critical_path[0].span_id };
  });
  assert.equal(await page.evaluate(({ traceId, spanId }) => document.getElementById('el').viewer.select({ traceId, spanId }), { traceId, spanId }), true);
  const selects = () => page.evaluate(() => elementEvents.filter((e) => e[0] === 'loupe-select').map((e) => e[1]));
  await waitUntil(async () => (await selects()).length === 1, 'loupe-select');
  assert.deepEqual((await selects())[0], { traceId, spanId });
  // A click inside the shadow root.
  await page.evaluate(() => document.getElementById('el').shadowRoot.querySelectorAll('.tree-body .row')[1].click());
  await waitUntil(async () => (await selects()).length === 2, 'a second loupe-select');
  assert.notEqual((await selects())[1].spanId, spanId);
  // Keys typed into the viewer's own filter field stay there (the composed path is read).
  await page.evaluate(() => document.getElementById('el').shadowRoot.querySelector('[data-testid=filter]').focus());
  await page.keyboard.type('j?');
  assert.equal(await page.evaluate(() => document.getElementById('el').shadowRoot.activeElement.value), 'j?');
  // A new src is opened (merged into what is open).
  await el.evaluate((e) => e.setAttribute('src', 'files/sdk-node-agent.jsonl'));
  await waitUntil(() => page.evaluate(() => elementEvents.filter((e) => e[0] === 'loupe-loaded').length === 2), 'the second loupe-loaded');
  // A src that cannot be fetched is a loupe-error.
  await el.evaluate((e) => e.setAttribute('src', 'files/missing.json'));
  await waitUntil(() => page.evaluate(() => elementEvents.some((e) => e[0] === 'loupe-error')), 'loupe-error');
  assert.match(await page.evaluate(() => elementEvents.find((e) => e[0] === 'loupe-error')[1].message), /missing\.json.*could not be fetched/);
  // Removed, it lets go of its viewer.
  await el.evaluate((e) => e.remove());
  await waitUntil(() => el.evaluate((e) => e.viewer === null), 'the viewer destroyed');
  assertLocal();
  assert.ok(errors.every((e) => /missing\.json|404/.test(e)), `page errors: ${errors}`);
  await context.close();
});
