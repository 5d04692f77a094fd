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

const T0 = 1_700_000_000_000_000_000n;
const attr = (key, v) => (typeof v === 'number'
  ? { key, value: { intValue: String(v) } }
  : { key, value: { stringValue: v } });

/** An OTLP span: times in ms from T0, attributes as [key, value] pairs. */
function otlpSpan(traceId, spanId, parent, name, s, e, attrs = [], extra = {}) {
  return {
    traceId, spanId, parentSpanId: parent, name,
    startTimeUnixNano: String(T0 + BigInt(s) * 1_000_000n),
    endTimeUnixNano: String(T0 + BigInt(e) * 1_000_000n),
    attributes: attrs.map(([k, v]) => attr(k, v)),
    ...extra,
  };
}

function otlpDoc(spans, service = 'planner') {
  return { resourceSpans: [{ resource: { attributes: [attr('service.name', service)] }, scopeSpans: [{ spans }] }] };
}

function jsonFile(name, doc) {
  return { name, mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) };
}

/** Waits until the tree shows exactly these row names. */
async function waitRows(page, names) {
  await page.waitForFunction(
    (want) => {
      const got = [...document.querySelectorAll('.tree-body .row')]
        .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
        .map((r) => r.querySelector('.name').textContent);
      return JSON.stringify(got) === JSON.stringify(want);
    },
    names,
  ).catch(async (e) => {
    throw new Error(`rows ${JSON.stringify(await rowNames(page))}, wanted ${JSON.stringify(names)}: ${e.message}`);
  });
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
    const html = `<img src=x onerror="window.__pwned=1;alert(1)"><script>window.__pwned=2;alert(2)</script>`;
    const svg = `<svg onload="window.__pwned=3;alert(3)"><circle r="1"/></svg>`;
    const css = `</style><style>body{background:url(//evil.example/x)}</style>`;
    const js = 'javascript:window.__pwned=4;alert(4)';
    const payload = html + svg + css;
    const all = [html, svg, css, js];
    const messages = JSON.stringify([{ role: 'user', parts: all.map((p) => ({ type: 'text', content: p })) }]);
    const output = JSON.stringify([{ role: 'assistant', parts: [{ type: 'tool_call', id: js, name: svg, arguments: css }] }]);
    const doc = {
      resourceSpans: [{
        resource: { attributes: [attr('service.name', payload)] },
        scopeSpans: [{
          scope: { name: payload },
          spans: [
            {
              traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', name: payload,
              startTimeUnixNano: '1000000000', endTimeUnixNano: '3000000000',
              attributes: [
                attr('gen_ai.operation.name', 'chat'), attr('gen_ai.input.messages', messages), attr('gen_ai.output.messages', output),
                attr('javascript:alert(5)', js), attr('url', js), attr('href', js), attr('src', js), attr('style', css), attr(svg, svg),
                attr('gen_ai.conversation.id', payload), attr('long', payload.repeat(40)),
              ],
              events: [
                { name: payload, timeUnixNano: '1500000000', attributes: [attr(payload, payload), attr('url', js)] },
                { name: 'exception', timeUnixNano: '1600000000', attributes: [attr('exception.message', svg), attr('exception.stacktrace', css)] },
              ],
              links: [{ traceId: '0af7651916cd43dd8448eb211c80319d', spanId: 'b7ad6b7169203332', attributes: [attr('href', js)] }],
              status: { code: 2, message: payload },
            },
            {
              traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203334', parentSpanId: 'b7ad6b7169203331', name: js,
              startTimeUnixNano: '1100000000', endTimeUnixNano: '1200000000',
              attributes: [attr('gen_ai.operation.name', 'execute_tool'), attr('gen_ai.tool.name', svg), attr('gen_ai.tool.call.arguments', css)],
            },
          ],
        }],
      }],
    };
    await withApp(async ({ page }) => {
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundImage);
      const styles = await page.evaluate(() => document.querySelectorAll('style, link[rel=stylesheet]').length);
      await pick(page, { name: '<img src=x onerror=alert(6)>.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
      await page.waitForSelector('.tree-body .row');
      assert.deepEqual(await rowNames(page), [payload, js]);
      await page.click('.tree-body .row >> nth=0');
      await page.waitForSelector('[data-testid=transcript]');
      const transcript = await page.textContent('[data-testid=transcript]');
      for (const p of all) assert.ok(transcript.includes(p), `the transcript shows ${p} as text`);
      const detail = await page.textContent('[data-testid=span-detail]');
      for (const p of [payload, js, svg, css]) assert.ok(detail.includes(p), `the span panel shows ${p} as text`);
      // A long value is cut, with a button to show all of it (still as text).
      const more = page.locator('.group tr:has(th:text-is("long")) .link-btn');
      assert.match(await more.textContent(), /^show all \(/);
      await more.click();
      assert.equal(await page.textContent('.group tr:has(th:text-is("long")) .value'), payload.repeat(40));
      // Every panel and the other span, zoomed; then the list with the conversation header.
      for (const tab of ['Findings', 'Time & cost', 'Audit', 'Span']) await page.click(`.tab >> text=${tab}`);
      await page.click('.tree-body .row >> nth=1');
      await page.waitForFunction((n) => document.querySelector('.detail-title')?.textContent.startsWith(n), js);
      await page.keyboard.press('z');
      await page.waitForSelector('[data-testid=zoom-crumbs]');
      assert.equal(await page.textContent('[data-testid=zoom-crumbs] button.crumb'), payload);
      await page.click('text=← Traces');
      await page.waitForSelector('tbody.conversation');
      assert.equal(await page.textContent('.group-id'), payload);
      const state = await page.evaluate(() => ({
        pwned: window.__pwned,
        injected: document.querySelectorAll('#loupe img, #loupe script, #loupe iframe, #loupe object, #loupe svg, #loupe style, #loupe link').length,
        links: [...document.querySelectorAll('#loupe [href], #loupe [src], #loupe [onload], #loupe [onerror]')].map((e) => e.outerHTML),
        styles: document.querySelectorAll('style, link[rel=stylesheet]').length,
        bg: getComputedStyle(document.body).backgroundImage,
      }));
      assert.deepEqual(state, { pwned: undefined, injected: 0, links: [], styles, bg });
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
      // A row well inside the viewport (the DOM also holds rows just above and below it, which
      // a click would first scroll to, moving the row window).
      const target = await page.evaluate(() => {
        const sc = document.querySelector('.tree-scroll');
        const inside = [...document.querySelectorAll('.tree-body .row')]
          .filter((r) => parseFloat(r.style.top) >= sc.scrollTop + 52 && parseFloat(r.style.top) < sc.scrollTop + sc.clientHeight - 78)
          .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top));
        return inside[2].querySelector('.name').textContent;
      });
      await page.click(`.tree-body .row:has(.name:text-is("${target}"))`);
      await page.waitForSelector('.row.selected');
      const before = await page.textContent('.row.selected .name');
      assert.equal(before, target);
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
      assert.match(await page.evaluate(() => location.hash), /^#trace=053565cbc3d68e9a33ee0e81260b8f16&span=[0-9a-f]{16}$/);
      // The filter goes into the fragment too.
      await page.fill('[data-testid=filter]', 'kind:tool');
      await page.waitForFunction(() => location.hash.includes('&q='));
      hash = await page.evaluate(() => location.hash);
      assert.match(hash, /^#trace=053565cbc3d68e9a33ee0e81260b8f16&span=[0-9a-f]{16}&q=kind%3Atool$/);
      // A reload keeps the fragment; opening the same file again goes back to the same place.
      await page.reload();
      await page.waitForSelector('.app');
      assert.equal(await page.evaluate(() => location.hash), hash);
      await pick(page, [PY_SAMPLE]);
      await page.waitForSelector('.row.selected');
      assert.equal(await page.textContent('.row.selected .name'), 'execute_tool search_kb');
      assert.equal(await page.inputValue('[data-testid=filter]'), 'kind:tool');
      await page.waitForFunction(() => document.querySelector('.filter-status').textContent === '4 matches');
      assert.equal(await page.locator('.row.matched').count(), 4);
    });
    // The same link in a fresh browser context.
    await withApp(async ({ page }) => {
      await pick(page, [PY_SAMPLE]);
      await page.waitForSelector('.row.selected');
      assert.equal(await page.textContent('.row.selected .name'), 'execute_tool search_kb');
      assert.equal(await page.inputValue('[data-testid=filter]'), 'kind:tool');
      assert.equal(await page.locator('.row.matched').count(), 4);
    }, { hash });
  });

  it('ignores malformed deep links, says what it ignored, and keeps what is open', async () => {
    const garbage = [
      '#trace=abc', '#trace=999999', '#span=-1', '#foo=bar', '#trace=%', '#trace=%E2%82&q=%zz',
      `#trace=${'9'.repeat(400)}`, '#trace=&span=&q=', '#trace=a&trace=b&cp=2', '#&&=&',
      // Valid-looking, for a trace that is not among the open ones (the node sample's).
      '#trace=f2375243e512011845516c7d47ff7c28&span=a273aaf9e098ede6&q=kind%3Atool&cp=1',
    ];
    for (const hash of garbage) {
      await withApp(async ({ page }) => {
        // The python sample has two traces: without a usable link the list is shown.
        await pick(page, [PY_SAMPLE]);
        await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 2);
        await page.waitForSelector('.notice.info');
        assert.match(await page.textContent('.notice.info'), /^Ignored in the link: /, hash);
        assert.equal(await rowCount(page), 0, `${hash}: no trace is shown`);
        assert.equal(await page.locator('.file-chip').count(), 1);
        // The list works, and the link's filter did not leak into the trace opened from it.
        await page.click('.trace-row >> text=21.48 s');
        await page.waitForFunction(() => document.querySelectorAll('.tree-body .row').length === 11);
        assert.equal(await page.inputValue('[data-testid=filter]'), '', hash);
        assert.equal(await page.isChecked('[data-testid=critical-only]'), false, hash);
        await page.waitForFunction(() => location.hash === '#trace=053565cbc3d68e9a33ee0e81260b8f16');
      }, { hash });
    }
  });

  it('a filter hides non-matching spans', async () => {
    const tid = '5b8efff798038103d269b633813fc60d';
    const doc = otlpDoc([
      otlpSpan(tid, '00000000000000b1', '', 'invoke_agent planner', 0, 1000, [['gen_ai.operation.name', 'invoke_agent']]),
      otlpSpan(tid, '00000000000000b2', '00000000000000b1', 'chat plan', 0, 200, [['gen_ai.operation.name', 'chat'], ['gen_ai.request.model', 'gpt-4o']]),
      otlpSpan(tid, '00000000000000b3', '00000000000000b1', 'execute_tool search_web', 210, 500,
        [['gen_ai.operation.name', 'execute_tool'], ['gen_ai.tool.name', 'search_web'], ['region', 'eu-west']], { status: { code: 2, message: 'timeout' } }),
      otlpSpan(tid, '00000000000000b4', '00000000000000b1', 'execute_tool search_docs', 210, 950,
        [['gen_ai.operation.name', 'execute_tool'], ['gen_ai.tool.name', 'search_docs'], ['region', 'us-east']]),
      otlpSpan(tid, '00000000000000b5', '00000000000000b4', 'http GET /docs', 220, 940, [['http.url', 'https://docs.internal/search?q=x']]),
    ]);
    const all = ['invoke_agent planner', 'chat plan', 'execute_tool search_web', 'execute_tool search_docs', 'http GET /docs'];
    await withApp(async ({ page }) => {
      await pick(page, jsonFile('filter.json', doc));
      await waitRows(page, all);
      await page.check('label.check:has-text("Hide others") input');
      // Each filter keeps its matches and their ancestors, in tree order.
      const cases = [
        ['kind:tool', ['invoke_agent planner', 'execute_tool search_web', 'execute_tool search_docs']],
        ['status:error', ['invoke_agent planner', 'execute_tool search_web']],
        ['region=us-east', ['invoke_agent planner', 'execute_tool search_docs']],
        ['http.url~docs.internal', ['invoke_agent planner', 'execute_tool search_docs', 'http GET /docs']],
        // `~` takes a regular expression (any case).
        ['http.url~^HTTPS://[a-z]+\\.internal/search\\?q=x$', ['invoke_agent planner', 'execute_tool search_docs', 'http GET /docs']],
        ['http.url~^https://docs\\.internal/$', []],
        ['>500ms', ['invoke_agent planner', 'execute_tool search_docs', 'http GET /docs']],
        ['kind:model', ['invoke_agent planner', 'chat plan']],
        ['-kind:tool <300ms', ['invoke_agent planner', 'chat plan']],
      ];
      for (const [q, want] of cases) {
        await page.fill('[data-testid=filter]', q);
        await waitRows(page, want);
      }
      await shot(page, '11-filter-hide');
      // Unticked, every span is back; the matches are only marked.
      await page.uncheck('label.check:has-text("Hide others") input');
      await waitRows(page, all);
      assert.deepEqual(await page.$$eval('.row.matched .name', (els) => els.map((e) => e.textContent)), ['chat plan']);
    });
    // finding:loop on the Python SDK's run: the three identical lookups and their agent.
    await withApp(async ({ page }) => {
      await pick(page, [PY_SAMPLE]);
      await page.click('.trace-row >> text=21.48 s');
      await page.waitForSelector('.tree-body .row');
      await page.check('label.check:has-text("Hide others") input');
      await page.fill('[data-testid=filter]', 'finding:loop');
      await waitRows(page, ['invoke_agent support-bot', 'execute_tool lookup_order', 'execute_tool lookup_order', 'execute_tool lookup_order']);
      await page.uncheck('label.check:has-text("Hide others") input');
      await page.waitForFunction(() => document.querySelectorAll('.tree-body .row').length === 11);
    });
  });

  it('moves, collapses, expands, helps and clears with the keyboard', async () => {
    await withApp(async ({ page }) => {
      await pick(page, [NODE_SAMPLE]);
      await page.waitForSelector('.tree-body .row');
      assert.equal(await rowCount(page), 10);
      await page.click('.tree-body .row >> text=invoke_agent flight-search');
      await page.waitForSelector('.row.selected');
      // j / k move the selection.
      await page.keyboard.press('j');
      await page.waitForFunction(() => document.querySelector('.row.selected .name')?.textContent === 'chat gpt-4o');
      await page.keyboard.press('ArrowUp');
      await page.waitForFunction(() => document.querySelector('.row.selected .name')?.textContent === 'invoke_agent flight-search');
      // ← collapses the selected span, → expands it.
      await page.keyboard.press('ArrowLeft');
      await page.waitForSelector('.row.selected[aria-expanded=false]');
      const hidden = Number((await page.textContent('.row.selected .hidden-count')).replace('+', ''));
      assert.ok(hidden >= 2, `${hidden} spans folded`);
      assert.equal(await rowCount(page), 10 - hidden);
      await page.keyboard.press('ArrowRight');
      await page.waitForSelector('.row.selected[aria-expanded=true]');
      assert.equal(await rowCount(page), 10);
      // ? opens the help and closes it; Esc closes it too.
      await page.keyboard.press('?');
      await page.waitForSelector('[role=dialog][aria-label="Keyboard shortcuts"]');
      assert.ok((await page.textContent('.modal')).includes('zoom to the selected span'));
      await shot(page, '12-help');
      await page.keyboard.press('Escape');
      await page.waitForSelector('.modal', { state: 'detached' });
      assert.equal(await page.locator('.row.selected').count(), 1, 'Esc closed only the help');
      // Esc clears the selection, then goes back to the list.
      await page.keyboard.press('Escape');
      await page.waitForSelector('.row.selected', { state: 'detached' });
      await page.keyboard.press('Escape');
      await page.waitForSelector('.trace-row');
      // In the list, j moves the focus to a trace and Enter opens it; / finds a trace.
      await page.keyboard.press('/');
      assert.equal(await page.evaluate(() => document.activeElement.dataset.testid), 'list-filter');
      await page.keyboard.press('Escape');
      await page.keyboard.press('j');
      assert.equal(await page.evaluate(() => document.activeElement.classList.contains('trace-row')), true);
      await page.keyboard.press('Enter');
      await page.waitForSelector('.tree-body .row');
      assert.equal(await page.textContent('[data-testid=trace-title]'), 'invoke_agent travel-planner');
    });
  });

  it('zooms to a span\'s subtree and back, and keeps the zoom in the URL', async () => {
    let hash;
    await withApp(async ({ page }) => {
      await pick(page, [NODE_SAMPLE]);
      await page.waitForSelector('.tree-body .row');
      await page.click('.tree-body .row >> text=invoke_agent flight-search');
      await page.waitForSelector('.row.selected');
      const title = await page.getAttribute('.row.selected', 'title');
      const dur = title.split(' · ')[2];
      await page.keyboard.press('ArrowLeft');
      await page.waitForSelector('.row.selected[aria-expanded=false]');
      const inside = Number((await page.textContent('.row.selected .hidden-count')).replace('+', ''));
      // z zooms: the subtree alone (opened), on its own time scale.
      await page.keyboard.press('z');
      await page.waitForSelector('[data-testid=zoom-crumbs]');
      await page.waitForFunction((n) => document.querySelectorAll('.tree-body .row').length === n, inside + 1);
      const names = await rowNames(page);
      assert.equal(names[0], 'invoke_agent flight-search');
      assert.ok(!names.includes('invoke_agent travel-planner') && !names.includes('execute_tool get_weather'), names.join());
      assert.equal(await page.textContent('[data-testid=zoom-crumbs] .crumb.current'), 'invoke_agent flight-search');
      assert.deepEqual(await page.$$eval('[data-testid=zoom-crumbs] button.crumb', (b) => b.map((e) => e.textContent)), ['invoke_agent travel-planner']);
      const ruler = await page.$$eval('.ruler .tick', (t) => t.map((e) => e.textContent));
      assert.equal(ruler[ruler.length - 1], dur, 'the ruler ends at the zoomed span\'s duration');
      const bar = await page.$eval('.tree-body .row .bar', (b) => [parseFloat(b.style.left), parseFloat(b.style.width)]);
      assert.deepEqual(bar, [0, 100]);
      await page.waitForFunction(() => location.hash.includes('&zoom='));
      hash = await page.evaluate(() => location.hash);
      await shot(page, '13-zoom');
      // Back out with the breadcrumb; the panel's button zooms again.
      await page.click('[data-testid=zoom-crumbs] >> text=Whole trace');
      await page.waitForSelector('[data-testid=zoom-crumbs]', { state: 'detached' });
      await page.waitForFunction(() => document.querySelectorAll('.tree-body .row').length === 10);
      assert.ok(!(await page.evaluate(() => location.hash)).includes('zoom='));
      await page.click('.tree-body .row >> text=invoke_agent flight-search');
      await page.click('[data-testid=zoom]');
      await page.waitForSelector('[data-testid=zoom-crumbs]');
      await page.waitForFunction((n) => document.querySelectorAll('.tree-body .row').length === n, inside + 1);
      // Esc clears the selection first, then leaves the zoom.
      await page.keyboard.press('Escape');
      await page.waitForSelector('.row.selected', { state: 'detached' });
      await page.keyboard.press('Escape');
      await page.waitForSelector('[data-testid=zoom-crumbs]', { state: 'detached' });
      await page.waitForFunction(() => document.querySelectorAll('.tree-body .row').length === 10);
    });
    // The zoom comes back from the link.
    await withApp(async ({ page }) => {
      await pick(page, [NODE_SAMPLE]);
      await page.waitForSelector('[data-testid=zoom-crumbs]');
      assert.equal(await page.textContent('[data-testid=zoom-crumbs] .crumb.current'), 'invoke_agent flight-search');
      assert.equal((await rowNames(page))[0], 'invoke_agent flight-search');
    }, { hash });
  });

  it('groups traces by conversation and session, with totals, and folds a group', async () => {
    const chat = (tid, id, parent, s, e, model, tin, tout) => otlpSpan(tid, id, parent, `chat ${model}`, s, e, [
      ['gen_ai.operation.name', 'chat'], ['gen_ai.request.model', model],
      ['gen_ai.usage.input_tokens', tin], ['gen_ai.usage.output_tokens', tout],
    ]);
    const tool = (tid, id, parent, s, e, name) => otlpSpan(tid, id, parent, `execute_tool ${name}`, s, e, [
      ['gen_ai.operation.name', 'execute_tool'], ['gen_ai.tool.name', name],
    ]);
    const A1 = 'a1000000000000000000000000000001';
    const A2 = 'a2000000000000000000000000000002';
    const B1 = 'b1000000000000000000000000000001';
    const C1 = 'c1000000000000000000000000000001';
    const doc = otlpDoc([
      otlpSpan(A1, '0000000000000a11', '', 'invoke_agent turn-1', 0, 1000, [['gen_ai.operation.name', 'invoke_agent'], ['gen_ai.agent.name', 'helper'], ['gen_ai.conversation.id', 'conv-A']]),
      chat(A1, '0000000000000a12', '0000000000000a11', 0, 300, 'gpt-4o', 200, 100),
      chat(A1, '0000000000000a13', '0000000000000a11', 300, 500, 'gpt-4o-mini', 80, 20),
      tool(A1, '0000000000000a14', '0000000000000a11', 500, 900, 'search'),
      tool(A1, '0000000000000a15', '0000000000000a11', 900, 1000, 'fetch'),
      otlpSpan(A2, '0000000000000a21', '', 'invoke_agent turn-2', 5000, 5800, [['gen_ai.operation.name', 'invoke_agent'], ['gen_ai.conversation.id', 'conv-A']]),
      chat(A2, '0000000000000a22', '0000000000000a21', 5000, 5500, 'gpt-4o', 50, 10),
      otlpSpan(B1, '0000000000000b11', '', 'invoke_agent other-user', 2000, 2500, [['session.id', 'sess-B']]),
      otlpSpan(C1, '0000000000000c11', '', 'invoke_agent no-session', 3000, 3100),
    ]);
    await withApp(async ({ page }) => {
      await pick(page, jsonFile('conversations.json', doc));
      await page.waitForSelector('tbody.conversation');
      assert.match(await page.textContent('.list-title'), /^4 traces · 2 conversations · 9 spans/);
      const groups = await page.$$eval('tbody.conversation', (gs) => gs.map((g) => ({
        id: g.dataset.conversation,
        count: g.querySelector('.group-count').textContent,
        cells: [...g.querySelectorAll('.group-row td.num')].map((c) => c.textContent),
        members: [...g.querySelectorAll('.trace-row .root-name .name')].map((n) => n.textContent),
      })));
      assert.deepEqual(groups, [
        // duration: from the first trace's start to the last one's end; spans, tokens, findings summed.
        { id: 'conv-A', count: '2 traces', cells: ['5.80 s', '7', '330 / 130', groups[0].cells[3], groups[0].cells[4]], members: ['invoke_agent turn-1', 'invoke_agent turn-2'] },
        { id: 'sess-B', count: '1 trace', cells: ['500 ms', '1', '0 / 0', groups[1].cells[3], groups[1].cells[4]], members: ['invoke_agent other-user'] },
      ]);
      // The trace without one stays on its own, not under a header.
      const loose = await page.$$eval('.trace-row:not(.member) .root-name .name', (els) => els.map((e) => e.textContent));
      assert.deepEqual(loose, ['invoke_agent no-session']);
      await shot(page, '14-conversations');
      // Folding hides a group's traces and keeps its header.
      await page.click('tbody[data-conversation=conv-A] .group-toggle');
      await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 2);
      assert.equal(await page.getAttribute('tbody[data-conversation=conv-A] .group-toggle', 'aria-expanded'), 'false');
      await page.click('tbody[data-conversation=conv-A] .group-toggle');
      await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 4);
      // Sorting orders traces, and a group stands where its first trace falls.
      const order = () => page.$$eval('.trace-row .root-name .name', (els) => els.map((e) => e.textContent.replace('invoke_agent ', '')));
      await page.click('th >> text=Duration');
      assert.deepEqual(await order(), ['turn-1', 'turn-2', 'other-user', 'no-session']);
      await page.click('th >> text=Duration');
      assert.deepEqual(await order(), ['no-session', 'other-user', 'turn-2', 'turn-1']);
      // The cost panel's bars: tokens by model and time by tool, as long as their figures.
      await page.click('.trace-row >> text=invoke_agent turn-1');
      await page.waitForSelector('.tree-body .row');
      await page.click('.tab >> text=Time & cost');
      await page.waitForSelector('[data-testid=by-model]');
      const bars = async (sel) => page.$$eval(`${sel} tr`, (rows) => rows
        .filter((r) => r.querySelector('.mini-bar'))
        .map((r) => [r.cells[0].textContent, r.querySelector('.mini-bar').dataset.value, parseFloat(r.querySelector('.mini-bar').style.width)]));
      assert.deepEqual(await bars('[data-testid=by-model]'), [['gpt-4o', '300', 100], ['gpt-4o-mini', '100', 33.3]]);
      assert.deepEqual(await bars('[data-testid=by-tool]'), [['fetch', '100000000', 25], ['search', '400000000', 100]]);
      assert.deepEqual(await bars('[data-testid=by-agent]'), [['helper', '400', 100]]);
      await shot(page, '15-cost-bars');
    });
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

  it('renders a long trace list a page at a time, and the search box reaches the rest', async () => {
    // 450 traces of two spans each.
    const spans = [];
    for (let i = 0; i < 450; i++) {
      const tid = (i + 1).toString(16).padStart(32, '0');
      const root = (2 * i + 1).toString(16).padStart(16, '0');
      spans.push(otlpSpan(tid, root, '', `invoke_agent run-${i}`, i, i + 10));
      spans.push(otlpSpan(tid, (2 * i + 2).toString(16).padStart(16, '0'), root, 'chat gpt-4o', i + 1, i + 9));
    }
    await withApp(async ({ page }) => {
      await pick(page, jsonFile('many.json', otlpDoc(spans)));
      await page.waitForSelector('[data-testid=list-more]');
      assert.equal(await page.locator('.trace-row').count(), 200);
      assert.match(await page.textContent('.list-more'), /^Showing 200 of 450 rows\. Show 200 more/);
      await page.click('[data-testid=list-more]');
      await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 400);
      await page.click('[data-testid=list-more]');
      await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 450);
      assert.equal(await page.locator('[data-testid=list-more]').count(), 0);
      await page.fill('.list-tools .filter', 'run-449');
      await page.waitForFunction(() => document.querySelectorAll('.trace-row').length === 1);
      assert.equal(await page.textContent('.trace-row .root-name .name'), 'invoke_agent run-449');
    });
  });

  it('follows the dark colour scheme', async () => {
    await withApp(async ({ page }) => {
      await pick(page, [NODE_SAMPLE]);
      await page.click('.tree-body .row >> text=execute_tool search_hotels >> nth=0');
      await page.waitForSelector('[data-testid=span-detail]');
      const bg = await page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      assert.equal(bg, 'rgb(21, 23, 27)');
      await shot(page, '09-dark');
      // A large screen: the tree, timeline and panel share the width; the zoom bar fits.
      await page.setViewportSize({ width: 1920, height: 1080 });
      await page.click('.tree-body .row >> text=invoke_agent flight-search');
      await page.keyboard.press('z');
      await page.waitForSelector('[data-testid=zoom-crumbs]');
      const [tree, panel] = await Promise.all(['.tree-pane', '.side-pane'].map((s) => page.$eval(s, (e) => e.getBoundingClientRect().width)));
      assert.ok(tree > 1000 && panel > 300 && tree + panel <= 1920, `tree ${tree}px, panel ${panel}px`);
      await shot(page, '16-dark-1920');
    }, { colorScheme: 'dark' });
  });
});
