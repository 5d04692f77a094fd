// Shared helpers for the browser tests: serve dist/ with scripts/serve.py on 127.0.0.1, drive
// Debian's Chromium through playwright-core, record every request, save screenshots.
import { spawn } from 'node:child_process';
import { mkdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { chromium } from 'playwright-core';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const DIST = path.join(ROOT, 'dist');
export const FIXTURES = path.join(ROOT, 'tests/fixtures');
export const SHOTS = path.join(ROOT, 'target/screenshots');
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium';

/**
 * How long any wait may take before the test fails: every wait is a condition wait, and this
 * generous limit only turns a hang into a failure that says what it waited for. Speed belongs to
 * the benchmarks. It is also every page's default Playwright timeout (see `openApp`).
 */
export const WAIT_LIMIT_MS = 120_000;

/**
 * Polls `check` (sync or async) until it returns a truthy value, and resolves with that value.
 * Fails only after WAIT_LIMIT_MS, naming `what` and, when given, `describe()` of the last state.
 */
export async function waitUntil(check, what, { describe } = {}) {
  const deadline = Date.now() + WAIT_LIMIT_MS;
  for (;;) {
    const got = await check();
    if (got) return got;
    if (Date.now() > deadline) {
      const last = describe ? `: ${await describe()}` : '';
      assert.fail(`gave up after ${WAIT_LIMIT_MS / 1000} s waiting for ${what}${last}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Starts the static server (with Loupe's headers) on a free port for `dir` (default dist/); resolves with { url, stop }. */
export async function serve(dir = DIST) {
  assert.ok(existsSync(path.join(dir, 'index.html')), `${dir}/index.html is missing${dir === DIST ? ': run `make dist` first' : ''}`);
  const proc = spawn('python3', [path.join(ROOT, 'scripts/serve.py'), '--dir', dir, '--port', '0'], {
    env: { ...process.env, LOUPE_SERVE_QUIET: '1' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let timer;
  const url = await new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/http:\/\/127\.0\.0\.1:\d+\//);
      if (m) resolve(m[0]);
    });
    proc.on('exit', (code) => reject(new Error(`serve.py exited with ${code}`)));
    timer = setTimeout(() => reject(new Error(`serve.py did not start within ${WAIT_LIMIT_MS / 1000} s`)), WAIT_LIMIT_MS);
  }).finally(() => clearTimeout(timer)); // a pending timer would keep node (and the test file) alive
  return { url, stop: () => proc.kill() };
}

/**
 * A host's own server for `dir`: plain `python3 -m http.server` on a free 127.0.0.1 port, without
 * Loupe's headers (its Content-Security-Policy allows no inline scripts and no framing by other
 * origins); resolves with { url, stop }.
 */
export function serveStatic(dir) {
  const proc = spawn('python3', ['-u', '-m', 'http.server', '0', '--bind', '127.0.0.1', '--directory', dir], {
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return new Promise((resolve, reject) => {
    let out = '';
    proc.stdout.on('data', (d) => {
      out += d;
      const m = out.match(/port (\d+)/);
      if (m) resolve({ url: `http://127.0.0.1:${m[1]}/`, stop: () => proc.kill() });
    });
    proc.on('exit', (code) => reject(new Error(`http.server exited with ${code}`)));
  });
}

/** Launches Chromium (headless, fresh profile). */
export async function launch() {
  // Playwright gives every launch a fresh, temporary profile (its own --user-data-dir).
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-quic',
      '--no-first-run', '--disable-background-networking', '--disable-component-update',
      '--disable-sync',
    ],
  });
  return {
    browser,
    close: () => browser.close(),
  };
}

/**
 * Opens a page on the app that records every request, console error and page error.
 * `assertLocal()` checks that no request left the page's origin.
 */
export async function openApp(browser, url, { colorScheme = 'light', hash = '' } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme });
  // Every waitForSelector / waitForFunction / waitForEvent / click of the tests waits on a
  // condition; Playwright's 30 s default would make a slow machine fail them.
  context.setDefaultTimeout(WAIT_LIMIT_MS);
  const page = await context.newPage();
  const requests = [];
  const errors = [];
  context.on('request', (r) => requests.push(r.url()));
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  // A dialog would mean a script ran (e.g. alert from an injected payload).
  const dialogs = [];
  page.on('dialog', async (d) => {
    dialogs.push(d.message());
    await d.dismiss();
  });
  const response = await page.goto(url + hash);
  await page.waitForSelector('.app');
  const origin = new URL(url).origin;
  return {
    page,
    context,
    response,
    requests,
    errors,
    dialogs,
    assertLocal() {
      const foreign = requests.filter((r) => {
        if (r.startsWith('data:') || r.startsWith('blob:')) return false;
        return new URL(r).origin !== origin;
      });
      assert.deepEqual(foreign, [], 'every request stays on the page origin');
    },
  };
}

/** Saves a screenshot under target/screenshots/. */
export async function shot(page, name) {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SHOTS, `${name}.png`) });
}

/** Dispatches a drop of the given files (name, content) on a selector. */
export async function dropFiles(page, selector, files) {
  await page.evaluate(
    ({ selector, files }) => {
      const dt = new DataTransfer();
      for (const f of files) dt.items.add(new File([f.content], f.name));
      const target = document.querySelector(selector);
      target.dispatchEvent(new DragEvent('dragover', { bubbles: true, cancelable: true, dataTransfer: dt }));
      target.dispatchEvent(new DragEvent('drop', { bubbles: true, cancelable: true, dataTransfer: dt }));
    },
    { selector, files },
  );
}

/** Names of the rows in the tree, in order. */
export async function rowNames(page) {
  return page.$$eval('.tree-body .row', (rows) =>
    rows
      .sort((a, b) => parseFloat(a.style.top) - parseFloat(b.style.top))
      .map((r) => r.querySelector('.name').textContent),
  );
}
