// End-to-end tests of "Redact & export" and of running out of memory: dist/ served on
// 127.0.0.1, Debian's Chromium driven by playwright-core. Every test checks that no request left
// the page's origin; screenshots go to target/screenshots/.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync, rmSync, openSync, ftruncateSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { gzipSync } from 'node:zlib';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { serve, launch, openApp, shot, waitUntil, FIXTURES } from './lib.mjs';

const NODE_SAMPLE = path.join(FIXTURES, 'otlp/valid/sdk-node-agent.jsonl');

// The planted secrets, each with the detector that must find it.
const OPENAI = 'sk-proj-Q7vX2mN9pL4kR8sT1wY6zA3bC5dE0fG2hJ4';
const AWS = 'AKIAZ7Q3XK4M2P9R6T1W';
const JWT =
  'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const EMAIL = 'maria.keller@northwind-logistics.de';
const CARD = '4111 1111 1111 1111';
const PEM_BODY = 'MIIBOgIBAAJBAKj34GkxFhD90vcNLYLInFEX6Ppy1tPf9Cnzj4p4WGeKLs1Pt8Qu';
const PEM = `-----BEGIN RSA PRIVATE KEY-----\n${PEM_BODY}\nKUpRKfFLfRYC9AIKjbJTWit+CqvjWYzvQwECAwEAAQ==\n-----END RSA PRIVATE KEY-----`;
const PASSWORD = 'Tr0ub4dor&3-horse';
const TICKET = 'TICKET-48213';

const TRACE_ID = '5b8efff798038103d269b633813fc60c';
const SPAN_IDS = ['eee19b7ec3c1b174', 'eee19b7ec3c1b175', 'eee19b7ec3c1b176', 'eee19b7ec3c1b177'];

const str = (key, v) => ({ key, value: { stringValue: v } });

/** An agent run with a secret in every kind of place: attributes, events, messages, JSON in strings. */
function secretsTrace() {
  const messages = JSON.stringify([
    { role: 'user', parts: [{ type: 'text', content: `Call the API with token ${JWT} please (ref ${TICKET})` }] },
  ]);
  const toolResult = JSON.stringify({ customer: { contact: EMAIL, payment: `card ${CARD}, exp 09/29` } });
  const span = (i, name, attributes, extra = {}) => ({
    traceId: TRACE_ID,
    spanId: SPAN_IDS[i],
    ...(i > 0 ? { parentSpanId: SPAN_IDS[0] } : {}),
    name,
    kind: 1,
    startTimeUnixNano: String(1700000000000000000n + BigInt(i) * 1000000n),
    endTimeUnixNano: String(1700000000000000000n + BigInt(i) * 1000000n + 500000n),
    attributes,
    ...extra,
  });
  return {
    resourceSpans: [
      {
        resource: { attributes: [str('service.name', 'billing-agent')] },
        scopeSpans: [
          {
            scope: { name: 'demo' },
            spans: [
              span(0, 'invoke_agent billing', [str('gen_ai.operation.name', 'invoke_agent'), str('db.password', PASSWORD)]),
              span(1, 'chat gpt-4o', [
                str('gen_ai.operation.name', 'chat'),
                str('gen_ai.request.model', 'gpt-4o'),
                str('gen_ai.input.messages', messages),
                { key: 'gen_ai.usage.input_tokens', value: { intValue: '812' } },
              ]),
              span(2, 'execute_tool lookup_customer', [
                str('gen_ai.operation.name', 'execute_tool'),
                str('gen_ai.tool.name', 'lookup_customer'),
                str('gen_ai.tool.call.result', toolResult),
              ], {
                events: [
                  {
                    name: 'config.loaded',
                    timeUnixNano: String(1700000000002000000n),
                    attributes: [str('config.env', `OPENAI_API_KEY=${OPENAI}\nAWS_ACCESS_KEY_ID=${AWS}`), str('signing.key', PEM)],
                  },
                ],
              }),
              span(3, 'notify', [str('gen_ai.operation.name', 'execute_tool')], {
                status: { code: 2, message: `could not mail ${EMAIL}` },
              }),
            ],
          },
        ],
      },
    ],
  };
}

let srv;
let chrome;
let dir;

before(async () => {
  srv = await serve();
  chrome = await launch();
  dir = mkdtempSync(path.join(tmpdir(), 'loupe-redact-'));
});
after(async () => {
  await chrome?.close();
  srv?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function withApp(body, opts, browser = chrome.browser) {
  const app = await openApp(browser, srv.url, opts);
  try {
    await body(app);
    app.assertLocal();
    assert.deepEqual(app.dialogs, [], 'no dialog opened');
  } finally {
    await app.context.close();
  }
}

async function pick(page, files) {
  await page.setInputFiles('[data-testid=file-input] >> nth=0', files);
}

/** The items of the preview: kind, rule and marked text. */
async function items(page) {
  return page.$$eval('.redact-group', (groups) =>
    groups.flatMap((g) =>
      [...g.querySelectorAll('.redact-item')].map((i) => ({
        kind: g.dataset.kind,
        rule: g.dataset.rule,
        mark: i.querySelector('mark').textContent,
        value: i.querySelector('.redact-value').textContent,
        where: i.querySelector('.redact-where').textContent,
      })),
    ),
  );
}

/** Waits until the preview's items satisfy `pred`; resolves with them. */
async function until(page, pred, what) {
  let last;
  return waitUntil(async () => {
    last = await items(page);
    return pred(last) ? last : null;
  }, what, { describe: () => JSON.stringify(last, null, 1) });
}

async function download(page, click) {
  const [d] = await Promise.all([
    page.waitForEvent('download', (x) => !x.suggestedFilename().endsWith('.redaction.json')),
    click(),
  ]);
  const file = path.join(dir, d.suggestedFilename());
  await d.saveAs(file);
  return { name: d.suggestedFilename(), file, bytes: readFileSync(file) };
}

describe('redact & export', () => {
  it('previews every planted secret in place, follows the settings, and downloads a clean file that reopens', async () => {
    const input = path.join(dir, 'planted.json');
    writeFileSync(input, JSON.stringify(secretsTrace()));
    let redacted;
    await withApp(async ({ page, errors }) => {
      await pick(page, [input]);
      await page.waitForSelector('.tree-body .row');
      await page.click('[data-testid=redact-open]');
      await page.waitForSelector('[data-testid=redact-view]');
      const expected = [
        ['openai_key', OPENAI],
        ['aws_access_key_id', AWS],
        ['jwt', JWT],
        ['email', EMAIL],
        ['payment_card', CARD],
        ['private_key', PEM],
        ['secret_field', PASSWORD],
      ];
      const all = await until(page, (got) => expected.every(([k, v]) => got.some((i) => i.kind === k && i.mark === v)), 'every planted secret');
      // Each is shown in its value, highlighted where it is.
      const email = all.filter((i) => i.kind === 'email');
      assert.equal(email.length, 2, 'the e-mail in the tool result (JSON in a string) and in the status message');
      assert.ok(email.some((i) => i.value === `could not mail ${EMAIL}` && /status message/.test(i.where)));
      assert.ok(email.some((i) => /gen_ai\.tool\.call\.result at \$\.customer\.contact/.test(i.where)));
      const jwt = all.find((i) => i.kind === 'jwt');
      assert.match(jwt.where, /gen_ai\.input\.messages at \$\[0\]\.parts\[0\]\.content/);
      assert.ok(jwt.value.includes(`Call the API with token ${JWT} please`), jwt.value);
      const pem = all.find((i) => i.kind === 'private_key');
      assert.match(pem.where, /event 1 attribute signing\.key/);
      const pwd = all.find((i) => i.kind === 'secret_field');
      assert.match(pwd.where, /^invoke_agent billing/);
      // Counts per group match the items (nothing capped here), and the summary adds them up.
      const counts = await page.$$eval('.redact-group', (gs) => gs.map((g) => [g.dataset.rule, Number(g.querySelector('[data-testid=group-count]').textContent), g.querySelectorAll('.redact-item').length]));
      for (const [rule, count, shown] of counts) assert.equal(count, shown, rule);
      const total = counts.reduce((a, [, c]) => a + c, 0);
      assert.match(await page.textContent('[data-testid=redact-summary]'), new RegExp(`^${total} matches in `));
      await shot(page, 'redact-01-preview');

      // A detector turned off: its items go, the others stay.
      await page.click('[data-testid=detector-email]');
      await until(page, (got) => !got.some((i) => i.kind === 'email') && got.some((i) => i.kind === 'jwt'), 'email items gone');
      await page.click('[data-testid=detector-email]');
      await until(page, (got) => got.filter((i) => i.kind === 'email').length === 2, 'email items back');

      // A custom regex rule adds its items; a bad pattern says why; dropping the rule removes them.
      await page.fill('[data-testid=rule-id]', 'ticket');
      await page.fill('[data-testid=rule-text]', 'TICKET-[0-9]{5}');
      await page.click('[data-testid=rule-add]');
      const withRule = await until(page, (got) => got.some((i) => i.rule === 'ticket'), 'the custom rule');
      const ticket = withRule.find((i) => i.rule === 'ticket');
      assert.equal(ticket.kind, 'custom');
      assert.equal(ticket.mark, TICKET);
      await page.fill('[data-testid=rule-id]', 'broken');
      await page.fill('[data-testid=rule-text]', 'EMP-(');
      await page.click('[data-testid=rule-add]');
      await page.waitForSelector('[data-testid=redact-error]');
      assert.match(await page.textContent('[data-testid=redact-error]'), /rule `broken`: bad pattern/);
      assert.ok(await page.isDisabled('[data-testid=redact-export]'), 'no export while the settings are wrong');
      await page.click('[data-testid=rule-remove-broken]');
      await page.waitForSelector('[data-testid=redact-error]', { state: 'detached' });
      await shot(page, 'redact-02-custom-rule');

      // Hash instead of mask: the preview shows the tags the file will hold.
      await page.selectOption('[data-testid=redact-action]', 'hash');
      await page.waitForFunction(() => [...document.querySelectorAll('.redact-becomes')].every((e) => e.textContent.includes('[HASH:')));

      // Download the OTLP JSON and the manifest.
      await page.check('[data-testid=redact-manifest]');
      const manifestDl = page.waitForEvent('download', (d) => d.suggestedFilename().endsWith('.redaction.json'));
      redacted = await download(page, () => page.click('[data-testid=redact-export]'));
      const manifest = JSON.parse(readFileSync(await (await manifestDl).path(), 'utf8'));
      assert.equal(redacted.name, 'planted.redacted.json');
      assert.equal(manifest.schema, 'loupe.redaction/1');
      assert.equal(manifest.matches, total + 1, 'the matches listed, and the custom rule match');
      assert.equal(manifest.by_kind.custom, 1);
      assert.equal(manifest.spans, 4);
      assert.deepEqual(errors, [], 'no console or page errors');
    });

    // None of the planted values is anywhere in the file's bytes, nor their distinctive parts.
    const raw = redacted.bytes.toString('latin1');
    for (const v of [OPENAI, AWS, JWT, EMAIL, CARD, PEM_BODY, PASSWORD, TICKET, 'northwind-logistics', '4111 1111', 'Tr0ub4dor', 'SflKxwRJSMeKKF2QT4fw', 'Q7vX2mN9pL4kR8sT1wY6']) {
      assert.ok(!raw.includes(v), `${v} is in the redacted file`);
    }
    assert.ok(raw.includes('[HASH:email:'), 'hashed');
    assert.ok(raw.includes('[HASH:ticket:'), 'the custom rule applied');
    // The same spans, ids and tree.
    const out = JSON.parse(redacted.bytes.toString('utf8'));
    const spans = out.resourceSpans.flatMap((r) => r.scopeSpans.flatMap((s) => s.spans));
    assert.deepEqual(spans.map((s) => s.spanId).sort(), [...SPAN_IDS].sort());
    assert.ok(spans.every((s) => s.traceId === TRACE_ID));
    assert.equal(spans.filter((s) => s.parentSpanId === SPAN_IDS[0]).length, 3);
    const usage = spans.flatMap((s) => s.attributes).find((a) => a.key === 'gen_ai.usage.input_tokens');
    assert.equal(String(usage.value.intValue), '812', 'numbers are kept');

    // It opens again in the viewer, and the detectors find nothing more in it.
    await withApp(async ({ page, errors }) => {
      await pick(page, [redacted.file]);
      await page.waitForSelector('.tree-body .row');
      assert.equal(await page.locator('.tree-body .row').count(), 4);
      await page.click('[data-testid=redact-open]');
      await page.waitForSelector('[data-testid=redact-nothing]');
      await shot(page, 'redact-03-reopened');
      assert.deepEqual(errors, [], 'no console or page errors');
    });
  });

  it('writes OTLP protobuf that opens again with the same spans', async () => {
    const input = path.join(dir, 'planted-pb.json');
    writeFileSync(input, JSON.stringify(secretsTrace()));
    let pb;
    await withApp(async ({ page, errors }) => {
      await pick(page, [input]);
      await page.waitForSelector('.tree-body .row');
      await page.click('[data-testid=redact-open]');
      await page.waitForSelector('[data-testid=redact-summary]');
      await page.check('[data-testid=format-proto]');
      pb = await download(page, () => page.click('[data-testid=redact-export]'));
      assert.deepEqual(errors, []);
    });
    assert.equal(pb.name, 'planted-pb.redacted.pb');
    assert.notEqual(pb.bytes[0], '{'.charCodeAt(0), 'binary, not JSON');
    const raw = pb.bytes.toString('latin1');
    for (const v of [OPENAI, AWS, JWT, EMAIL, PEM_BODY, PASSWORD]) assert.ok(!raw.includes(v), v);
    await withApp(async ({ page, errors }) => {
      await pick(page, [pb.file]);
      await page.waitForSelector('.tree-body .row');
      assert.equal(await page.locator('.tree-body .row').count(), 4);
      assert.match(await page.textContent('.file-chip'), /otlp-proto · 4 spans/);
      assert.deepEqual(errors, []);
    });
  });

  it('says there is nothing to redact in a clean trace', async () => {
    await withApp(async ({ page, errors }) => {
      await pick(page, [NODE_SAMPLE]);
      await page.waitForSelector('.trace-row, .tree-body .row');
      await page.click('[data-testid=redact-open]');
      await page.waitForSelector('[data-testid=redact-nothing]');
      assert.match(await page.textContent('[data-testid=redact-nothing]'), /Nothing to redact/);
      assert.equal(await page.locator('.redact-item').count(), 0);
      await shot(page, 'redact-04-clean');
      assert.deepEqual(errors, []);
    });
  });
});

describe('out of memory', () => {
  it('a file the tab cannot reserve memory for is refused with the reason, and what is open stays', async () => {
    // A 3 GB file (sparse on disk): more than 32-bit WebAssembly memory can give one buffer.
    const big = path.join(dir, 'huge-export.json');
    const fd = openSync(big, 'w');
    ftruncateSync(fd, 3 * 1024 ** 3);
    closeSync(fd);
    await withApp(async ({ page, errors }) => {
      await pick(page, [NODE_SAMPLE]);
      await page.waitForSelector('.trace-row, .tree-body .row');
      const before = await page.evaluate(() => window.loupe.summary().span_count);
      await pick(page, [big]);
      await page.waitForSelector('.notice.error');
      const text = await page.textContent('.notice.error');
      assert.match(text, /^huge-export\.json \(3221 MB\) does not fit in this tab's memory/);
      assert.match(text, /What to do: /);
      assert.equal(await page.evaluate(() => window.loupe.summary().span_count), before, 'what was open stays open');
      assert.deepEqual(errors, []);
    });
  });

  // A browser whose WebAssembly memories may grow to 256 MiB (V8's page limit; a small
  // device's budget).
  async function smallHeapBrowser() {
    return chromium.launch({
      executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
      headless: true,
      args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--js-flags=--wasm-max-mem-pages=4096'],
    });
  }

  it('a gzip bomb that exhausts the WebAssembly heap is refused with the reason, and what is open stays', async () => {
    // A 0.4 MB gzip that inflates to 400 MB: decompressing runs out of memory, which the core
    // reports as an error of that file.
    const small = await smallHeapBrowser();
    const bomb = path.join(dir, 'bomb.json.gz');
    writeFileSync(bomb, gzipSync(Buffer.alloc(400 * 1024 * 1024, 0x20), { level: 9 }));
    try {
      await withApp(async ({ page, errors }) => {
        await page.click('[data-testid=sample]');
        await page.waitForSelector('.trace-row');
        const before = await page.evaluate(() => window.loupe.summary());
        await pick(page, [bomb]);
        await page.waitForSelector('.notice.error');
        const text = await page.textContent('.notice.error');
        assert.match(text, /^bomb\.json\.gz: there is not enough memory to decompress it \([\d.]+ MB inflated when memory ran out\)/);
        const after = await page.evaluate(() => window.loupe.summary());
        assert.equal(after.span_count, before.span_count);
        assert.equal(await page.locator('.trace-row').count(), before.traces.length);
        await page.click('.trace-row >> nth=0');
        await page.waitForSelector('.tree-body .row');
        assert.deepEqual(errors, [], 'no trap: the error is the file\'s');
      }, {}, small);
    } finally {
      await small.close();
    }
  });

  it('a file whose spans outgrow the WebAssembly heap restarts the engine, names the file, and the traces open survive', async () => {
    // 126 MB of valid OTLP JSON (1.1 million small spans), gzipped: it inflates within the heap,
    // but the spans built from it do not fit, so an allocation fails, Rust aborts and the
    // worker's module traps.
    const small = await smallHeapBrowser();
    const big = path.join(dir, 'many-spans.json.gz');
    const parts = ['{"resourceSpans":[{"scopeSpans":[{"spans":['];
    const n = 1_100_000;
    for (let i = 0; i < n; i++) {
      const trace = Math.floor(i / 100).toString(16).padStart(32, '0');
      const id = (i + 1).toString(16).padStart(16, '0');
      parts.push(`${i ? ',' : ''}{"traceId":"${trace}","spanId":"${id}","name":"s","startTimeUnixNano":"1","endTimeUnixNano":"2"}`);
    }
    parts.push(']}]}]}');
    writeFileSync(big, gzipSync(Buffer.from(parts.join('')), { level: 1 }));
    try {
      await withApp(async ({ page, errors }) => {
        await page.click('[data-testid=sample]');
        await page.waitForSelector('.trace-row');
        const before = await page.evaluate(() => window.loupe.summary());
        await pick(page, [big]);
        await page.waitForSelector('.notice.error');
        const text = await page.textContent('.notice.error');
        assert.match(text, /^Loupe ran out of memory while reading many-spans\.json\.gz \([\d.]+ MB\)\. The engine was restarted; the files open before are reopened\. What to do: /);
        // A fresh worker reopened the samples: the same traces are listed and can be opened.
        await page.waitForFunction((n) => document.querySelectorAll('.trace-row').length === n, before.traces.length);
        const after = await page.evaluate(() => window.loupe.summary());
        assert.equal(after.span_count, before.span_count);
        assert.deepEqual(after.files.map((f) => f.name), before.files.map((f) => f.name));
        assert.equal(await page.evaluate(() => window.loupe.in_worker()), true, 'still in a worker');
        await page.click('.trace-row >> nth=0');
        await page.waitForSelector('.tree-body .row');
        await shot(page, 'oom-01-survived');
        // The only error logged is the worker's trap, reported by the browser.
        assert.ok(errors.every((e) => /unreachable|RuntimeError/.test(e)), JSON.stringify(errors));
      }, {}, small);
    } finally {
      await small.close();
    }
  });
});
