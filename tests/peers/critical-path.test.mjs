// Loupe's critical path against an independent oracle: Jaeger UI's own critical-path code
// (bundled unmodified in ../shared/peers/jaeger-ui), run on the same spans.
//
// Each trace file of the fixtures and of the corpus is first written by `loupe convert --to
// otlp-json`, so both sides see exactly the spans Loupe imported. That document goes to Jaeger UI
// (transformTraceData → asOtelTrace → criticalPathForTrace) and to `loupe analyze --json`. Per
// span, Jaeger's section lengths are summed and compared with Loupe's `on_path_ns`.
//
// Compared: traces with one top-level span whose times are whole microseconds (Jaeger works in µs),
// that Jaeger's code survives (it overflows its stack on long paths). Where the two differ by
// design, the trace is counted as such, not compared:
//  - Jaeger takes a child that ends exactly when the next chosen sibling starts as not blocking
//    (`end < cursor`); Loupe counts it (`end <= cursor`), so traces with such touching children
//    are left out;
//  - when two children end at the same time and start at the same time, Jaeger takes the first in
//    its order and Loupe the smaller span id;
//  - Jaeger drops a top-level span whose parent is missing (an orphan) and draws no path for it;
//  - with several top-level spans Jaeger walks each on its own and lists all their paths, where
//    Loupe chooses among them as children of the trace.
// Every other difference fails the test.
//
// Needs the `loupe` binary (LOUPE_BIN, default target/debug/loupe, which `cargo test` builds) and
// the peer folder; in CI a missing one is a failure, elsewhere the test is skipped and counted.

import { test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const peer = path.resolve(root, '../shared/peers/jaeger-ui/jaeger-ui-model.mjs');
const corpus = path.resolve(root, '../shared/corpus');
const loupe = process.env.LOUPE_BIN || path.join(root, 'target/debug/loupe');
const inCI = process.env.CI === 'true';

function missing(what) {
  if (inCI) throw new Error(`${what} (in CI a missing input is a failure, not a skip)`);
  return what;
}

/** Trace files below `dir` (no sidecars, scripts, notes or protobuf fixtures meant to be bad). */
function traceFiles(dir, out = []) {
  for (const name of fs.readdirSync(dir).sort()) {
    const p = path.join(dir, name);
    if (fs.statSync(p).isDirectory()) {
      if (name !== 'sdk' && name !== 'invalid' && name !== 'node_modules') traceFiles(p, out);
    } else if (/\.(json|jsonl|pb|gz)$/.test(name) && !name.endsWith('.expected.json')) {
      out.push(p);
    }
  }
  return out;
}

// The corpus files Loupe must read (shared with the Rust and e2e tests).
const CORPUS_READ = JSON.parse(fs.readFileSync(path.join(root, 'tests/corpus-read.json'), 'utf8')).read;

function corpusFiles() {
  const out = [];
  for (const dir of ['otlp-json', 'jaeger-json', 'zipkin-json', 'genai', 'other']) {
    for (const name of fs.readdirSync(path.join(corpus, dir)).sort()) {
      const rel = `${dir}/${name}`;
      if (CORPUS_READ.some(p => rel.startsWith(p))) out.push(path.join(corpus, rel));
    }
  }
  return out;
}

const KIND = ['', 'internal', 'server', 'client', 'producer', 'consumer'];

/** Loupe's OTLP JSON (hex ids, times as decimal strings) → Jaeger query-API traces. */
function toJaeger(doc) {
  const traces = new Map();
  for (const rs of doc.resourceSpans || []) {
    const service =
      (rs.resource?.attributes || []).find(a => a.key === 'service.name')?.value?.stringValue || 'unknown';
    for (const ss of rs.scopeSpans || []) {
      for (const s of ss.spans || []) {
        const start = BigInt(s.startTimeUnixNano || '0');
        const end = BigInt(s.endTimeUnixNano || '0');
        let t = traces.get(s.traceId);
        if (!t) {
          t = { traceID: s.traceId, spans: [], processes: {}, wholeMicros: true };
          traces.set(s.traceId, t);
        }
        if (start % 1000n !== 0n || end % 1000n !== 0n) t.wholeMicros = false;
        let pid = Object.keys(t.processes).find(k => t.processes[k].serviceName === service);
        if (!pid) {
          pid = `p${Object.keys(t.processes).length + 1}`;
          t.processes[pid] = { serviceName: service, tags: [] };
        }
        const kind = KIND[s.kind || 0];
        t.spans.push({
          traceID: s.traceId,
          spanID: s.spanId,
          operationName: s.name || '',
          references: s.parentSpanId
            ? [{ refType: 'CHILD_OF', traceID: s.traceId, spanID: s.parentSpanId }]
            : [],
          startTime: Number(start / 1000n),
          duration: Number(end > start ? (end - start) / 1000n : 0n),
          tags: kind ? [{ key: 'span.kind', type: 'string', value: kind }] : [],
          logs: [],
          processID: pid,
          warnings: null,
        });
      }
    }
  }
  return [...traces.values()];
}

/** Whether some parent has a child ending exactly when another starts, or two equal children. */
function hasTies(jt) {
  const byParent = new Map();
  const byId = new Map(jt.spans.map(s => [s.spanID, s]));
  for (const s of jt.spans) {
    const p = s.references[0]?.spanID;
    if (!p || !byId.has(p)) continue;
    if (!byParent.has(p)) byParent.set(p, []);
    byParent.get(p).push(s);
  }
  for (const kids of byParent.values()) {
    const starts = new Set(kids.map(k => k.startTime));
    const seen = new Set();
    for (const k of kids) {
      const end = k.startTime + k.duration;
      if (starts.has(end)) return true;
      const key = `${k.startTime}/${end}`;
      if (seen.has(key)) return true;
      seen.add(key);
    }
  }
  return false;
}

test('the critical path agrees with Jaeger UI on every trace both can compare', async t => {
  if (!fs.existsSync(peer)) return t.skip(missing(`Jaeger UI's bundle is not at ${peer}`));
  if (!fs.existsSync(loupe)) return t.skip(missing(`the loupe binary is not at ${loupe} (run cargo build)`));
  globalThis.window ??= {};
  window.getJaegerUiConfig = () => null;
  window.getJaegerBackendCapabilities = () => null;
  window.getJaegerVersion = () => ({ gitCommit: '', gitVersion: '', buildDate: '' });
  const { transformTraceData, memoizedTraceCriticalPath } = await import(peer);
  // Jaeger UI logs to the console on odd traces; keep the test's output readable.
  const quiet = [console.warn, console.error];
  console.warn = console.error = () => {};

  let files = traceFiles(path.join(root, 'tests/fixtures'));
  if (fs.existsSync(path.join(corpus, 'PROVENANCE.md'))) files = files.concat(corpusFiles());
  else t.diagnostic(missing(`the corpus is not at ${corpus}; only the fixtures are compared`));

  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'loupe-jaeger-'));
  const tally = { compared: 0, spans: 0, multiRoot: 0, orphanTop: 0, fractionalMicros: 0, jaegerFailed: 0, ties: 0 };
  const mismatches = [];
  try {
    for (const file of files) {
      const rel = path.relative(path.dirname(root), file);
      const otlp = path.join(tmp, 'set.json');
      execFileSync(loupe, ['convert', '--to', 'otlp-json', file, '-o', otlp], { stdio: 'pipe' });
      const report = JSON.parse(execFileSync(loupe, ['analyze', '--json', otlp], { maxBuffer: 1 << 30 }));
      const loupeTraces = new Map(report.traces.map(tr => [tr.trace_id, tr]));
      const traces = toJaeger(JSON.parse(fs.readFileSync(otlp, 'utf8')));
      for (const jt of traces) {
        const lt = loupeTraces.get(jt.traceID);
        assert.ok(lt, `${rel}: trace ${jt.traceID} is in Loupe's own export but not in its report`);
        if (lt.roots.length + lt.orphans.length !== 1) {
          tally.multiRoot++;
          continue;
        }
        if (lt.orphans.length > 0) {
          tally.orphanTop++;
          continue;
        }
        if (!jt.wholeMicros) {
          tally.fractionalMicros++;
          continue;
        }
        if (hasTies(jt)) {
          tally.ties++;
          continue;
        }
        delete jt.wholeMicros;
        let cp;
        try {
          const trace = transformTraceData(jt);
          cp = memoizedTraceCriticalPath(trace.asOtelTrace());
        } catch {
          cp = { failed: true };
        }
        if (cp.failed) {
          tally.jaegerFailed++;
          continue;
        }
        const jaeger = new Map();
        for (const s of cp.sections) {
          jaeger.set(s.spanID, (jaeger.get(s.spanID) || 0) + (s.sectionEnd - s.sectionStart));
        }
        const ours = new Map();
        for (const p of lt.critical_path) {
          if (p.on_path_ns > 0) ours.set(p.span_id, p.on_path_ns / 1000);
        }
        const ids = new Set([...jaeger.keys(), ...ours.keys()]);
        for (const id of ids) {
          if ((jaeger.get(id) || 0) !== (ours.get(id) || 0)) {
            mismatches.push(
              `${rel}: trace ${jt.traceID} span ${id}: Jaeger UI ${jaeger.get(id) || 0} µs, Loupe ${ours.get(id) || 0} µs`,
            );
          }
        }
        tally.compared++;
        tally.spans += jt.spans.length;
      }
    }
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
    [console.warn, console.error] = quiet;
  }
  t.diagnostic(`files ${files.length}; ${JSON.stringify(tally)}`);
  assert.deepEqual(mismatches, [], mismatches.join('\n'));
  // The comparison must have compared something real, not only left traces out.
  assert.ok(tally.compared >= 20, `compared only ${tally.compared} traces: ${JSON.stringify(tally)}`);
  assert.ok(tally.spans >= 200, `compared only ${tally.spans} spans: ${JSON.stringify(tally)}`);
});
