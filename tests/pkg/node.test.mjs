// The npm package as a user installs it, in Node: scripts/test.sh packs pkg/ with `npm pack`,
// installs the tarball into a scratch project under target/, copies this file there and runs it,
// so `loupe-trace` below is the installed package. LOUPE_ROOT is the repository, LOUPE_BIN the CLI.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { analyze, load, stringify, LoupeError, TraceSet } from 'loupe-trace';

const ROOT = process.env.LOUPE_ROOT;
const LOUPE = process.env.LOUPE_BIN || path.join(ROOT, 'target/debug/loupe');
assert.ok(ROOT, 'LOUPE_ROOT must name the repository');

// Every file a real SDK wrote (tests/fixtures/sdk/ has the scripts that drive them).
async function sdkFixtures() {
  const out = [];
  async function walk(dir) {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) await walk(p);
      else if (e.name.startsWith('sdk-') && !e.name.endsWith('.expected.json')) out.push(p);
    }
  }
  await walk(path.join(ROOT, 'tests/fixtures'));
  return out.sort();
}

function cli(files) {
  const r = spawnSync(LOUPE, ['analyze', '--json', ...files], { cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 28 });
  assert.equal(r.status, 0, `loupe analyze --json ${files.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

// A JSON reader that keeps every number's literal text, so 64-bit integers compare exactly.
function parseExact(text) {
  let i = 0;
  const ws = () => { while (' \t\n\r'.includes(text[i])) i++; };
  function value() {
    ws();
    const c = text[i];
    if (c === '{') {
      i++; const o = {}; ws();
      if (text[i] === '}') { i++; return o; }
      for (;;) { ws(); const k = value(); ws(); i++; o[k] = value(); ws(); if (text[i++] === '}') return o; }
    }
    if (c === '[') {
      i++; const a = []; ws();
      if (text[i] === ']') { i++; return a; }
      for (;;) { a.push(value()); ws(); if (text[i++] === ']') return a; }
    }
    if (c === '"') {
      let j = i + 1;
      while (text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      const s = JSON.parse(text.slice(i, j + 1)); i = j + 1; return s;
    }
    const m = /^(?:true|false|null|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/.exec(text.slice(i, i + 400));
    i += m[0].length;
    if (m[0] === 'true') return true;
    if (m[0] === 'false') return false;
    if (m[0] === 'null') return null;
    return /^-?\d+$/.test(m[0]) ? BigInt(m[0]) : Number(m[0]);
  }
  return value();
}

// Keys sorted; integers (BigInt or Number) as their digits; other numbers as JS writes them.
function canonical(v) {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v).toString() : JSON.stringify(v);
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

const bytesOf = async (rel) => ({ name: rel, bytes: new Uint8Array(await readFile(path.join(ROOT, rel))) });

test('analyze gives what `loupe analyze --json` prints, for every real-SDK fixture', async () => {
  const files = (await sdkFixtures()).map((p) => path.relative(ROOT, p));
  assert.ok(files.length >= 3, `real-SDK fixtures found: ${files}`);
  for (const rel of files) {
    const expected = cli([rel]);
    const doc = await analyze([await bytesOf(rel)]);
    assert.equal(canonical(doc), canonical(parseExact(expected)), rel);
    assert.equal(typeof doc.traces[0].start_unix_nano, 'bigint', 'nanosecond times are BigInts');
    const set = await load([await bytesOf(rel)]);
    assert.equal(set.reportText(), expected, `${rel}: reportText is the CLI's bytes`);
    set.free();
  }
});

test('several inputs merge as the CLI merges them', async () => {
  const files = (await sdkFixtures()).map((p) => path.relative(ROOT, p));
  const doc = await analyze(await Promise.all(files.map(bytesOf)));
  assert.equal(canonical(doc), canonical(parseExact(cli(files))));
  assert.equal(doc.files.length, files.length);
});

test('File and Blob inputs are read', async () => {
  const rel = 'tests/fixtures/otlp/valid/sdk-python-agent.json';
  const { bytes } = await bytesOf(rel);
  const viaFile = await analyze([new File([bytes], rel)]);
  const viaBlob = await analyze(new Blob([bytes]));
  assert.equal(canonical(viaFile), canonical(parseExact(cli([rel]))));
  assert.equal(viaBlob.files[0].path, 'input 1');
  assert.equal(viaBlob.traces.length, viaFile.traces.length);
});

test('a file that cannot be read is a LoupeError naming file, line and column; the others load', async () => {
  const good = await bytesOf('tests/fixtures/otlp/valid/sdk-python-agent.json');
  const bad = { name: 'cut.json', bytes: new TextEncoder().encode('{"resourceSpans": [{"scopeSpans": [') };
  const seen = [];
  const doc = await analyze([good, bad], { onError: (e) => seen.push(e) });
  assert.equal(doc.files.length, 1);
  assert.equal(seen.length, 1);
  const [e] = seen;
  assert.ok(e instanceof LoupeError && e instanceof Error);
  assert.deepEqual([e.code, e.file, typeof e.line, typeof e.column], ['import', 'cut.json', 'number', 'number']);
  assert.match(e.message, /^cut\.json:1:\d+: /);

  await assert.rejects(analyze([bad]), (err) => err instanceof LoupeError && err.file === 'cut.json' && err.line === 1);
  await assert.rejects(analyze([]), (err) => err.code === 'no_input');
  await assert.rejects(analyze(['not an input']), (err) => err.code === 'options' && /inputs\[0\]/.test(err.message));
  await assert.rejects(analyze([good], { colour: 'red' }), (err) => err.code === 'options' && /colour/.test(err.message));
  await assert.rejects(analyze([good], { prices: '[]' }), (err) => err.code === 'options' && /prices/.test(err.message));
});

test('a TraceSet answers findings, span pages, secrets, redaction and conversion', async () => {
  const set = await load([await bytesOf('tests/fixtures/otlp/valid/sdk-python-agent.json')]);
  assert.ok(set instanceof TraceSet);
  const report = set.report();
  const trace = report.traces[0];
  const page = set.spans(trace.trace_id, { offset: 1, limit: 3 });
  assert.deepEqual([page.total, page.offset, page.spans.length], [trace.span_count, 1, 3]);
  assert.ok(page.spans.every((s) => s.trace_id === trace.trace_id && typeof s.duration_ns === 'bigint'));
  const all = set.spans(trace.trace_id, { limit: 10_000 });
  assert.equal(all.spans.length, trace.span_count);
  assert.equal(new Set(all.spans.map((s) => s.span_id)).size, trace.span_count);
  assert.throws(() => set.spans('no-such-trace'), (e) => e.code === 'not_found');

  const findings = set.findings();
  const inDoc = report.traces.flatMap((t) => t.anomalies.map((a) => ({ trace_id: t.trace_id, ...a })));
  assert.equal(canonical(findings), canonical(inDoc));

  const json = set.convert('otlp-json');
  const proto = set.convert('otlp-proto');
  for (const [name, bytes] of [['c.json', json], ['c.pb', proto]]) {
    const again = await analyze([{ name, bytes }]);
    assert.deepEqual(again.traces.map((t) => [t.trace_id, t.span_count]), report.traces.map((t) => [t.trace_id, t.span_count]), name);
  }
  assert.throws(() => set.convert('csv'), (e) => e.code === 'format');
  set.free();
  assert.throws(() => set.report(), (e) => e.code === 'freed');
});

test('secrets are found masked and redaction verifies what it wrote', async () => {
  const key = 'sk-proj-' + 'Q7vX2mN9pL4kR8sT1wY6zB3cD5fG0hJ' + 'aE';
  const doc = {
    resourceSpans: [{ scopeSpans: [{ spans: [{
      traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'a000000000000001', name: 'chat',
      startTimeUnixNano: '1700000000000000001', endTimeUnixNano: '1700000000900000000',
      attributes: [
        { key: 'gen_ai.prompt', value: { stringValue: `use ${key} and mail jane.doe@acme-corp.io` } },
      ],
    }] }] }],
  };
  const set = await load([{ name: 'leak.json', bytes: new TextEncoder().encode(JSON.stringify(doc)) }]);
  const found = set.scanSecrets();
  assert.deepEqual(found.map((f) => f.kind).sort(), ['email', 'openai_key']);
  assert.ok(found.every((f) => f.span_id === 'a000000000000001' && !JSON.stringify(f).includes('Q7vX2mN9pL4k')));
  const { bytes, manifest, verification } = set.redact();
  const text = new TextDecoder().decode(bytes);
  assert.ok(!text.includes('Q7vX2mN9pL4k') && !text.includes('jane.doe'), 'the values are gone');
  assert.equal(manifest.matches, 2n);
  assert.match(verification, /nothing found/);
  const hashed = set.redact({ default: 'hash' });
  assert.ok(!new TextDecoder().decode(hashed.bytes).includes('Q7vX2mN9pL4k'));
  assert.throws(() => set.redact('default = 7'), (e) => e.code === 'policy');
  set.free();
  // A document's start time keeps all 19 digits.
  const report = await analyze([{ name: 'leak.json', bytes: new TextEncoder().encode(JSON.stringify(doc)) }]);
  assert.equal(report.traces[0].start_unix_nano, 1700000000000000001n);
  assert.match(stringify(report), /"start_unix_nano":1700000000000000001[,}]/);
});
