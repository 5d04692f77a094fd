#!/usr/bin/env python3
"""Find import cycles between the source files of Rust crates (stdlib only, no cargo).

Usage: import_cycles.py [--include-tests] CRATE_SRC_DIR...   |   import_cycles.py --self-test

Each argument is a crate source dir holding lib.rs and/or main.rs (each is its own crate root).
Every .rs file reached through `mod x;` declarations is one node, keyed by its module path:
lib.rs/main.rs = the root, `foo.rs` or `foo/mod.rs` = `foo`, `foo/bar.rs` = `foo::bar`,
`#[path = "..."] mod x;` is honoured, and `mod x;` inside an inline `mod a { }` means `a/x.rs`.
A file pulled in with `include!("f.rs")` is a node too, at the module where the include sits.
Inline `mod name { ... }` blocks belong to the enclosing file.

An edge A -> B (shown with A's file:line and the path text) is any path in A's code that resolves
into B's module. Before scanning, comments (nested `/* */`, `//`, doc comments), string, byte
and raw string literals and char literals are blanked out, so text in them never counts.
Counted paths:
  * every leaf of a `use` tree (nested braces, `self`, `*` globs, `x as y` renames), including
    `pub use child::Thing;` in a parent, which is a parent -> child edge;
  * qualified paths in code: `crate::a::T`, `$crate::a::T`, `super::T`, `self::child::f()`,
    `child::f()` where `child` is a child module of the current (inline) module, and `m::f()`
    where `m` is a module brought in by `use ... m` / `use ... as m` in the same module.
A path is resolved from its start (`crate` = root, `super` = parent of the current module,
inline modules included, `self`/bare child = current module) and then mapped to the LONGEST
prefix that is a file module: `crate::import::common::pos::LineCol` -> import/common/pos.rs,
`super::Foo` from a/b.rs -> a.rs or a/mod.rs. Not edges: `mod x;` declarations, `include!`,
visibility `pub(in path)`, paths into other crates (`::x`, `std::`, dependency names; cargo
forbids cycles between crates anyway), and paths that land in the same file.

Test code is ignored by default (tests importing their parent is normal): edges from files
named tests.rs, files under a tests/ dir, files declared `#[cfg(test)] mod x;`, and from inside
`#[cfg(test)] mod name { }` blocks are dropped. `--include-tests` keeps them (`--allow-tests`
is accepted and is the default).

Each strongly connected component of more than one file is printed with all its edges; the
exit status is 1 if there is any cycle, 0 otherwise, 2 on bad arguments.
"""
import os
import re
import sys
import tempfile
from bisect import bisect_right
from collections import defaultdict
from pathlib import Path

INTERESTING = re.compile(r"""//|/\*|(?<![\w])[bc]?r\#*"|"|'""")
BLOCK_DELIM = re.compile(r"/\*|\*/")
STR_BODY = re.compile(r'(?:[^"\\]|\\.)*', re.S)
NOT_NL = re.compile(r"[^\n]")
CHAR_LIT = re.compile(r"'(?:\\(?:x[0-9a-fA-F]{2}|u\{[0-9a-fA-F_]*\}|.)|[^\\\n])'")
TOKEN = re.compile(r"""(?=[\w${}])  # cheap pre-check, ~3x faster
  (?: (?P<vis>\bpub\s*\(\s*in\b[^)]*\))
  | (?<![\w$])use\s+(?=[\w:{$])(?P<use>[^;]*);
  | (?<![\w$])mod\s+(?:r\#)?(?P<mod>\w+)\s*(?P<modend>[;{])
  | (?<![\w$])include!\s*\(\s*(?P<include>")
  | (?<![\w$.:])(?P<path>(?:r\#\w+|\$?\w+)(?:\s*::\s*(?:r\#)?\w+)+)
  | (?P<open>\{) | (?P<close>\}) )""", re.X)
USE_TOK = re.compile(r"::|[{},*]|r#\w+|\$?\w+")
CFG_TEST = re.compile(r"#\[\s*cfg\s*\(\s*(?:all\s*\(\s*)?test\b")
PATH_ATTR = re.compile(r'#\[\s*path\s*=\s*"')


def strip(src):
    """Blank comments and literal contents with spaces, keeping offsets and newlines."""
    out, i, n = [], 0, len(src)
    blank = lambda a, b: NOT_NL.sub(" ", src[a:b])  # noqa: E731
    while (m := INTERESTING.search(src, i)) is not None:
        start, tok = m.start(), m.group()
        out.append(src[i:start])
        if tok == "//":
            end = src.find("\n", start)
            end = n if end < 0 else end
            out.append(blank(start, end))
        elif tok == "/*":
            depth, end = 1, start + 2
            while depth and (c := BLOCK_DELIM.search(src, end)):
                depth, end = depth + (1 if c.group() == "/*" else -1), c.end()
            end = end if depth == 0 else n
            out.append(blank(start, end))
        elif tok.endswith('"') and "r" in tok:  # raw string: r"..", br#".."#, cr".."
            hashes = tok[tok.index("r") + 1:-1]
            close = src.find('"' + hashes, m.end())
            close = n if close < 0 else close
            out += [tok, blank(m.end(), close), src[close:close + 1 + len(hashes)]]
            end = close + 1 + len(hashes)
        elif tok == '"':
            s = STR_BODY.match(src, start + 1)
            out += ['"', blank(s.start(), s.end()), src[s.end():s.end() + 1]]
            end = s.end() + 1
        elif c := CHAR_LIT.match(src, start):  # a char literal, not a lifetime
            out += ["'", blank(start + 1, c.end() - 1), "'"]
            end = c.end()
        else:
            out.append(tok)
            end = m.end()
        i = end
    out.append(src[i:])
    return "".join(out)


def use_leaves(body):
    """Return [(segments, alias, offset)] for each leaf of a use tree (the text of `use ...;`)."""
    toks = [(m.group(), m.start()) for m in USE_TOK.finditer(body)] + [(";", len(body))] * 2
    leaves, pos = [], 0

    def tree(prefix):  # parse one (sub)tree starting at toks[pos]
        nonlocal pos
        segs = list(prefix)
        while True:
            t, off = toks[pos]
            pos += 1
            if t == "{":
                while toks[pos][0] not in "};":
                    if toks[pos][0] == ",":
                        pos += 1
                    else:
                        tree(segs)
                pos += 1
                return
            if t == "*":
                return leaves.append((segs, None, off))
            if t == "::":
                if not segs:
                    segs.append("")  # leading `::`: an extern crate path
                continue
            if t in ",};":  # malformed input: let the caller deal with it
                pos -= 1
                return
            more = toks[pos][0] == "::"
            if not (t == "self" and segs and not more):  # `a::{self}` names `a` itself
                segs.append(t.removeprefix("r#"))
            if more:
                continue
            alias = None
            if toks[pos][0] == "as":
                alias, pos = toks[pos + 1][0], pos + 2
            return leaves.append((segs, alias or segs[-1], off))
    while toks[pos][0] != ";":
        if toks[pos][0] in ",}":
            pos += 1
        else:
            tree([])
    return leaves


class Crate:
    """The module tree of one crate root and the raw path references found in its files."""

    def __init__(self, root):
        self.files = {}      # Path -> module path tuple
        self.mods = {}       # module path -> Path, file modules only
        self.all_mods = set()  # file and inline module paths
        self.refs = []       # (file, scope, segs, line, text, in_test)
        self.aliases = defaultdict(dict)  # module path -> {name: (scope, segs)} from `use`
        self.missing = []    # declared module files that could not be read
        self.root_dir = Path(os.path.normpath(root.parent))
        self.scan(root, (), True, False)

    def scan(self, path, modpath, owns_dir, test):
        path = Path(os.path.normpath(path))
        if path in self.files:
            return
        try:
            orig = path.read_text(encoding="utf-8")
        except OSError:
            self.missing.append(path)
            return
        self.files[path] = modpath
        self.mods.setdefault(modpath, path)  # a top-level include! shares its includer's module
        self.all_mods.add(modpath)
        try:
            under = path.relative_to(self.root_dir).parts[:-1]
        except ValueError:
            under = ()
        test = test or path.name == "tests.rs" or "tests" in under
        text = strip(orig)
        lines = [nl.start() for nl in re.finditer("\n", text)]
        line_of = lambda off: bisect_right(lines, off - 1) + 1  # noqa: E731
        base_dir = path.parent if owns_dir else path.parent / path.stem
        depth, stack = 0, []  # stack of (inline name, depth it opened at, is cfg(test))
        for m in TOKEN.finditer(text):
            inline = tuple(s[0] for s in stack)
            scope, in_test = modpath + inline, test or any(s[2] for s in stack)
            if m.group("open"):
                depth += 1
            elif m.group("close"):
                if stack and stack[-1][1] == depth:
                    stack.pop()
                depth -= 1
            elif m.group("mod"):
                attrs_from = max(text.rfind(ch, 0, m.start()) for ch in ";{}") + 1
                attrs = text[attrs_from:m.start()]
                cfg_test = bool(CFG_TEST.search(attrs))
                name = m.group("mod")
                self.all_mods.add(scope + (name,))
                if m.group("modend") == "{":
                    depth += 1
                    stack.append((name, depth, cfg_test))
                    continue
                pa = PATH_ATTR.search(attrs)
                if pa:
                    q = attrs_from + pa.end()
                    rel = orig[q:orig.index('"', q)]
                    child = (path.parent if not stack else base_dir.joinpath(*inline)) / rel
                    owns = True
                else:
                    d = base_dir.joinpath(*inline)
                    child, owns = d / f"{name}.rs", False
                    if not child.exists() and (d / name / "mod.rs").exists():
                        child, owns = d / name / "mod.rs", True
                self.scan(child, scope + (name,), owns, in_test or cfg_test)
            elif m.group("include"):
                q = m.end()
                rel = orig[q:orig.index('"', q)]
                self.scan(path.parent / rel, scope, owns_dir, in_test)
            elif m.group("use") is not None:
                for segs, alias, off in use_leaves(m.group("use")):
                    off += m.start("use")
                    text_ = "::".join(segs) + ("::*" if alias is None else "")
                    text_ += f" as {alias}" if alias and alias != segs[-1] else ""
                    self.refs.append((path, scope, segs, line_of(off), text_, in_test))
                    if alias and alias != "_":
                        self.aliases[scope][alias] = (scope, segs)
            elif m.group("path"):
                segs = [s.strip().removeprefix("r#") for s in m.group("path").split("::")]
                self.refs.append((path, scope, segs, line_of(m.start()),
                                  "::".join(segs), in_test))

    def absolute(self, file, scope, segs, seen=()):
        """Turn a path into an absolute module path (tuple), or None if it leaves the crate."""
        first, rest = segs[0], list(segs[1:])
        if first in ("crate", "$crate"):
            base = ()
        elif first in ("self", "super"):
            base = scope if first == "self" else scope[:-1]
            while rest and rest[0] == "super":
                base, rest = base[:-1], rest[1:]
        elif first == "":
            return None
        elif scope + (first,) in self.all_mods:
            base, rest = scope, list(segs)
        elif first in self.aliases[scope] and first not in seen:
            a_scope, a_segs = self.aliases[scope][first]
            target = self.absolute(file, a_scope, a_segs, seen + (first,))
            if target is None or target not in self.all_mods:
                return None
            base = target
        elif self.files[file] + (first,) in self.all_mods:  # e.g. inline tests via `use super::*`
            base, rest = self.files[file], list(segs)
        else:
            return None
        return tuple(base) + tuple(rest)

    def edges(self, include_tests):
        """Yield (src, dst, line, text) for every reference that lands in another file."""
        for file, scope, segs, line, text, in_test in self.refs:
            if in_test and not include_tests:
                continue
            full = self.absolute(file, scope, segs)
            if full is None:
                continue
            for k in range(len(full), -1, -1):
                dst = self.mods.get(full[:k])
                if dst is not None:
                    if dst != file:
                        yield file, dst, line, text
                    break


def sccs(nodes, adj):
    """Tarjan's algorithm, iterative. Returns the components with more than one node."""
    index, low, on_stack, stack, out, counter = {}, {}, set(), [], [], [0]
    for start in nodes:
        if start in index:
            continue
        work = [(start, iter(sorted(adj[start])))]
        index[start] = low[start] = counter[0]
        counter[0] += 1
        stack.append(start)
        on_stack.add(start)
        while work:
            v, it = work[-1]
            w = next(it, None)
            if w is not None:
                if w not in index:
                    index[w] = low[w] = counter[0]
                    counter[0] += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(sorted(adj[w]))))
                elif w in on_stack:
                    low[v] = min(low[v], index[w])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[v])
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on_stack.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                if len(comp) > 1:
                    out.append(sorted(comp))
    return out


def analyze(dirs, include_tests=False):
    """Return (files, edges, cycles, missing): edges is {(src, dst): [(line, text), ...]}."""
    files, edges, missing = set(), defaultdict(list), []
    for d in dirs:
        for root in ("lib.rs", "main.rs"):
            if (Path(d) / root).is_file():
                crate = Crate(Path(d) / root)
                files.update(crate.files)
                missing += crate.missing
                for src, dst, line, text in crate.edges(include_tests):
                    edges[(src, dst)].append((line, text))
    adj = defaultdict(set)
    for src, dst in edges:
        adj[src].add(dst)
    return files, edges, sccs(sorted(files), adj), missing


def rel(p):
    try:
        return os.path.relpath(p)
    except ValueError:
        return str(p)


def main(argv):
    include_tests = "--include-tests" in argv
    dirs = [a for a in argv if a not in ("--include-tests", "--allow-tests")]
    if "--self-test" in dirs:
        return self_test()
    bad = [d for d in dirs if d.startswith("-") or not any(
        (Path(d) / r).is_file() for r in ("lib.rs", "main.rs"))]
    if not dirs or bad:
        print(f"import_cycles: not a crate src dir (no lib.rs/main.rs): {' '.join(bad)}\n"
              f"usage: {Path(__file__).name} [--include-tests] CRATE_SRC_DIR... | --self-test",
              file=sys.stderr)
        return 2
    files, edges, cycles, missing = analyze(dirs, include_tests)
    for p in missing:
        print(f"import_cycles: note: declared module file not found: {rel(p)}", file=sys.stderr)
    unreached = {Path(os.path.normpath(f)) for d in dirs for f in Path(d).rglob("*.rs")} - files
    for p in sorted(unreached):
        print(f"import_cycles: note: not reached by any `mod`: {rel(p)}", file=sys.stderr)
    if not cycles:
        print(f"import_cycles: no cycles among {len(files)} files")
        return 0
    for n, comp in enumerate(cycles, 1):
        print(f"cycle {n} ({len(comp)} files):")
        for f in comp:
            print(f"    {rel(f)}")
        members = set(comp)
        for (src, dst), uses in sorted(edges.items()):
            if src in members and dst in members:
                print(f"  {rel(src)} -> {rel(dst)}")
                by_line = defaultdict(list)
                for line, text in uses:
                    if text not in by_line[line]:
                        by_line[line].append(text)
                for line, texts in sorted(by_line.items()):
                    print(f"      {rel(src)}:{line}: {', '.join(texts)}")
    print(f"import_cycles: {len(cycles)} cycle(s) among {len(files)} files"
          f"{' (tests included)' if include_tests else ''}")
    return 1


def self_test():
    tricky = ('// use crate::a::A;\n/* crate::a::A /* nested */ crate::a::A */\n'
              '/// crate::a::A\nfn f() { let _s = "crate::a::A \\" crate::a::A";\n'
              '  let _r = r#"crate::a::A "quoted" crate::a::A"#; let _c = \'"\';\n'
              '  let _l: &\'static str = "{"; }\npub struct B;\n')
    crates = {
        "use_cycle": {"lib.rs": "mod a;\nmod b;\n", "a.rs": "use crate::b::B;\npub struct A;\n",
                      "b.rs": "use crate::{a::{self, A as Z}};\npub struct B;\n"},
        "pub_use_cycle": {"lib.rs": "mod p;\n", "p/mod.rs": "mod child;\npub use child::X;\n"
                          "pub struct Y;\n", "p/child.rs": "use super::Y;\npub struct X;\n"},
        "tests_ok": {"lib.rs": "mod m;\nmod n;\n",
                     "m.rs": "pub struct M;\n#[cfg(test)]\nmod tests;\n#[cfg(test)]\n"
                             "mod inline {\n    use crate::n::N;\n}\n",
                     "m/tests.rs": "use super::*;\n", "n.rs": "pub struct N(crate::m::M);\n"},
        "strings_ok": {"lib.rs": "mod a;\nmod b;\n", "a.rs": "use crate::b::B;\npub struct A;\n",
                       "b.rs": tricky},
        "strings_then_code": {"lib.rs": "mod a;\nmod b;\n", "a.rs": "use crate::b::B;\n",
                              "b.rs": tricky + "fn g() -> crate::a::A { todo!() }\n"},
        "nested_ok": {"lib.rs": "mod x;\n#[path = \"other.rs\"]\nmod z;\nmod w;\n",
                      "w.rs": "use crate::x as xx;\nfn g() { xx::y::f() }\n",
                      "x/mod.rs": "pub mod y;\npub struct S;\n",
                      "x/y.rs": "pub fn f() { let _ = super::S; }\n",
                      "other.rs": "use crate::x::y::f;\n"},
    }
    failures = []

    def check(name, got, want):
        ok = got == want
        print(f"  {'ok  ' if ok else 'FAIL'} {name}: got {got}, want {want}")
        if not ok:
            failures.append(name)
    with tempfile.TemporaryDirectory() as tmp:
        for name, files in crates.items():
            for f, body in files.items():
                (Path(tmp) / name / f).parent.mkdir(parents=True, exist_ok=True)
                (Path(tmp) / name / f).write_text(body)

        def run(name, include_tests=False):
            d = Path(tmp) / name
            _, edges, cycles, _ = analyze([d], include_tests)
            short = lambda p: Path(p).relative_to(d).as_posix()  # noqa: E731
            return ([[short(f) for f in c] for c in cycles],
                    sorted((short(s), short(t)) for s, t in edges))
        check("use cycle", run("use_cycle")[0], [["a.rs", "b.rs"]])
        check("pub use cycle", run("pub_use_cycle")[0], [["p/child.rs", "p/mod.rs"]])
        check("tests ignored", run("tests_ok"), ([], [("n.rs", "m.rs")]))
        check("tests included", run("tests_ok", True)[0], [["m.rs", "n.rs"]])
        check("strings/comments", run("strings_ok"), ([], [("a.rs", "b.rs")]))
        check("code after literals", run("strings_then_code")[0], [["a.rs", "b.rs"]])
        check("longest prefix, #[path], `as` alias, mod decl", run("nested_ok"),
              ([], [("other.rs", "x/y.rs"), ("w.rs", "x/mod.rs"), ("w.rs", "x/y.rs"),
                    ("x/y.rs", "x/mod.rs")]))
    print("self-test:", "FAILED " + ", ".join(failures) if failures else "all passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
