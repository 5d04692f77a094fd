#!/usr/bin/env node
// Measures the viewer in headless Chromium on large synthetic traces (see docs/benchmarks.md,
// "Viewer"). Prints figures; exits non-zero only when a measurement could not run, never because
// a figure misses its target.
//
//   node scripts/viewer-perf.mjs                   200k spans: one trace, and 734 traces
//   node scripts/viewer-perf.mjs --1m              also opens 1M spans (~1.2 GB) and reports memory
//   node scripts/viewer-perf.mjs --only one        one case: one, many or 1m
//   node scripts/viewer-perf.mjs --spans 100000    another size (files are generated once, in
//                                                  target/viewer-perf/, by loupe-synth)
//   node scripts/viewer-perf.mjs --build           rebuild dist/ first (scripts/dist.sh); without
//                                                  it dist/ is built only when missing
//   node scripts/viewer-perf.mjs --json out.json   also write the figures as JSON
//   node scripts/viewer-perf.mjs --screenshot docs/screenshot.png
//                                                  only: the viewer on the bundled sample, 1280x800
//
// Chromium runs with the end-to-end tests' arguments (tests/e2e/lib.mjs); frames are vsync-paced
// at 60 Hz in headless mode, so an interval of 16.7 ms is a frame on time.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, statSync, writeFileSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serve, openApp, ROOT, DIST } from '../tests/e2e/lib.mjs';
import { chromium } from 'playwright-core';

const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
  '--no-first-run', '--disable-background-networking', '--disable-component-update',
  '--disable-sync',
];
const WORK = path.join(ROOT, 'target/viewer-perf');
const ROW_H = 26;

// ---------------------------------------------------------------------------------------------
// Arguments

const opts = { spans: 200000, only: null, big: false, build: false, json: null, screenshot: null, frames: 600 };
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--spans') opts.spans = Number(val());
    else if (a === '--only') opts.only = val();
    else if (a === '--1m') opts.big = true;
    else if (a === '--build') opts.build = true;
    else if (a === '--json') opts.json = val();
    else if (a === '--frames') opts.frames = Number(val());
    else if (a === '--screenshot') opts.screenshot = val();
    else if (a === '-h' || a === '--help') {
      const text = readFileSync(new URL(import.meta.url), 'utf8').split('\n');
      console.log(text.slice(1, 18).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
      process.exit(0);
    } else fail(`unknown argument ${a} (try --help)`);
  }
  if (opts.only === '1m') opts.big = true;
  if (!(opts.spans > 0)) fail('--spans needs a positive count');
}

function fail(msg) {
  console.error(`viewer-perf: ${msg}`);
  process.exit(2);
}

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) fail(`${cmd} ${args.join(' ')} failed`);
}

function git(args) {
  const r = spawnSync('git', args, { cwd: ROOT, encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

/** A loupe-synth file in target/viewer-perf/, generated when missing. */
function synth(spans, oneTrace) {
  mkdirSync(WORK, { recursive: true });
  const file = path.join(WORK, `${oneTrace ? 'one' : 'many'}-${spans}.json`);
  if (!existsSync(file)) {
    const args = ['run', '--release', '-q', '-p', 'loupe-synth', '--', '--spans', String(spans), '--seed', '1', '--out', file];
    if (oneTrace) args.push('--one-trace');
    sh('cargo', args);
  }
  return file;
}

// ---------------------------------------------------------------------------------------------
// Statistics

function stats(xs) {
  if (!xs.length) return { n: 0 };
  const s = [...xs].sort((a, b) => a - b);
  const q = (p) => s[Math.min(s.length - 1, Math.ceil(p * s.length) - 1)];
  return { n: s.length, p50: q(0.5), p95: q(0.95), max: s[s.length - 1] };
}

const ms = (x) => (x === undefined ? '-' : `${x.toFixed(1)} ms`);
function line(label, st, extra = '') {
  console.log(`  ${label.padEnd(34)} n=${String(st.n).padStart(4)}  p50 ${ms(st.p50).padStart(9)}  p95 ${ms(st.p95).padStart(9)}  max ${ms(st.max).padStart(9)}${extra ? '  ' + extra : ''}`);
}

// ---------------------------------------------------------------------------------------------
// In-page measurements

/**
 * Main-thread work per frame from a Chromium trace: for each interval between two
 * requestAnimationFrame callbacks, the time the renderer's main thread spent in tasks. Frames are
 * taken from the page's marks `perf:frame` (written by the measuring loop).
 */
async function traced(browser, page, body) {
  if (process.env.VIEWER_PERF_NOTRACE) return { ...(await body()), work: [] };
  await browser.startTracing(page, { categories: ['toplevel', 'blink.user_timing', 'devtools.timeline'] });
  const result = await body();
  const buf = await browser.stopTracing();
  const events = JSON.parse(buf.toString()).traceEvents ?? [];
  const mainTid = new Set(
    events.filter((e) => e.name === 'thread_name' && e.args?.name === 'CrRendererMain').map((e) => `${e.pid}:${e.tid}`),
  );
  const marks = events.filter((e) => e.cat?.includes('blink.user_timing') && e.name === 'perf:frame').map((e) => e.ts).sort((a, b) => a - b);
  const tasks = events
    .filter((e) => e.ph === 'X' && (e.name === 'RunTask' || e.name === 'ThreadControllerImpl::RunTask') && mainTid.has(`${e.pid}:${e.tid}`))
    .map((e) => [e.ts, e.ts + (e.dur ?? 0)])
    .sort((a, b) => a[0] - b[0]);
  const work = [];
  let k = 0;
  for (let i = 0; i + 1 < marks.length; i++) {
    const [a, b] = [marks[i], marks[i + 1]];
    while (k < tasks.length && tasks[k][1] <= a) k++;
    let busy = 0;
    for (let j = k; j < tasks.length && tasks[j][0] < b; j++) busy += Math.min(b, tasks[j][1]) - Math.max(a, tasks[j][0]);
    work.push(busy / 1000);
  }
  return { ...result, work };
}

/** Scrolls the element matching `sel` by `step` px per frame for `frames` frames, or (jump) to random rows. */
async function scrollFrames(page, sel, frames, step, jump = false) {
  return page.evaluate(
    async ({ sel, frames, step, jump, ROW_H }) => {
      const sc = document.querySelector(sel);
      const raf = () => new Promise((r) => requestAnimationFrame(r));
      const deltas = [];
      let missing = 0;
      let blank = 0;
      // Rows of the viewport that the last painted frame did not show.
      const gaps = () => {
        const rows = sc.querySelectorAll('.tree-body .row');
        if (!rows.length && !sc.querySelector('.tree-body')) return 0;
        const have = new Set();
        for (const r of rows) have.add(Math.round(parseFloat(r.style.top) / ROW_H));
        const total = Math.round(sc.querySelector('.tree-body').getBoundingClientRect().height / ROW_H);
        const first = Math.floor(sc.scrollTop / ROW_H);
        const last = Math.min(total, Math.ceil((sc.scrollTop + sc.clientHeight) / ROW_H)) - 1;
        let n = 0;
        for (let i = first; i <= last; i++) if (!have.has(i)) n++;
        return n;
      };
      const max = sc.scrollHeight - sc.clientHeight;
      let last = await raf();
      performance.mark('perf:frame');
      let dir = 1;
      for (let i = 0; i < frames; i++) {
        if (jump) {
          if (i % 20 === 0) sc.scrollTop = Math.floor(Math.random() * max);
        } else {
          if (sc.scrollTop + step > max) dir = -1;
          if (sc.scrollTop - step < 0) dir = 1;
          sc.scrollTop += dir * step;
        }
        const now = await raf();
        performance.mark('perf:frame');
        deltas.push(now - last);
        last = now;
        const g = sel.includes('tree') ? gaps() : 0;
        missing += g;
        if (g) blank++;
      }
      return { deltas, blank, missing, height: sc.scrollHeight };
    },
    { sel, frames, step, jump, ROW_H },
  );
}

/**
 * Runs `act` (a click, in the page) and waits until `done()` holds and the next frame is painted.
 * Returns the milliseconds from the action to that frame.
 */
async function latency(page, act, done) {
  return page.evaluate(
    async ({ act, done }) => {
      const run = new Function(act);
      const ok = new Function(`return (${done});`);
      const t0 = performance.now();
      run();
      await new Promise((resolve) => {
        const check = () => {
          if (ok()) {
            obs.disconnect();
            resolve();
          }
        };
        const obs = new MutationObserver(check);
        obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
        check();
      });
      await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
      return performance.now() - t0;
    },
    { act, done },
  );
}

/** Picks the file through the file input; resolves with ms from the pick to rows on screen. */
async function openFile(page, file, rowsSel) {
  await page.evaluate(() => {
    window.__picked = null;
    document.addEventListener('change', () => (window.__picked = performance.now()), { capture: true, once: true });
  });
  await page.setInputFiles('[data-testid=file-input] >> nth=0', file);
  const h = await page.waitForFunction(
    (sel) => document.querySelector(sel) && window.__picked !== null && performance.now() - window.__picked,
    rowsSel,
    { polling: 'raf', timeout: 30 * 60 * 1000 },
  );
  return h.jsonValue();
}

/** The worker's wasm memory in bytes (the engine's heap: input, model, analysis). */
async function wasmMemory(page) {
  step('wasm memory');
  for (const w of page.workers()) {
    try {
      const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error('timeout')), 20000));
      return await Promise.race([timeout, w.evaluate(async () => {
        const m = await import(new URL('./loupe_app.js', self.location.href).href);
        const wasm = await m.default();
        return wasm.memory.buffer.byteLength;
      })]);
    } catch {
      // not the engine's worker
    }
  }
  return null;
}

const rowsShown = (page) => page.$$eval('.tree-body .row', (r) => r.length);
const rowCountOf = (page) =>
  page.$eval('.tree-body', (b) => Math.round(b.getBoundingClientRect().height / 26));

// ---------------------------------------------------------------------------------------------
// Cases

const T0 = Date.now();
/** Progress on stderr, so the figures on stdout stay clean. */
const step = (what) => process.stderr.write(`  [${((Date.now() - T0) / 1000).toFixed(0)} s] ${what}\n`);

async function scrollCase(browser, page, label, sel, step_, out, key, jump = false) {
  step(label);
  const r = await traced(browser, page, () => scrollFrames(page, sel, opts.frames, step_, jump));
  const iv = stats(r.deltas);
  const work = stats(r.work);
  const late = r.deltas.filter((d) => d > 20).length;
  line(`${label}: frame interval`, iv, `${late} late (>20 ms)`);
  line(`${label}: main-thread work/frame`, work, sel.includes('tree') ? `${r.blank} frames with missing rows` : '');
  out[key] = { interval: iv, work, late, blank_frames: r.blank, missing_rows: r.missing, frames: r.deltas.length };
}

async function typeFilter(browser, page, query, out, key) {
  step(`filter ${query}`);
  const filter = page.locator('[data-testid=filter]');
  await filter.fill('');
  await page.waitForTimeout(400);
  await filter.focus();
  // Frames while typing at about 8 keys a second, then the time from the last key to the count.
  const r = await traced(browser, page, async () => {
    const framesP = page.evaluate(async (n) => {
      const raf = () => new Promise((r) => requestAnimationFrame(r));
      const d = [];
      let last = await raf();
      performance.mark('perf:frame');
      for (let i = 0; i < n; i++) {
        const now = await raf();
        performance.mark('perf:frame');
        d.push(now - last);
        last = now;
      }
      return d;
    }, Math.round(query.length * 7.5 + 90));
    const t0 = Date.now();
    await page.keyboard.type(query, { delay: 120 });
    const tKey = Date.now();
    await page.waitForFunction(
      (q) => {
        const s = document.querySelector('.filter-status')?.textContent ?? '';
        return /\d+ match/.test(s) && document.querySelector('[data-testid=filter]').value === q;
      },
      query,
      { polling: 'raf', timeout: 60000 },
    );
    const tDone = Date.now();
    return { deltas: await framesP, typing: tKey - t0, toCount: tDone - tKey };
  });
  const status = await page.textContent('.filter-status');
  const iv = stats(r.deltas);
  const work = stats(r.work);
  line(`filter typing: frame interval`, iv, `${r.deltas.filter((d) => d > 20).length} late`);
  line(`filter typing: main-thread work/frame`, work);
  console.log(`  filter "${query}": ${status.trim()}, shown ${r.toCount} ms after typing ended (the 150 ms debounce included)`);
  out[key] = { query, interval: iv, work, after_last_key_ms: r.toCount, status: status.trim() };
  await filter.fill('');
  await page.keyboard.press('Escape');
}

async function oneTraceCase(browser, url, file, out) {
  console.log(`\n== one trace: ${path.basename(file)} (${(statSync(file).size / 1e6).toFixed(0)} MB)`);
  const app = await openApp(browser, url);
  const { page } = app;
  if (process.env.VIEWER_PERF_DEBUG) {
    const cdp = await page.context().newCDPSession(page);
    setInterval(async () => {
      const a = Date.now();
      const r = await cdp.send('Runtime.evaluate', { expression: 'document.querySelectorAll("*").length', returnByValue: true }).catch((e) => String(e));
      step(`heartbeat ${Date.now() - a} ms ${JSON.stringify(r?.result?.value ?? r)}`);
    }, 3000).unref();
  }
  step('open');
  const open = await openFile(page, file, '.tree-body .row');
  console.log(`  open (file picked -> tree rows painted): ${(open / 1000).toFixed(2)} s`);
  out.open_ms = open;
  // The side panel (findings, cost) fills after the tree; wait until it has.
  step('until the side panel is filled');
  const ready = await page.waitForFunction(
    () => {
      const p = document.querySelector('[data-testid=panel]');
      return p && !p.textContent.includes('Loading') && p.textContent.trim().length > 40 && performance.now() - window.__picked;
    },
    null,
    { polling: 'raf', timeout: 30 * 60 * 1000 },
  );
  out.interactive_ms = await ready.jsonValue();
  out.dom_nodes = await page.evaluate(() => document.querySelectorAll('*').length);
  console.log(`  file picked -> side panel filled (findings): ${(out.interactive_ms / 1000).toFixed(1)} s; ${out.dom_nodes} DOM nodes in the page`);
  step('rows');
  out.rows = await rowCountOf(page);
  out.dom_rows = await rowsShown(page);
  out.wasm_memory = await wasmMemory(page);
  console.log(`  ${out.rows} rows in the tree, ${out.dom_rows} row elements in the DOM; worker wasm memory ${(out.wasm_memory / 2 ** 20).toFixed(0)} MiB`);

  await scrollCase(browser, page, 'scroll tree 3 rows/frame', '[data-testid=tree]', 3 * ROW_H, out, 'scroll');
  await scrollCase(browser, page, 'scroll tree 40 rows/frame', '[data-testid=tree]', 40 * ROW_H, out, 'scroll_fast');
  await scrollCase(browser, page, 'jump to random rows', '[data-testid=tree]', 0, out, 'scroll_jump', true);

  step('collapse and expand');
  // Collapse and expand the root (199,999 spans below it) by its twisty.
  await page.$eval('[data-testid=tree]', (s) => (s.scrollTop = 0));
  await page.waitForTimeout(300);
  const root = await page.$eval('.tree-body .row[data-depth="0"]', (r) => r.dataset.span);
  const twisty = `document.querySelector('.tree-body .row[data-span="${root}"] .twisty').click()`;
  const collapsed = `document.querySelector('.tree-body .row[data-span="${root}"][aria-expanded=false]') && document.querySelectorAll('.tree-body .row').length === 1`;
  const expanded = `document.querySelector('.tree-body .row[data-span="${root}"][aria-expanded=true]') && document.querySelectorAll('.tree-body .row').length > 20`;
  const c = [];
  const e = [];
  for (let i = 0; i < 10; i++) {
    c.push(await latency(page, twisty, collapsed));
    e.push(await latency(page, twisty, expanded));
  }
  line('collapse root (click -> painted)', stats(c));
  line('expand root (click -> painted)', stats(e));
  out.collapse_root = stats(c);
  out.expand_root = stats(e);

  // "Collapse" (below the top level: the runs) and "Expand" (everything).
  const btn = (t) => `[...document.querySelectorAll('.toolbar .btn')].find(b => b.textContent.trim() === '${t}').click()`;
  const rowsIs = (op, n) => `Math.round(document.querySelector('.tree-body').getBoundingClientRect().height / 26) ${op} ${n}`;
  const cb = [];
  const eb = [];
  for (let i = 0; i < 10; i++) {
    cb.push(await latency(page, btn('Collapse'), rowsIs('<', 5000)));
    eb.push(await latency(page, btn('Expand'), rowsIs('===', out.rows)));
  }
  line('Collapse button (-> runs only)', stats(cb));
  line('Expand button (-> all rows)', stats(eb));
  out.collapse_all = stats(cb);
  out.expand_all = stats(eb);

  // Keyboard: select a run's row, then Enter toggles it.
  step('keyboard toggle');
  await page.$eval('[data-testid=tree]', (s) => (s.scrollTop = 0));
  await page.waitForTimeout(300);
  await page.locator('.tree-body .row[data-depth="1"]').first().click();
  const sel = await page.$eval('.tree-body .row.selected', (r) => r.dataset.span);
  const key = [];
  for (let i = 0; i < 10; i++) {
    const want = i % 2 === 0 ? 'false' : 'true';
    const t = await latency(
      page,
      `document.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}))`,
      `document.querySelector('.tree-body .row[data-span="${sel}"][aria-expanded=${want}]')`,
    );
    key.push(t);
  }
  line('Enter on a run (toggle -> painted)', stats(key));
  out.toggle_key = stats(key);

  await typeFilter(browser, page, 'gen_ai.tool.name=web_search', out, 'filter');
  await typeFilter(browser, page, 'status:error', out, 'filter_error');
  // Scrolling while a filter is applied (rows carry match marks).
  await page.locator('[data-testid=filter]').fill('kind:tool >500ms');
  await page.waitForFunction(() => /\d+ match/.test(document.querySelector('.filter-status')?.textContent ?? ''), null, { timeout: 60000 });
  await scrollCase(browser, page, 'scroll filtered tree', '[data-testid=tree]', 3 * ROW_H, out, 'scroll_filtered');
  if (app.errors.length) console.log(`  page errors: ${app.errors.slice(0, 3).join(' | ')}`);
  out.errors = app.errors;
  await app.context.close();
}

/** The element that scrolls the trace list. */
function listScroller(page) {
  return page.evaluate(() => {
    for (const sel of ['.table-wrap', '.list-page', 'main', '.app']) {
      const el = document.querySelector(sel);
      if (el && el.scrollHeight > el.clientHeight + 1 && getComputedStyle(el).overflowY !== 'visible') return sel;
    }
    return 'html';
  });
}

async function manyCase(browser, url, file, out) {
  console.log(`\n== many traces: ${path.basename(file)} (${(statSync(file).size / 1e6).toFixed(0)} MB)`);
  const app = await openApp(browser, url);
  const { page } = app;
  step('open');
  const open = await openFile(page, file, '[data-testid=trace-list] .trace-row');
  out.open_ms = open;
  out.traces = await page.$$eval('[data-testid=trace-list] .trace-row', (r) => r.length);
  out.wasm_memory = await wasmMemory(page);
  console.log(`  open (file picked -> trace list painted): ${(open / 1000).toFixed(2)} s; ${out.traces} trace rows; worker wasm memory ${(out.wasm_memory / 2 ** 20).toFixed(0)} MiB`);
  const scroller = await listScroller(page);
  await scrollCase(browser, page, 'scroll trace list', scroller, 3 * 33, out, 'scroll_list');
  // Sorting the list by a column.
  const sorts = [];
  for (let i = 0; i < 6; i++) {
    sorts.push(
      await latency(
        page,
        `window.__first = document.querySelector('.trace-row').textContent; document.querySelectorAll('.th-btn')[${i % 2 ? 4 : 3}].click()`,
        `document.querySelector('.trace-row').textContent !== window.__first`,
      ),
    );
  }
  line('sort the list (click -> painted)', stats(sorts));
  out.sort = stats(sorts);
  // Opening the largest trace from the list.
  await page.$eval(scroller, (s) => (s.scrollTop = 0));
  const t = await latency(
    page,
    `document.querySelector('.trace-row').click()`,
    `document.querySelectorAll('.tree-body .row').length > 5`,
  );
  console.log(`  open a trace from the list (click -> tree painted): ${t.toFixed(0)} ms`);
  out.open_trace_ms = t;
  await scrollCase(browser, page, 'scroll its tree', '[data-testid=tree]', 3 * ROW_H, out, 'scroll_tree');
  out.errors = app.errors;
  await app.context.close();
}

async function bigCase(browser, url, file, out) {
  console.log(`\n== 1M spans: ${path.basename(file)} (${(statSync(file).size / 1e6).toFixed(0)} MB)`);
  const app = await openApp(browser, url);
  const { page } = app;
  const progress = [];
  const tick = setInterval(async () => {
    try {
      const p = await page.textContent('.progress', { timeout: 200 });
      if (p && progress[progress.length - 1] !== p.trim()) progress.push(p.trim());
    } catch {
      // no progress shown
    }
  }, 2000);
  let open;
  try {
    open = await openFile(page, file, '[data-testid=trace-list] .trace-row, .tree-body .row, .notices .error');
  } finally {
    clearInterval(tick);
  }
  out.wasm_memory = await wasmMemory(page);
  const rows = await page.$$eval('[data-testid=trace-list] .trace-row', (r) => r.length);
  out.open_ms = open;
  out.traces = rows;
  out.errors = app.errors;
  console.log(`  open (file picked -> list painted): ${(open / 1000).toFixed(1)} s; ${rows} trace rows; worker wasm memory ${out.wasm_memory === null ? 'n/a' : (out.wasm_memory / 2 ** 20).toFixed(0) + ' MiB'}`);
  if (!rows) {
    const text = await page.evaluate(() => document.body.innerText.slice(0, 600));
    console.log(`  no trace list; the page says: ${text.replace(/\s+/g, ' ')}`);
    out.page_text = text;
  } else {
    await scrollCase(browser, page, 'scroll trace list', await listScroller(page), 3 * 33, out, 'scroll_list');
    // The largest trace.
    const t = await latency(
      page,
      `[...document.querySelectorAll('.th-btn')].find(b => /span/i.test(b.textContent)).click()`,
      `true`,
    );
    await page.waitForTimeout(500);
    const open2 = await latency(page, `document.querySelector('.trace-row').click()`, `document.querySelectorAll('.tree-body .row').length > 5`);
    console.log(`  sort by spans ${t.toFixed(0)} ms; open the largest trace ${open2.toFixed(0)} ms; ${await rowsShown(page)} rows in the DOM`);
    out.open_trace_ms = open2;
    await scrollCase(browser, page, 'scroll its tree', '[data-testid=tree]', 3 * ROW_H, out, 'scroll_tree');
  }
  if (app.errors.length) console.log(`  page errors: ${app.errors.slice(0, 3).join(' | ')}`);
  await app.context.close();
}

async function screenshot(browser, url, file) {
  const app = await openApp(browser, url);
  const { page } = app;
  await page.click('[data-testid=sample]');
  await page.waitForSelector('[data-testid=trace-list] .trace-row');
  // The Python SDK's run: findings and the critical path, the truncated model call selected.
  await page.locator('.trace-row', { hasText: 'support-bot' }).first().click();
  await page.waitForSelector('.tree-body .row');
  await page.waitForTimeout(300);
  await page.locator('.tree-body .row', { hasText: 'truncated' }).first().click();
  await page.waitForSelector('[data-testid=span-detail]');
  await page.waitForTimeout(300);
  await page.screenshot({ path: file });
  console.log(`screenshot: ${file} (${statSync(file).size} bytes)`);
  await app.context.close();
}

// ---------------------------------------------------------------------------------------------

if (opts.build || !existsSync(path.join(DIST, 'index.html'))) sh('scripts/dist.sh', []);
const run = (c) => !opts.only || opts.only === c;
const files = {};
if (!opts.screenshot) {
  if (run('one')) files.one = synth(opts.spans, true);
  if (run('many')) files.many = synth(opts.spans, false);
  if (opts.big && run('1m')) files.big = synth(1000000, false);
}

const version = spawnSync(CHROMIUM, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '?';
const results = {
  date: new Date().toISOString(),
  commit: git(['rev-parse', '--short', 'HEAD']) + (git(['status', '--porcelain', '--', 'app', 'www', 'crates']) ? ' (with local changes)' : ''),
  chromium: version,
  cores: (await import('node:os')).cpus().length,
  load: (await import('node:os')).loadavg().map((x) => x.toFixed(2)).join(' '),
  wasm_bytes: statSync(path.join(DIST, 'loupe_app_bg.wasm')).size,
};
if (!opts.screenshot) {
  console.log(`viewer-perf: ${results.chromium}, ${results.cores} cores, load ${results.load}, commit ${results.commit}, ${results.date}`);
}

const srv = await serve();
const browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ARGS });
let code = 0;
try {
  if (opts.screenshot) {
    await screenshot(browser, srv.url, path.resolve(opts.screenshot));
  } else {
    if (files.one) await oneTraceCase(browser, srv.url, files.one, (results.one = {}));
    if (files.many) await manyCase(browser, srv.url, files.many, (results.many = {}));
    if (files.big) await bigCase(browser, srv.url, files.big, (results.big = {}));
  }
} catch (e) {
  console.error(`viewer-perf: the measurement failed: ${e.stack || e}`);
  code = 1;
} finally {
  await browser.close();
  srv.stop();
}
if (opts.json) writeFileSync(opts.json, JSON.stringify(results, null, 2) + '\n');
process.exit(code);
