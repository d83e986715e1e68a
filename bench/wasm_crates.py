#!/usr/bin/env python3
"""What weighs in a WASM module: code bytes per crate, read from the module's `name`
section (the build before wasm-bindgen and wasm-opt keeps the symbol names).

Usage: python3 bench/wasm_crates.py path/to/frontend.wasm [top N]
"""

import re
import sys
from collections import defaultdict


def leb(data, i):
    """An unsigned LEB128 at i: (value, next index)."""
    result = shift = 0
    while True:
        b = data[i]
        i += 1
        result |= (b & 0x7F) << shift
        shift += 7
        if b < 0x80:
            return result, i


def sections(data):
    i = 8  # magic and version
    while i < len(data):
        sid = data[i]
        size, i = leb(data, i + 1)
        yield sid, data[i:i + size]
        i += size


def imported_functions(body):
    count, i = leb(body, 0)
    funcs = 0
    for _ in range(count):
        for _ in range(2):  # module and field names
            n, i = leb(body, i)
            i += n
        kind = body[i]
        i += 1
        if kind == 0:  # function: type index
            _, i = leb(body, i)
            funcs += 1
        elif kind == 1:  # table: reftype, limits
            i += 1
            flags, i = leb(body, i)
            _, i = leb(body, i)
            if flags & 1:
                _, i = leb(body, i)
        elif kind == 2:  # memory: limits
            flags, i = leb(body, i)
            _, i = leb(body, i)
            if flags & 1:
                _, i = leb(body, i)
        elif kind == 3:  # global: valtype, mutability
            i += 2
        else:
            raise ValueError(f"unknown import kind {kind}")
    return funcs


def code_sizes(body):
    count, i = leb(body, 0)
    sizes = []
    for _ in range(count):
        size, j = leb(body, i)
        sizes.append(j - i + size)
        i = j + size
    return sizes


def function_names(body):
    names = {}
    i = 0
    while i < len(body):
        sub = body[i]
        size, i = leb(body, i + 1)
        end = i + size
        if sub == 1:
            count, j = leb(body, i)
            for _ in range(count):
                idx, j = leb(body, j)
                n, j = leb(body, j)
                names[idx] = body[j:j + n].decode("utf-8", "replace")
                j += n
        i = end
    return names


def crate_of(symbol):
    """The crate a (mangled or plain) Rust symbol belongs to."""
    # Legacy mangling: _ZN<len><name>…; the first component is the crate, except for
    # impls (`_<impl ...>`), whose first inner component is taken instead.
    m = re.match(r"_ZN(\d+)(.*)", symbol)
    if m:
        n = int(m.group(1))
        first = m.group(2)[:n]
        if first.startswith("_$LT$"):
            # `<Type as crate::Trait>`: the trait's crate holds the code; `<crate::Type>`:
            # the type's crate.
            trait = re.search(r"\$u20\$as\$u20\$([a-zA-Z_][a-zA-Z0-9_]*)\.\.", first)
            if trait:
                return trait.group(1)
            path = re.search(r"([a-zA-Z_][a-zA-Z0-9_]*)\.\.", first)
            return path.group(1) if path else "(generic impls)"
        return first
    # v0 mangling: _R…C<len><crate>
    m = re.search(r"C(?:s[0-9a-zA-Z_]*_)?(\d+)([a-zA-Z_][a-zA-Z0-9_]*)", symbol[2:]) if symbol.startswith("_R") else None
    if m:
        return m.group(2)[: int(m.group(1))]
    # Already demangled: crate::path::…
    m = re.match(r"<?([a-zA-Z_][a-zA-Z0-9_]*)::", symbol)
    if m:
        return m.group(1)
    return "(other: " + ("wasm-bindgen glue" if "wbg" in symbol or "wasm_bindgen" in symbol else "runtime") + ")"


def main():
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    data = open(path, "rb").read()
    imports = 0
    sizes = []
    names = {}
    for sid, body in sections(data):
        if sid == 2:
            imports = imported_functions(body)
        elif sid == 10:
            sizes = code_sizes(body)
        elif sid == 0:
            n, j = leb(body, 0)
            if body[j:j + n] == b"name":
                names = function_names(body[j + n:])
    if not names:
        print(f"{path}: no name section (build with symbol names to see crates)")
        return
    per_crate = defaultdict(int)
    for k, size in enumerate(sizes):
        per_crate[crate_of(names.get(imports + k, ""))] += size
    total = sum(sizes)
    print(f"code by crate in {path.split('/')[-1]} (before wasm-opt; {total / 1024:.1f} KiB of code)")
    for crate, size in sorted(per_crate.items(), key=lambda kv: -kv[1])[:top]:
        print(f"  {crate:<32} {size / 1024:9.1f} KiB  {100 * size / total:5.1f} %")


if __name__ == "__main__":
    main()
