// The package's TypeScript declarations as a user meets them: every code example in the installed
// package's README (node_modules/loupe-trace/README.md) is type-checked with `tsc --noEmit
// --strict` against the installed package, and a misuse must be refused, so the check can fail.
// scripts/test.sh runs this from the scratch project (see node.test.mjs); TypeScript and Node's
// types come from the repository's node_modules (LOUPE_ROOT).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import path from 'node:path';

const ROOT = process.env.LOUPE_ROOT;
assert.ok(ROOT, 'LOUPE_ROOT must name the repository');
const TSC = path.join(ROOT, 'node_modules/typescript/bin/tsc');
const README = path.resolve('node_modules/loupe-trace/README.md');

// The README's code: its js and ts blocks, checked as strict TypeScript; the module scripts of its
// html blocks, checked as the JavaScript they are (checkJs: the declarations still type every
// call and event, but null checks are TypeScript's, not a page script's).
function examples() {
  const md = readFileSync(README, 'utf8');
  const code = [];
  const pageScripts = [];
  for (const m of md.matchAll(/```(\w+)\n([\s\S]*?)```/g)) {
    const [, lang, body] = m;
    if (lang === 'js' || lang === 'ts') code.push(body);
    else if (lang === 'html') {
      for (const s of body.matchAll(/<script( type="module")?>([\s\S]*?)<\/script>/g)) {
        // A classic script shares the page's scope; as a module it gets its own.
        pageScripts.push(s[1] ? s[2] : `export {};\n${s[2]}`);
      }
    }
  }
  return { code, pageScripts };
}

function check(dir, files, { js = false } = {}) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const names = [];
  files.forEach((text, i) => {
    const name = `example-${i + 1}.${js ? 'mjs' : 'mts'}`;
    writeFileSync(path.join(dir, name), text);
    names.push(name);
  });
  writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      strict: !js,
      allowJs: js,
      checkJs: js,
      noEmit: true,
      target: 'es2022',
      module: 'nodenext',
      moduleResolution: 'nodenext',
      lib: ['es2022', 'dom', 'dom.iterable'],
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules/@types')],
      skipLibCheck: false,
    },
    files: names,
  }));
  const r = spawnSync(process.execPath, [TSC, '-p', dir], { encoding: 'utf8' });
  return { status: r.status, output: `${r.stdout}${r.stderr}` };
}

const NO_TSC = !existsSync(TSC) && `no TypeScript at ${TSC} (make setup)`;

test('every README example type-checks against the installed declarations', { skip: NO_TSC }, () => {
  const { code, pageScripts } = examples();
  // Node's library and the viewer as code; the element and the frame as page scripts.
  assert.ok(code.length >= 2 && pageScripts.length >= 2, `expected the four ways in ${README}`);
  assert.ok(code.some((e) => e.includes("from 'loupe-trace'")));
  assert.ok(code.some((e) => e.includes("from 'loupe-trace/viewer'")));
  assert.ok(pageScripts.some((e) => e.includes("'loupe-trace/element'")));
  assert.ok(pageScripts.some((e) => e.includes('PING')));
  const strict = check(path.resolve('types-ok'), code);
  assert.equal(strict.status, 0, `tsc refused the README's code:\n${strict.output}`);
  const js = check(path.resolve('types-ok-js'), pageScripts, { js: true });
  assert.equal(js.status, 0, `tsc refused the README's page scripts:\n${js.output}`);
});

test('the declarations refuse a misuse', { skip: NO_TSC }, () => {
  const bad = [
    "import { load } from 'loupe-trace';\nconst set = await load([]);\nset.convert('xml');\n",
    "import { mountViewer } from 'loupe-trace/viewer';\nconst v = await mountViewer(document.body);\nv.on('selected', () => {});\n",
    "import 'loupe-trace/element';\ndocument.querySelector('loupe-viewer')!.addEventListener('loupe-select', (e) => { const n: number = e.detail.spanId; });\n",
  ];
  // And as a page script: an unknown event detail and a Viewer method that does not exist.
  const badJs = [
    "import 'loupe-trace/element';\nconst el = document.querySelector('loupe-viewer');\nel.addEventListener('loupe-select', (e) => console.log(e.detail.span));\n",
    "import 'loupe-trace/element';\nconst el = document.querySelector('loupe-viewer');\n(await el.ready).openFile('x');\n",
  ];
  [...bad.map((t) => [t, false]), ...badJs.map((t) => [t, true])].forEach(([text, js], i) => {
    const r = check(path.resolve(`types-bad-${i + 1}`), [text], { js });
    assert.notEqual(r.status, 0, `tsc accepted a misuse:\n${text}`);
    assert.match(r.output, /error TS\d+/, r.output);
  });
});
