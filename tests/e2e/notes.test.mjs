// Bundles in the viewer: a bundle written by `loupe bundle` from a real SDK's trace and a notes
// file opens like any trace file; the rows with notes carry a marker, the span panel shows the
// notes as plain text (script payloads stay inert), and the filter finds them (note:any,
// note:<label>). Every request stays on the page's origin.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { serve, launch, openApp, shot, ROOT, FIXTURES } from './lib.mjs';

const LOUPE = process.env.LOUPE_BIN || path.join(ROOT, 'target/debug/loupe');
const PAYLOAD = '<img src=x onerror="alert(1)"><script>alert(2)</script>';

describe('bundles in the viewer', () => {
  let srv;
  let chrome;
  let dir;
  let bundle;
  before(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'loupe-notes-'));
    const notes = path.join(dir, 'notes.toml');
    writeFileSync(notes, `
[[note]]
span = "78f87da3cf352f22"
label = "first-wrong-decision"
text = """The agent searched the knowledge base only after three identical lookups.
${PAYLOAD}"""
step = 1

[[note]]
span = "331ec6a90e66355d"
label = "decision"
text = "First lookup_order."
step = 2
`);
    bundle = path.join(dir, 'support.loupe.json');
    const r = spawnSync(LOUPE, ['bundle', path.join(FIXTURES, 'otlp/valid/sdk-python-agent.json'), '--notes', notes,
      '--title', 'Loop before search', '-o', bundle], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    srv = await serve();
    chrome = await launch();
  });
  after(async () => {
    await chrome?.close();
    srv?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('marks noted rows, shows the notes as text, and filters by note', async () => {
    const app = await openApp(chrome.browser, srv.url);
    const { page } = app;
    try {
      await page.setInputFiles('[data-testid=file-input] >> nth=0', [bundle]);
      await page.click('.trace-row >> text=21.48 s');
      await page.waitForSelector('[data-testid=note-mark]');
      const marked = await page.$$eval('.tree-body .row:has([data-testid=note-mark]) .name', (els) => els.map((e) => e.textContent));
      assert.deepEqual(marked, ['execute_tool lookup_order', 'execute_tool search_kb']);
      assert.equal(await page.textContent('.row:has-text("execute_tool search_kb") [data-testid=note-mark]'), '✎ first-wrong-decision');

      await page.click('.tree-body .row >> text=execute_tool search_kb');
      await page.waitForSelector('[data-testid=span-notes]');
      assert.equal(await page.textContent('[data-testid=span-notes] h3'), 'Notes (1)');
      const text = await page.textContent('[data-testid=span-notes] .note-text');
      assert.equal(text, `The agent searched the knowledge base only after three identical lookups.\n${PAYLOAD}`);
      // Text, not markup: no element came of it.
      assert.equal(await page.$$eval('[data-testid=span-notes] img, [data-testid=span-notes] script', (e) => e.length), 0);
      assert.match(await page.textContent('[data-testid=span-notes]'), /tour step 1/);
      await shot(page, '30-bundle-notes');

      await page.check('label.check:has-text("Hide others") input');
      await page.fill('[data-testid=filter]', 'note:any');
      await page.waitForFunction(() => document.querySelectorAll('.tree-body .row.matched').length === 2);
      await page.fill('[data-testid=filter]', 'note:decision');
      await page.waitForFunction(() => [...document.querySelectorAll('.tree-body .row.matched .name')].map((e) => e.textContent).join() === 'execute_tool lookup_order');
      app.assertLocal();
      assert.deepEqual(app.errors, []);
      assert.deepEqual(app.dialogs, [], 'no script ran');
    } finally {
      await app.context.close();
    }
  });
});
