#!/usr/bin/env python3
"""What `lib.f(1)` costs through each kind of object a lib could be, in both
of the ways CPython 3.11 compiles it, under callgrind.

`lib.f(x)` is `LOAD_METHOD` where `lib` is a local or an assigned global, and
`LOAD_ATTR` in a module that imported the name `lib` (benches/README.md). The
interpreter specialises each instruction for some kinds of objects only; this
measures every candidate with the same callee (the builtin `abs`), so that the
rows differ only by the attribute lookup:

- `slot`: a `__slots__` member of the object's class (rcffi's API-mode lib);
- `instance dict`: an entry of a combined instance dict;
- `inline values`: an entry of a Python object's inline values;
- `own tp_getattro`: a C type whose `tp_getattro` reads a dict (cffi's lib);
- `module`: an exact module, the only kind both forms specialise, which
  cannot hold a global variable that reads C memory at each access.

rcffi's ABI-mode design, a method descriptor of the lib's type, is the
`rcffi-ABI` column of `benches/callgrind.py`.
"""

from __future__ import annotations

import sys
import types
from pathlib import Path

from backends import (BUILD, C_DIR, EXT_SUFFIX, build_extension, build_library, build_once,
                      child_instructions, compiler, fingerprint, load_extension,
                      python_include_flags)

SOURCE = C_DIR / "getattro_lib.c"
KINDS = ("slot", "instance dict", "inline values", "own tp_getattro", "module")
FORMS = {"LOAD_METHOD": "def run(n):\n    for _ in range(n):\n        lib.f(1)\n",
         "LOAD_ATTR": "import lib\n\ndef run(n):\n    for _ in range(n):\n        lib.f(1)\n"}
EMPTY = "def run(n):\n    for _ in range(n):\n        abs(1)\n"
SHORT, LONG = 10_000, 110_000


def build_getattro_lib() -> Path:
    target = BUILD / f"getattro_lib{EXT_SUFFIX}"
    key = fingerprint(compiler(), sys.version, EXT_SUFFIX, python_include_flags(),
                      SOURCE.read_bytes())
    build_library()
    return build_once(target, key, lambda: build_extension(SOURCE, target))


def make_lib(kind: str):
    if kind == "slot":
        lib = type("Lib", (), {"__slots__": ("f",)})()
        lib.f = abs
    elif kind == "instance dict":
        lib = type("Lib", (), {})()
        lib.__dict__ = {"f": abs}
    elif kind == "inline values":
        lib = type("Lib", (), {})()
        lib.f = abs
    elif kind == "own tp_getattro":
        lib = load_extension("getattro_lib", build_getattro_lib()).Lib({"f": abs})
    else:
        lib = types.ModuleType("lib")
        lib.f = abs
    return lib


def child(kind: str, form: str, n: int) -> None:
    """Inside valgrind: compile the loop's function alone (an `import lib`
    beside it changes how it compiles, and never runs) and run it."""
    source = EMPTY if form == "empty" else FORMS[form]
    module = compile(source, "<lib_designs>", "exec")
    code = next(c for c in module.co_consts if isinstance(c, types.CodeType))
    run = types.FunctionType(code, {"lib": make_lib(kind), "abs": abs})
    run(n)


def instructions(kind: str, form: str, n: int) -> int:
    return child_instructions(Path(__file__), [kind, form, str(n)])


def per_statement(kind: str, form: str) -> float:
    return (instructions(kind, form, LONG) - instructions(kind, form, SHORT)) / (LONG - SHORT)


def main() -> None:
    if sys.argv[1:2] == ["--child"]:
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
        return
    build_getattro_lib()
    empty = per_statement("module", "empty")
    print("instructions per lib.f(1) over abs(1) alone (callgrind Ir, PYTHONHASHSEED=0)")
    print(f"{'lib kind':<18}" + "".join(f"{form:>14}" for form in FORMS))
    for kind in KINDS:
        cells = [per_statement(kind, form) - empty for form in FORMS]
        print(f"{kind:<18}" + "".join(f"{cell:>14.0f}" for cell in cells), flush=True)


if __name__ == "__main__":
    main()
