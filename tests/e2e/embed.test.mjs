// The iframe way of embedding (docs/embedding.md): a host page on one 127.0.0.1 port frames
// dist/embed.html from another, runs the PING/PONG handshake, opens a file by postMessage,
// selects a span, and hears `selected` when the user clicks one; a host on a third origin, not
// in `allow`, gets nothing and the frame shows a notice. Requests may go only to the two
// origins served.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve, serveStatic, launch, waitUntil, ROOT, FIXTURES, WAIT_LIMIT_MS } from './lib.mjs';

// The host's script: PING until PONG, then open the file and report everything it hears.
const HOST_JS = `
const frame = document.getElementById('frame');
window.heard = [];
window.addEventListener('message', (ev) => {
  if (ev.source !== frame.contentWindow) return;
  window.heard.push({ origin: ev.origin, data: ev.data });
});
window.handshake = async () => {
  for (;;) {
    if (window.heard.some((m) => m.data === 'PONG')) return true;
    frame.contentWindow.postMessage('PING', '*');
    await new Promise((r) => setTimeout(r, 100));
  }
};
window.openFile = async (url, name) => {
  const buffer = await (await fetch(url)).arrayBuffer();
  frame.contentWindow.postMessage({ loupe: { type: 'open', files: [{ name, buffer }] } }, '*', [buffer]);
  return buffer.byteLength;
};
window.send = (msg) => frame.contentWindow.postMessage(msg, '*');
`;

describe('embed.html in a frame of another origin', () => {
  let dist;
  let hostSite;
  let strangerSite;
  let chrome;
  let dir;
  before(async () => {
    dist = await serve();
    dir = mkdtempSync(path.join(tmpdir(), 'loupe-embed-'));
    writeFileSync(path.join(dir, 'host.js'), HOST_JS);
    copyFileSync(path.join(FIXTURES, 'otlp/valid/sdk-python-agent.json'), path.join(dir, 'run.json'));
    hostSite = await serveStatic(dir);
    strangerSite = await serveStatic(dir);
    const page = (allow) => `<!doctype html><html><head><meta charset="utf-8"><title>host</title>
<script src="host.js" defer></script></head><body>
<iframe id="frame" src="${dist.url}embed.html?allow=${encodeURIComponent(allow)}" width="1200" height="700"></iframe></body></html>`;
    writeFileSync(path.join(dir, 'index.html'), page(new URL(hostSite.url).origin));
    // The stranger's page frames Loupe with an allow list that does not name the stranger.
    writeFileSync(path.join(dir, 'stranger.html'), page(new URL(hostSite.url).origin));
    chrome = await launch();
  });
  after(async () => {
    await chrome?.close();
    dist?.stop();
    hostSite?.stop();
    strangerSite?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(url) {
    const context = await chrome.browser.newContext({ viewport: { width: 1280, height: 800 } });
    context.setDefaultTimeout(WAIT_LIMIT_MS);
    const page = await context.newPage();
    const requests = [];
    const dialogs = [];
    context.on('request', (r) => requests.push(r.url()));
    page.on('dialog', async (d) => { dialogs.push(d.message()); await d.dismiss(); });
    await page.goto(url);
    const frame = await waitUntil(() => page.frames().find((f) => f.url().startsWith(dist.url)), 'the Loupe frame');
    return { page, context, frame, requests, dialogs };
  }
  const assertOrigins = (requests, origins) => {
    const foreign = requests.filter((r) => !r.startsWith('blob:') && !r.startsWith('data:') && !origins.includes(new URL(r).origin));
    assert.deepEqual(foreign, [], 'requests only to the origins served');
  };

  it('answers PONG once ready, opens what is posted, selects on request and announces clicks', async () => {
    const { page, context, frame, requests } = await open(`${hostSite.url}index.html`);
    await page.evaluate(() => window.handshake());
    const pong = await page.evaluate(() => heard.find((m) => m.data === 'PONG'));
    assert.equal(pong.origin, new URL(dist.url).origin);
    // Messages without a `loupe` key are ignored (the channel may be shared).
    await page.evaluate(() => send({ other: 'app', type: 'open' }));
    await page.evaluate(() => openFile('run.json', 'run.json'));
    const loaded = await waitUntil(() => page.evaluate(() => heard.find((m) => m.data?.loupe?.type === 'loaded')), 'loaded');
    const { report } = loaded.data.loupe;
    assert.deepEqual(report.files.map((f) => [f.name, f.spans]), [['run.json', 13]]);
    assert.ok(report.traces.every((t) => /^[0-9a-f]{32}$/.test(t.trace_id) && t.span_count > 0));
    await frame.waitForSelector('table.traces'); // two traces: the list shows

    // The host selects a span by id (the last step of the critical path, as the CLI reports
    // it); the frame shows it and says so.
    const cli = spawnSync(process.env.LOUPE_BIN || path.join(ROOT, 'target/debug/loupe'),
      ['analyze', '--json', path.join(dir, 'run.json')], { encoding: 'utf8' });
    assert.equal(cli.status, 0, cli.stderr);
    const trace = JSON.parse(cli.stdout).traces.find((t) => t.span_count > 3);
    const step = trace.critical_path.at(-1);
    await page.evaluate(({ trace_id, span_id }) => send({ loupe: { type: 'select', trace_id, span_id } }),
      { trace_id: trace.trace_id, span_id: step.span_id });
    const selected = () => page.evaluate(() => heard.filter((m) => m.data?.loupe?.type === 'selected').map((m) => m.data.loupe));
    await waitUntil(async () => (await selected()).length === 1, 'selected after select');
    assert.deepEqual((await selected())[0], { type: 'selected', trace_id: trace.trace_id, span_id: step.span_id });
    assert.equal(await frame.textContent('.row.selected .name'), step.name);
    // A user's click is announced.
    const before = (await selected()).length;
    await frame.click('.tree-body .row >> nth=1');
    await waitUntil(async () => (await selected()).length === before + 1, 'selected after a click');
    const clicked = (await selected()).at(-1);
    assert.match(clicked.trace_id, /^[0-9a-f]{32}$/);
    assert.match(clicked.span_id, /^[0-9a-f]{16}$/);
    assert.equal(await frame.textContent('.row.selected .name'), await frame.textContent('.tree-body .row >> nth=1 >> .name'));
    // Bad messages get an error, not silence.
    await page.evaluate(() => send({ loupe: { type: 'launch' } }));
    await waitUntil(() => page.evaluate(() => heard.some((m) => m.data?.loupe?.type === 'error' && /unknown message type/.test(m.data.loupe.message))), 'an error for an unknown type');
    assert.equal(await frame.isVisible('#loupe-refused'), false, await frame.textContent('#loupe-refused'));
    assertOrigins(requests, [new URL(hostSite.url).origin, new URL(dist.url).origin]);
    await context.close();
  });

  it('refuses an origin its allow list does not name, with a notice, and answers nothing', async () => {
    const { page, context, frame, requests } = await open(`${strangerSite.url}stranger.html`);
    await frame.waitForSelector('.app');
    for (let i = 0; i < 5; i++) {
      await page.evaluate(() => send('PING'));
      await page.evaluate(() => openFile('run.json', 'run.json'));
    }
    await frame.waitForSelector('#loupe-refused:not([hidden])');
    assert.match(await frame.textContent('#loupe-refused'), new RegExp(`${new URL(strangerSite.url).origin.replace(/[.:/]/g, '\\$&')} were ignored`));
    // Give a wrongly accepted message every chance to be answered, then check nothing came.
    await frame.waitForTimeout(500);
    assert.deepEqual(await page.evaluate(() => heard), []);
    assert.equal(await frame.$$eval('.tree-body .row', (r) => r.length), 0, 'nothing was opened');
    assertOrigins(requests, [new URL(strangerSite.url).origin, new URL(dist.url).origin]);
    await context.close();
  });
});
