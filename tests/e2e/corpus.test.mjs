// The shared public corpus in the viewer: every file the importers read (the prefixes and span
// counts of tests/tests/corpus.rs, from the corpus's PROVENANCE.md) is opened on its own in a fresh
// page. Each must load without an error notice, show its traces, open the first one with rows, and
// render the findings, cost and audit panels, with no console error and no request off the origin.
// Skips, saying so and counted as skipped, when ../shared/corpus is absent; in CI that fails.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { serve, launch, openApp, shot, ROOT } from './lib.mjs';

const CORPUS = path.resolve(ROOT, '../shared/corpus');

/** The prefixes Loupe must read, shared with tests/tests/corpus.rs. */
const READ = JSON.parse(readFileSync(path.join(ROOT, 'tests/corpus-read.json'), 'utf8')).read;

/** Loupe's count where it differs from PROVENANCE.md on purpose (see tests/tests/corpus.rs). */
const COUNT_EXCEPTIONS = {
  'zipkin-json/zipkin-v1-span-rpc.json': 2,
  'zipkin-json/zipkin-lens-smartthings-mobile-web-install.json': 957,
};

/** (file, span count) from PROVENANCE.md's table, as tests/src/lib.rs reads it. */
function provenanceSpanCounts() {
  const text = readFileSync(path.join(CORPUS, 'PROVENANCE.md'), 'utf8');
  let header = null;
  const out = [];
  for (const line of text.split('\n').filter((l) => l.startsWith('|'))) {
    const cells = line.replace(/^\||\|$/g, '').split('|').map((c) => c.trim());
    if (!header) {
      header = cells;
      continue;
    }
    const col = header.indexOf('Spans');
    if (col < 0) continue;
    const digits = (cells[col] || '').match(/^\d+/);
    if (digits) out.push([cells[0].replace(/`/g, ''), Number(digits[0])]);
  }
  return out;
}

const present = existsSync(path.join(CORPUS, 'PROVENANCE.md'));

describe('the shared corpus in the viewer', () => {
  let srv;
  let chrome;
  before(async () => {
    if (!present) return;
    srv = await serve();
    chrome = await launch();
  });
  after(async () => {
    await chrome?.close();
    srv?.stop();
  });

  it('opens every file the importers read, with its traces, tree and panels', async (t) => {
    if (!present) {
      const why = `the shared corpus is not at ${CORPUS} (it sits beside the clone in CI)`;
      // In CI a missing input is a failure; elsewhere the skip is counted by make test.
      assert.notEqual(process.env.CI, 'true', `${why}: in CI a missing input is a failure, not a skip`);
      t.skip(why);
      return;
    }
    const files = provenanceSpanCounts()
      .filter(([f]) => READ.some((p) => f.startsWith(p)))
      .map(([f, n]) => [f, COUNT_EXCEPTIONS[f] ?? n]);
    assert.ok(files.length >= 30, `${files.length} corpus files to open`);
    const app = await openApp(chrome.browser, srv.url);
    const { page } = app;
    try {
      for (const [file, spans] of files) {
        const before = app.errors.length;
        await page.goto(srv.url);
        await page.waitForSelector('.app');
        await page.setInputFiles('[data-testid=file-input] >> nth=0', path.join(CORPUS, file));
        await page.waitForSelector('.file-chip, .notice.error');
        assert.equal(await page.locator('.notice.error').count(), 0,
          `${file}: ${await page.locator('.notice.error').allTextContents()}`);
        const chip = await page.textContent('.file-chip');
        assert.ok(chip.includes(` ${spans} spans`), `${file}: the chip says ${chip}, expected ${spans} spans`);
        // Several traces are listed; one opens directly.
        await page.waitForSelector('.trace-row, .tree-body .row');
        if (await page.locator('.trace-row').count() > 0) {
          await page.click('.trace-row >> nth=0');
        }
        await page.waitForSelector('.tree-body .row');
        assert.ok(await page.locator('.tree-body .row').count() > 0, `${file}: the first trace has rows`);
        for (const [tab, sel] of [['Findings', '[data-testid=panel] > *'], ['Time & cost', '.cost'], ['Audit', '[data-testid=audit]']]) {
          await page.click(`.tab >> text=${tab}`);
          await page.waitForSelector(sel);
        }
        await page.click('.tree-body .row >> nth=0');
        await page.waitForSelector('[data-testid=span-detail]');
        assert.deepEqual(app.errors.slice(before), [], `${file}: no console or page errors`);
      }
      await shot(page, '20-corpus-last');
      app.assertLocal();
      assert.deepEqual(app.dialogs, [], 'no dialog opened');
    } finally {
      await app.context.close();
    }
  });
});
