// End-to-end tests of the viewer: dist/ served on 127.0.0.1, Debian's Chromium driven by
// playwright-core. Every test checks that no request left the page's origin and that the page
// logged no error. Screenshots of the main states go to target/screenshots/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, openSync, writeSync, closeSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { serve, launch, openApp, shot, dropFiles, rowNames, FIXTURES } from './lib.mjs';

const NODE_SAMPLE = path.join(FIXTURES, 'otlp/valid/sdk-node-agent.jsonl');
const PY_SAMPLE = path.join(FIXTURES, 'otlp/valid/sdk-python-agent.json');

let srv;
let chrome;

before(async () => {
  srv = await serve();
  chrome = await launch();
});
after(async () => {
  await chrome?.close();
  srv?.stop();
});

/** Opens the app, runs `body`, then checks origin and errors. */
async function withApp(body, opts) {
  const app = await openApp(chrome.browser, srv.url, opts);
  try {
    await body(app);
    app.assertLocal();
    assert.deepEqual(app.errors, [], 'no console or page errors');
    assert.deepEqual(app.dialogs, [], 'no dialog opened');
  } finally {
    await app.context.close();
  }
}

async function pick(page, files) {
  await page.setInputFiles('[data-testid=file-input] >> nth=0', files);
}

async function rowCount(page) {
  return page.locator('.tree-body .row').count();
}

describe('viewer', () => {
  it('opens the samples from the start page and lists their traces', async () => {
    await withApp(async ({ page, requests, response }) => {
      // The page and the server both restrict it to its own origin.
      const header = response.headers()['content-security-policy'];
      assert.match(header, /default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self';/);
      assert.match(header, /connect-src 'self'; worker-src 'self'; object-src 'none'/);
      const meta = await page.$eval('meta[http-equiv=Content-Security-Policy]', (m) => m.content);
      assert.ok(meta.startsWith("default-src 'self'; script-src 'self' 'wasm-unsafe-eval'"));
      await shot(page, '01-start');
      await page.click('[data-testid=sample]');
      await page.waitForSelector('[data-testid=trace-list] tbody tr');
      const roots = await page.$$eval('.trace-row .root-name .name', (els) => els.map((e) => e.textContent));
      assert.deepEqual(roots.sort(), ['invoke_agent support-bot', 'invoke_agent support-bot', 'invoke_agent travel-planner']);
      assert.equal(await page.evaluate(() => window.loupe.in_worker()), true, 'parsing runs in a worker');
      assert.ok(requests.some((r) => r.endsWith('/worker.js')));
      await shot(page, '02-trace-list');
      // Sort by findings, most first.
      await page.click('th >> text=Findings');
      const first = await page.$eval('.trace-row .root-name .name', (e) => e.textContent);
      assert.equal(first, 'invoke_agent support-bot');
      // Narrow the list.
      await page.fill('.list-tools .filter', 'travel');
      await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 1);
    });
  });

  it('picks several files with the file input, merges them, and shows the tree', async () => {
    await withApp(async ({ page }) => {
      await pick(page, [NODE_SAMPLE, PY_SAMPLE]);
      await page.waitForSelector('.trace-row');
      assert.equal(await page.locator('.trace-row').count(), 3);
      assert.equal(await page.locator('.file-chip').count(), 2);
      await page.click('.trace-row >> text=invoke_agent travel-planner');
      await page.waitForSelector('.tree-body .row');
      assert.deepEqual(await rowNames(page), [
        'invoke_agent travel-planner',
        'chat gpt-4o',
        'execute_tool get_weather',
        'execute_tool search_hotels',
        'execute_tool search_hotels',
        'invoke_agent flight-search',
        'chat gpt-4o',
        'execute_tool search_flights',
        'chat gpt-4o',
        'chat gpt-4o',
      ]);
      // The failed tool call is marked, and it is the first suspect.
      const failed = page.locator('.row.err');
      assert.equal(await failed.count(), 1);
      assert.equal(await failed.locator('.badge.suspect').count(), 1);
      assert.ok((await page.textContent('[data-testid=panel]')).includes('tool_error'));
      await shot(page, '03-trace-findings');
    });
  });

  it('opens a dropped file', async () => {
    await withApp(async ({ page }) => {
      await dropFiles(page, '.app', [{ name: 'sdk-python-agent.json', content: readFileSync(PY_SAMPLE, 'utf8') }]);
      await page.waitForSelector('.trace-row');
      assert.equal(await page.locator('.trace-row').count(), 2);
      await page.click('.trace-row >> nth=0');
      await page.waitForSelector('.tree-body .row');
      assert.equal(await rowCount(page), 11);
      // The loop finding lists its spans; clicking one selects it in the tree.
      await page.click('.finding[data-kind=loop] .span-chip >> nth=0');
      await page.waitForSelector('.row.selected');
      assert.equal(await page.textContent('.row.selected .name'), 'execute_tool lookup_order');
      assert.ok((await page.textContent('[data-testid=span-detail]')).includes('gen_ai.tool.call.arguments'));
      // The audit of the run, as the core scores it.
      await page.click('.tab >> text=Audit');
      const audit = await page.textContent('[data-testid=audit]');
      assert.match(audit, /^\d+% Could an engineer reconstruct this run/);
      assert.ok(audit.includes('enforcement'));
    });
  });

  it('shows a span with grouped attributes and its chat transcript', async () => {
    await withApp(async ({ page }) => {
      await pick(page, [NODE_SAMPLE]);
      // A single trace opens directly.
      await page.waitForSelector('.tree-body .row');
      await page.click('.tree-body .row >> text=chat gpt-4o >> nth=0');
      await page.waitForSelector('[data-testid=transcript]');
      const detail = await page.textContent('[data-testid=span-detail]');
      for (const s of ['GenAI attributes', 'Resource attributes', 'gen_ai.request.model', 'gpt-4o', 'sdk-node-agent.jsonl:']) {
        assert.ok(detail.includes(s), `detail shows ${s}`);
      }
      const roles = await page.$$eval('.transcript .msg .role', (els) => els.map((e) => e.textContent));
      assert.ok(roles.includes('system') && roles.includes('user') && roles.includes('assistant'), roles.join());
      await shot(page, '04-span-transcript');
    });
  });

  it('marks the critical path and can show only it', async () => {
    // A plan step, then two parallel searches: the shorter one does not decide the end.
    const span = (id, parent, name, s, e) => ({
      traceId: '5b8efff798038103d269b633813fc60c', spanId: id, parentSpanId: parent, name,
      startTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(s) * 1_000_000n),
      endTimeUnixNano: String(1_700_000_000_000_000_000n + BigInt(e) * 1_000_000n),
      attributes: name.startsWith('execute_tool') ? [{ key: 'gen_ai.operation.name', value: { stringValue: 'execute_tool' } }] : [],
    });
    const doc = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'planner' } }] }, scopeSpans: [{ spans: [
      span('00000000000000a1', '', 'invoke_agent planner', 0, 1000),
      span('00000000000000a2', '00000000000000a1', 'chat plan', 0, 200),
      span('00000000000000a3', '00000000000000a1', 'execute_tool search_web', 210, 500),
      span('00000000000000a4', '00000000000000a1', 'execute_tool search_docs', 210, 950),
      span('00000000000000a5', '00000000000000a4', 'http GET /docs', 220, 940),
    ] }] }] };
    await withApp(async ({ page }) => {
      await pick(page, { name: 'parallel.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
      await page.waitForSelector('.tree-body .row');
      const all = await rowCount(page);
      const onPath = await page.locator('.row[data-critical=true]').count();
      assert.ok(onPath > 0 && onPath < all, `${onPath} of ${all} rows on the path`);
      const offPath = await page.$$eval('.row[data-critical=false] .name', (els) => els.map((e) => e.textContent));
      assert.deepEqual(offPath, ['execute_tool search_web']);
      assert.equal(await page.locator('.row[data-critical=true] .cp-mark').count(), onPath);
      assert.equal(await page.locator('.row[data-critical=true] .bar.cp').count(), onPath);
      await page.check('[data-testid=critical-only]');
      await page.waitForFunction((n) => document.querySelectorAll('.tree-body .row').length === n, onPath);
      assert.equal(await page.locator('.row[data-critical=false]').count(), 0);
      await page.click('.tab >> text=Time & cost');
      assert.ok((await page.textContent('[data-testid=panel]')).includes('Critical path'));
      await shot(page, '05-critical-path');
      // Export the core's report of this trace.
      const [download] = await Promise.all([page.waitForEvent('download'), page.click('text=Export JSON')]);
      const report = JSON.parse(readFileSync(await download.path(), 'utf8'));
      assert.equal(report.schema, 'loupe.analysis/1');
      assert.equal(report.traces[0].trace_id, '5b8efff798038103d269b633813fc60c');
      assert.equal(report.traces[0].critical_path.length, onPath);
    });
  });

  it('keeps the open trace when a bad file is added, and names the file and position', async () => {
    await withApp(async ({ page }) => {
      await pick(page, [NODE_SAMPLE]);
      await page.waitForSelector('.tree-body .row');
      await pick(page, { name: 'broken.json', mimeType: 'application/json', buffer: Buffer.from('{"resourceSpans": [{"scopeSpans": [{"spans": [}') });
      await page.waitForSelector('.notice.error');
      const msg = await page.textContent('.notice.error .notice-text');
      assert.match(msg, /^broken\.json:1:\d+: /);
      assert.equal(await rowCount(page), 10, 'the earlier trace stays');
      assert.equal(await page.locator('.file-chip').count(), 1);
      // A file that is only partly readable loads, and its warnings are one click away.
      const good = readFileSync(NODE_SAMPLE, 'utf8').split('\n').filter(Boolean);
      const partial = [good[0], '{"resourceSpans": [oops', ...good.slice(1)].join('\n');
      await pick(page, { name: 'partial.jsonl', mimeType: 'application/json', buffer: Buffer.from(partial) });
      await page.waitForFunction(() => document.querySelectorAll('.file-chip').length === 2);
      await page.click('.file-chip .chip-btn');
      await page.waitForSelector('.notice.info');
      assert.match(await page.textContent('.notice.info'), /partial\.jsonl: \d+ warnings? while reading it[\s\S]*(bad_line|truncated): /);
      await shot(page, '06-bad-file');
    });
  });

  it('opens gzip files and pasted JSON', async () => {
    await withApp(async ({ page }) => {
      await pick(page, { name: 'agent.jsonl.gz', mimeType: 'application/gzip', buffer: gzipSync(readFileSync(NODE_SAMPLE)) });
      await page.waitForSelector('.tree-body .row');
      assert.equal(await rowCount(page), 10);
      await page.click('.topbar >> text=Paste');
      await page.fill('[data-testid=paste-text]', readFileSync(PY_SAMPLE, 'utf8'));
      await page.click('[data-testid=paste-open]');
      await page.waitForFunction(() => document.querySelectorAll('.file-chip').length === 2);
      assert.ok((await page.textContent('.files')).includes('pasted.json'));
      // Ctrl+V anywhere on the page (outside a text field) opens JSON from the clipboard too.
      const text = readFileSync(path.join(FIXTURES, 'otlp/valid/agent-run-hex.json'), 'utf8');
      await page.evaluate((t) => {
        const dt = new DataTransfer();
        dt.setData('text/plain', t);
        document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: dt, bubbles: true, cancelable: true }));
      }, text);
      await page.waitForFunction(() => document.querySelectorAll('.file-chip').length === 3);
    });
  });

  it('runs no script from trace content', async () => {
    const payload = `<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2;alert(2)</script>`;
    const messages = JSON.stringify([{ role: 'user', parts: [{ type: 'text', content: payload }] }]);
    const attr = (key, v) => ({ key, value: { stringValue: v } });
    const doc = {
      resourceSpans: [{
        resource: { attributes: [attr('service.name', payload)] },
        scopeSpans: [{
          scope: { name: payload },
          spans: [
            {
              traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: payload,
              startTimeUnixNano: '1000000000', endTimeUnixNano: '3000000000',
              attributes: [attr('gen_ai.operation.name', 'chat'), attr('gen_ai.input.messages', messages), attr('javascript:alert(3)', 'javascript:alert(4)'), attr('url', 'javascript:alert(5)'), attr('long', payload.repeat(40))],
              events: [{ name: payload, timeUnixNano: '1500000000', attributes: [attr(payload, payload)] }],
              status: { code: 2, message: payload },
            },
          ],
        }],
      }],
    };
    await withApp(async ({ page }) => {
      await pick(page, { name: '<img src=x onerror=alert(6)>.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
      await page.waitForSelector('.tree-body .row');
      assert.equal(await page.textContent('.tree-body .row .name'), payload);
      await page.click('.tree-body .row');
      await page.waitForSelector('[data-testid=transcript]');
      assert.ok((await page.textContent('[data-testid=transcript]')).includes(payload));
      // A long value is cut, with a button to show all of it (still as text).
      const more = page.locator('.group tr:has(th:text-is("long")) .link-btn');
      assert.match(await more.textContent(), /^show all \(/);
      await more.click();
      assert.equal(await page.textContent('.group tr:has(th:text-is("long")) .value'), payload.repeat(40));
      await page.click('.tab >> text=Findings');
      await page.click('.tab >> text=Span');
      const state = await page.evaluate(() => ({
        pwned: window.__pwned,
        injected: document.querySelectorAll('#loupe img, #loupe script, #loupe iframe, #loupe object').length,
        links: [...document.querySelectorAll('#loupe [href], #loupe [src]')].map((e) => e.outerHTML),
      }));
      assert.deepEqual(state, { pwned: undefined, injected: 0, links: [] });
      await shot(page, '07-hostile-strings');
    });
  });

  it('puts only visible rows of a big trace in the DOM', async () => {
    // A 6,000-span trace: a root with 60 agents of 99 tool calls each.
    const spans = [];
    const hex = (n, w) => n.toString(16).padStart(w, '0');
    const trace = hex(1, 32);
    let id = 1;
    const t0 = 1_700_000_000_000_000_000n;
    spans.push({ traceId: trace, spanId: hex(id, 16), name: 'invoke_agent big', startTimeUnixNano: String(t0), endTimeUnixNano: String(t0 + 600_000_000_000n) });
    for (let a = 0; a < 60; a++) {
      const agent = ++id;
      const as = t0 + BigInt(a) * 10_000_000_000n;
      spans.push({ traceId: trace, spanId: hex(agent, 16), parentSpanId: hex(1, 16), name: `invoke_agent worker-${a}`, startTimeUnixNano: String(as), endTimeUnixNano: String(as + 9_900_000_000n) });
      for (let k = 0; k < 98; k++) {
        const s = as + BigInt(k) * 100_000_000n;
        spans.push({ traceId: trace, spanId: hex(++id, 16), parentSpanId: hex(agent, 16), name: `execute_tool step-${a}-${k}`, startTimeUnixNano: String(s), endTimeUnixNano: String(s + 90_000_000n) });
      }
    }
    const doc = { resourceSpans: [{ resource: { attributes: [{ key: 'service.name', value: { stringValue: 'big' } }] }, scopeSpans: [{ spans }] }] };
    await withApp(async ({ page }) => {
      await pick(page, { name: 'big.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
      await page.waitForSelector('.tree-body .row');
      const total = spans.length;
      const inDom = await rowCount(page);
      assert.ok(inDom > 20 && inDom < 200, `${inDom} rows in the DOM for ${total} spans`);
      const height = await page.$eval('.tree-body', (e) => e.getBoundingClientRect().height);
      assert.equal(Math.round(height), total * 26, 'the list is as tall as every row');
      await page.$eval('.tree-scroll', (e) => { e.scrollTop = 26 * 4000; });
      await page.waitForFunction(() => [...document.querySelectorAll('.tree-body .row .name')].some((n) => n.textContent.startsWith('execute_tool step-40-')));
      assert.ok((await rowCount(page)) < 200);
      // Keyboard: select, move down, collapse with Enter on a parent.
      await page.click('.tree-body .row >> nth=5');
      const before = await page.textContent('.row.selected .name');
      await page.keyboard.press('j');
      await page.waitForFunction((b) => document.querySelector('.row.selected .name')?.textContent !== b, before);
      await page.keyboard.press('/');
      assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'filter');
      await page.keyboard.type('worker-59 kind:agent');
      await page.waitForFunction(() => document.querySelector('.filter-status').textContent.startsWith('1 match'));
      await shot(page, '08-big-trace');
    });
  });

  it('keeps trace, span and filter in the URL fragment and restores them', async () => {
    let hash;
    await withApp(async ({ page }) => {
      await pick(page, [PY_SAMPLE]);
      await page.click('.trace-row >> text=21.48 s');
      await page.click('.tree-body .row >> text=execute_tool search_kb');
      await page.waitForSelector('[data-testid=span-detail]');
      await page.waitForFunction(() => location.hash.includes('span='));
      hash = await page.evaluate(() => location.hash);
      assert.match(hash, /^#trace=053565cbc3d68e9a33ee0e81260b8f16&span=[0-9a-f]{16}$/);
    });
    await withApp(async ({ page }) => {
      await pick(page, [PY_SAMPLE]);
      await page.waitForSelector('.row.selected');
      assert.equal(await page.textContent('.row.selected .name'), 'execute_tool search_kb');
    }, { hash });
  });

  it('shows progress for a big file and cancels it, keeping what was open', async () => {
    // About 250 MB of OTLP JSON Lines, written in pieces (no giant string).
    const dir = mkdtempSync(path.join(tmpdir(), 'loupe-e2e-'));
    const big = path.join(dir, 'big.jsonl');
    const fd = openSync(big, 'w');
    const pad = 'x'.repeat(2000);
    for (let line = 0; line < 1000; line++) {
      const spans = [];
      for (let k = 0; k < 120; k++) {
        const n = line * 120 + k;
        spans.push(`{"traceId":"${n.toString(16).padStart(32, '0')}","spanId":"${(n + 1).toString(16).padStart(16, '0')}","name":"step","startTimeUnixNano":"1000","endTimeUnixNano":"2000","attributes":[{"key":"pad","value":{"stringValue":"${pad}"}}]}`);
      }
      writeSync(fd, `{"resourceSpans":[{"scopeSpans":[{"spans":[${spans.join(',')}]}]}]}\n`);
    }
    closeSync(fd);
    try {
      await withApp(async ({ page }) => {
        await pick(page, [NODE_SAMPLE]);
        await page.waitForSelector('.tree-body .row');
        await pick(page, [big]);
        await page.waitForSelector('.progress');
        await shot(page, '10-progress');
        await page.click('.progress >> text=Cancel');
        await page.waitForSelector('.notice.info');
        assert.match(await page.textContent('.notice.info'), /cancelled/);
        // The worker was replaced and the earlier file reopened in it.
        await page.waitForFunction(() => document.querySelectorAll('.tree-body .row').length === 10);
        assert.equal(await page.locator('.file-chip').count(), 1);
        await page.click('.tree-body .row >> text=chat gpt-4o >> nth=0');
        await page.waitForSelector('[data-testid=transcript]');
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('follows the dark colour scheme', async () => {
    await withApp(async ({ page }) => {
      await pick(page, [NODE_SAMPLE]);
      await page.click('.tree-body .row >> text=execute_tool search_hotels >> nth=0');
      await page.waitForSelector('[data-testid=span-detail]');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, 'rgb(21, 23, 27)');
      await shot(page, '09-dark');
    }, { colorScheme: 'dark' });
  });
});
