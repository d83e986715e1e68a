#!/usr/bin/env python3
"""Fail when the modules of a Rust crate import each other in a cycle.

Usage: python3 scripts/check_cycles.py [--dot] [SRC_DIR ...]   (default: app/src)

Each SRC_DIR is one crate's src dir, checked on its own. A node is a file module
(`foo.rs` or `foo/mod.rs` -> crate::foo); inline `mod x { }` blocks belong to their
file's node. An edge A -> B exists when code in A names a path starting with
`crate::`, `super::`, `self::` or a child module of A, and the longest module prefix
of that path is B. `mod b;` declarations are not edges; `#[cfg(test)] mod` is ignored.
Exit 1 and print the cycles if there are any; else exit 0 with a one-line summary.
"""
import argparse
import bisect
import os
import re
import sys

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"
RAW_STR = re.compile(r'(?<![\w])[bc]?r(#*)"')
# `#[cfg(test)]`, maybe more attributes, then `mod name {` or `mod name;`.
TEST_MOD = re.compile(r"#\s*\[\s*cfg\s*\(\s*test\s*\)\s*\](?:\s*#\s*\[[^\]]*\])*"
                      r"\s*(?:pub(?:\s*\([^)]*\))?\s+)?mod\s+(" + IDENT + r")\s*([{;])")
# What the scanner reacts to: inline module openings, braces and path starts. A path
# start must not follow `::`, `.` or an identifier, or it is the middle of a path.
TOKEN = re.compile(r"(?P<mod>\bmod\s+(?P<name>" + IDENT + r")\s*\{)|(?P<open>\{)|(?P<close>\})"
                   r"|(?P<path>(?<![\w$.:])(?:\$crate|" + IDENT + r")(?=\s*::))")
SEG = re.compile(r"\s*(\$crate|" + IDENT + r")")
SEP = re.compile(r"\s*::\s*(.?)")  # group 1 peeks at what follows: `{`, `*`, `<`, ...
GROUP_NEXT = re.compile(r"(?:\s+as\s+" + IDENT + r")?\s*(,|\})")  # after a group member
GLOB = re.compile(r"\s*\*")
VISIBILITY = re.compile(r"\(\s*in\s*$")  # `pub(in crate::x)` restricts, does not import


def blank(s):
    """Spaces for `s`, keeping newlines so offsets and line numbers stay valid."""
    return re.sub(r"[^\n]", " ", s)


def strip_comments_and_literals(src):
    """Blank out comments, strings and char literals (they may hold braces or `crate::`)."""
    out, i, n = [], 0, len(src)
    while i < n:
        c, nxt, start = src[i], src[i + 1:i + 2], i
        if c == "/" and nxt == "/":
            i = n if src.find("\n", i) < 0 else src.find("\n", i)
        elif c == "/" and nxt == "*":  # block comments nest in Rust
            depth, i = 1, i + 2
            while i < n and depth:
                step = {"/*": 1, "*/": -1}.get(src[i:i + 2], 0)
                depth, i = depth + step, i + (2 if step else 1)
        elif m := RAW_STR.match(src, i):  # r"..", r#".."#, br"..": no escapes inside
            end = src.find('"' + m.group(1), m.end())
            i = n if end < 0 else end + 1 + len(m.group(1))
        elif c == '"' or (c in "bc" and nxt == '"' and not src[i - 1:i].isalnum()):
            i = src.index('"', i) + 1
            while i < n and src[i] != '"':
                i += 2 if src[i] == "\\" else 1
            i += 1
        elif c == "'" and (nxt == "\\" or src[i + 2:i + 3] == "'"):  # char literal, not a lifetime
            i = src.find("'", i + (3 if nxt == "\\" else 2)) + 1 or n
        else:
            out.append(c)
            i += 1
            continue
        out.append(blank(src[start:i]))
    return "".join(out)


def strip_test_modules(text, module, test_mods):
    """Blank each `#[cfg(test)] mod x { ... }`; note `#[cfg(test)] mod x;` files to skip."""
    while m := TEST_MOD.search(text):
        end, depth = m.end(), 1
        if m.group(2) == ";":
            test_mods.add(module + (m.group(1),))
        while m.group(2) == "{" and depth and end < len(text):  # find the matching brace
            depth += {"{": 1, "}": -1}.get(text[end], 0)
            end += 1
        text = text[:m.start()] + blank(text[m.start():end]) + text[end:]
    return text


def parse_tree(text, pos):
    """Parse the path or `use` tree at `pos` into ([(segments, end offset)], end position).
    `a::{b, c::{d, e as f}, *}` gives a::b, a::c::d, a::c::e and a."""
    segs = []
    while m := SEG.match(text, pos):
        segs.append(m.group(1))
        pos = m.end()
        sep = SEP.match(text, pos)
        nxt = sep.group(1) if sep else ""
        if not nxt or not (nxt in "{*_$" or nxt.isalpha()):
            break  # end of path, or `::<T>` turbofish
        pos = sep.end() - 1
        if nxt == "{":  # a use group: expand each comma-separated member
            leaves, pos = [], pos + 1
            while True:
                sub, pos = parse_tree(text, pos)
                leaves += [(segs + s, off) for s, off in sub]
                m = GROUP_NEXT.match(text, pos)
                pos = m.end() if m else pos
                if not m or m.group(1) == "}":
                    return leaves, pos
        if nxt == "*":  # glob: names the prefix itself
            return [(segs, pos + 1)], pos + 1
    if not segs:  # group member `*` names the group's prefix; a trailing comma, nothing
        m = GLOB.match(text, pos)
        return ([([], m.end())], m.end()) if m else ([], pos)
    return [(segs, pos)], pos


def resolve(segs, cur, file_mod, modules):
    """Module named by `segs` written inside (possibly inline) module `cur`: the longest
    existing file-module prefix of the absolute path; None if outside the crate."""
    head = segs[0] if segs else "self"
    if head in ("crate", "$crate"):
        path = ["crate"] + segs[1:]
    elif head in ("self", "super"):
        path = list(cur)
        for s in segs:
            if s == "super" and len(path) == 1:
                return None  # above the crate root
            path = path[:-1] if s == "super" else path + [s]
    elif file_mod + (head,) in modules:  # `child::x` (2018 relative path, or via `super::*`)
        path = list(file_mod) + segs
    else:
        return None  # std, a dependency, a type, a local
    path = tuple(s for s in path if s != "self")  # `use a::{self, ..}` names `a`
    return next((path[:k] for k in range(len(path), 0, -1) if path[:k] in modules), None)


def module_files(src_dir):
    """Map module paths (tuples) to their files, from the file layout alone."""
    mods = {}
    for root, dirs, files in os.walk(src_dir):
        dirs.sort()
        rel = os.path.relpath(root, src_dir)
        parts = () if rel == "." else tuple(rel.split(os.sep))
        if parts[:1] == ("bin",):
            continue  # src/bin/*.rs are separate binary crates
        for f in sorted(f for f in files if f.endswith(".rs")):
            stem = f[:-3]
            # main.rs next to lib.rs is its own crate but only names the lib by crate name,
            # so merging it into the root node changes nothing.
            if not parts and stem in ("lib", "main") or stem == "mod":
                mod = ("crate",) + parts
            else:
                mod = ("crate",) + parts + (stem,)
            mods.setdefault(mod, []).append(os.path.join(root, f))
    return mods


def build_graph(src_dir):
    """{module: {imported module: "file:line" of the first reference}}."""
    mods = module_files(src_dir)
    edges, test_mods = {m: {} for m in mods}, set()
    def test_only(mod):
        return any(mod[:k] in test_mods for k in range(2, len(mod) + 1))

    for mod in sorted(mods, key=len):  # parents first, so their test-only children are known
        if test_only(mod):
            continue
        for path in mods[mod]:
            with open(path, encoding="utf-8") as fh:
                text = strip_test_modules(strip_comments_and_literals(fh.read()), mod, test_mods)
            newlines = [i for i, ch in enumerate(text) if ch == "\n"]
            stack, pos = [], 0  # per open brace: its inline module's name, or None
            while m := TOKEN.search(text, pos):
                pos = m.end()
                if m.group("mod") or m.group("open"):
                    stack.append(m.group("name"))
                elif m.group("close"):
                    stack = stack[:-1]
                elif not VISIBILITY.search(text, max(0, m.start() - 20), m.start()):
                    cur = mod + tuple(s for s in stack if s)
                    leaves, pos = parse_tree(text, m.start())
                    for segs, off in leaves:
                        target = resolve(segs, cur, mod, mods)
                        if target and target != mod and target not in edges[mod]:
                            line = bisect.bisect_left(newlines, off - 1) + 1
                            edges[mod][target] = f"{os.path.relpath(path)}:{line}"
    return {a: {b: r for b, r in out.items() if not test_only(b)}
            for a, out in edges.items() if not test_only(a)}


def tarjan(edges):
    """Strongly connected components (Tarjan's algorithm), as lists of nodes."""
    sys.setrecursionlimit(max(10000, 4 * len(edges)))
    index, low, on_stack, stack, sccs = {}, {}, set(), [], []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(edges[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:  # v roots a component: pop it off the stack
            scc = []
            while not scc or scc[-1] != v:
                scc.append(stack.pop())
                on_stack.discard(scc[-1])
            sccs.append(scc)

    for v in sorted(edges):
        if v not in index:
            visit(v)
    return sccs


def cycle_through(start, scc, edges):
    """Shortest cycle from `start` back to itself inside one SCC (breadth-first)."""
    prev, queue = {}, [start]
    for v in queue:
        for w in sorted(edges[v]):
            if w == start:
                path = [v]
                while path[-1] != start:
                    path.append(prev[path[-1]])
                return path[::-1] + [start]
            if w in scc and w not in prev:
                prev[w] = v
                queue.append(w)
    return [start]


def name(mod):
    return "::".join(mod)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("src_dirs", nargs="*", default=["app/src"], help="crate src dirs")
    ap.add_argument("--dot", action="store_true", help="print the module graph as Graphviz dot")
    args = ap.parse_args()
    out = sys.stderr if args.dot else sys.stdout  # keep stdout pure dot with --dot
    failed = False
    for src in args.src_dirs:
        if not os.path.isdir(src) and os.path.isdir(os.path.join(REPO, src)):
            src = os.path.join(REPO, src)  # relative to cwd, else to the repo root
        if not os.path.isdir(src):
            sys.exit(f"{src}: not a directory")
        edges, rel = build_graph(src), os.path.relpath(src)
        sccs = [set(s) for s in tarjan(edges) if len(s) > 1]
        if args.dot:
            print(f'digraph "{rel}" {{')
            for a in sorted(edges):
                print(f'  "{name(a)}";')
                for b in sorted(edges[a]):
                    red = any(a in s and b in s for s in sccs)
                    print(f'  "{name(a)}" -> "{name(b)}"{" [color=red]" if red else ""};')
            print("}")
        n_edges = sum(len(d) for d in edges.values())
        if not sccs:
            print(f"{rel}: {len(edges)} modules, {n_edges} edges, no import cycle", file=out)
            continue
        failed = True
        print(f"{rel}: {len(sccs)} group(s) of modules importing each other in a cycle "
              f"({len(edges)} modules, {n_edges} edges)", file=out)
        for scc in sccs:
            print(f"\nstrongly connected: {', '.join(sorted(map(name, scc)))}", file=out)
            # Shortest cycle first (easiest to break), then more until every member is shown.
            cycles = [min((cycle_through(v, scc, edges) for v in sorted(scc)), key=len)]
            for v in sorted(scc):
                if all(v not in c for c in cycles):
                    cycles.append(cycle_through(v, scc, edges))
            for cyc in cycles:
                print(f"  cycle: {' -> '.join(map(name, cyc))}", file=out)
                for a, b in zip(cyc, cyc[1:]):
                    print(f"    {name(a)} -> {name(b)}   {edges[a][b]}", file=out)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
