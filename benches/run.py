#!/usr/bin/env python3
"""Comparative benchmarks: rcffi against cffi, ctypes and a hand-written C floor.

Every operation is timed in this one process through each implementation:

  rcffi      the product (`import rcffi`), in-line ABI mode: cdef + dlopen
  cffi-ABI   cffi in-line ABI mode, the same cdef + dlopen
  cffi-API   cffi API mode, its module compiled once into benches/build/
  ctypes     ctypes.CDLL with argtypes/restype, ctypes.Structure for structs
  floor      a hand-written C extension releasing the GIL around C calls
  floor-GIL  the same extension keeping the GIL

and the table shows ns/op plus the ratios rcffi/cffi-ABI, rcffi/cffi-API and
rcffi/floor.  The figures are printed, never asserted.

Everything built (the C library, the cffi API-mode module, the floor extension)
goes into benches/build/ and is rebuilt only when its inputs change.

To add an operation, add one `Op` to `OPS` (see benches/README.md).
"""

from __future__ import annotations

import argparse
import ctypes
import functools
import gc
import hashlib
import importlib.machinery
import importlib.util
import itertools
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
import sysconfig
import time
import types
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable

HERE = Path(__file__).resolve().parent
C_DIR = HERE / "c"
BUILD = HERE / "build"
HEADER = C_DIR / "benchlib.h"
LIB_SOURCE = C_DIR / "benchlib.c"
FLOOR_SOURCE = C_DIR / "floor.c"
LIB_PATH = BUILD / "libbenchlib.so"
EXT_SUFFIX = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
FLOOR_MODULE = "_benchfloor"
API_MODULE = "_benchcffi_api"
RCFFI_API_MODULE = "_benchrcffi_api"

STANDIN_VAR = "RCFFI_BENCH_STANDIN"
UNROLL = 10

IMPLS = ("rcffi", "rcffi-API", "cffi-ABI", "cffi-API", "ctypes", "floor", "floor-GIL")
CDEF_STYLE = ("rcffi", "rcffi-API", "cffi-ABI", "cffi-API")
# (label, numerator, denominator): rcffi's in-line ABI mode against cffi's two
# modes and the floor, and rcffi's API mode against the floor.
RATIOS = (
    ("rcffi/cffi-ABI", "rcffi", "cffi-ABI"),
    ("rcffi/cffi-API", "rcffi", "cffi-API"),
    ("rcffi/floor", "rcffi", "floor"),
    ("rcffi-API/floor", "rcffi-API", "floor"),
)
MISSING = "\u2014"


def log(message: str) -> None:
    """Progress goes to stderr so that stdout holds only the report."""
    print(message, file=sys.stderr, flush=True)


# --------------------------------------------------------------------------
# Building: the library, the floor extension, the cffi API-mode module
# --------------------------------------------------------------------------


def compiler() -> list[str]:
    """The C compiler command; $CC lets a developer try another compiler."""
    return shlex.split(os.environ.get("CC", "cc"))


def fingerprint(*parts: Any) -> str:
    """Hash of everything a build depends on, so that any change rebuilds."""
    digest = hashlib.sha256()
    for part in parts:
        digest.update(part if isinstance(part, bytes) else repr(part).encode())
        digest.update(b"\0")
    return digest.hexdigest()


def build_once(target: Path, key: str, build: Callable[[], None]) -> Path:
    """Run `build` unless `target` was already built from inputs hashing to `key`.

    A stamp file beside the target records the key; comparing keys rather than
    timestamps also catches changed flags, compilers and Python versions.
    """
    stamp = target.with_name(target.name + ".stamp")
    if target.exists() and stamp.exists() and stamp.read_text() == key:
        return target
    BUILD.mkdir(parents=True, exist_ok=True)
    log(f"building {target.relative_to(HERE.parent)}")
    stamp.unlink(missing_ok=True)
    build()
    stamp.write_text(key)
    return target


def run_cc(args: list[str]) -> None:
    """Invoke the C compiler; its diagnostics pass through to the terminal."""
    subprocess.run(compiler() + args, check=True)


def rpath_flags() -> list[str]:
    """Let a module find libbenchlib.so beside itself, wherever the repo lives."""
    origin = "@loader_path" if sys.platform == "darwin" else "$ORIGIN"
    return [f"-Wl,-rpath,{origin}"]


def link_to_library() -> list[str]:
    """Flags linking a Python extension to libbenchlib.so."""
    flags = [f"-L{BUILD}", "-lbenchlib", *rpath_flags()]
    if sys.platform == "darwin":
        flags += ["-undefined", "dynamic_lookup"]
    return flags


def python_include_flags() -> list[str]:
    """-I flags for Python.h, from sysconfig, so no setuptools is needed."""
    paths = sysconfig.get_paths()
    dirs = dict.fromkeys([paths["include"], paths["platinclude"]])
    return [f"-I{d}" for d in dirs]


def build_library() -> Path:
    """Compile benchlib.c into the shared library that every implementation calls."""
    args = ["-O2", "-shared", "-fPIC", f"-I{C_DIR}", str(LIB_SOURCE), "-o", str(LIB_PATH)]
    key = fingerprint(compiler(), args, LIB_SOURCE.read_bytes(), HEADER.read_bytes())
    return build_once(LIB_PATH, key, lambda: run_cc(args))


def build_extension(source: Path, target: Path) -> None:
    """Compile a one-file CPython extension linked to libbenchlib.so."""
    args = ["-O2", "-shared", "-fPIC", *python_include_flags(), f"-I{C_DIR}"]
    run_cc(args + [str(source), "-o", str(target)] + link_to_library())


def build_floor() -> Path:
    """Build the hand-written floor extension from floor.c."""
    target = BUILD / f"{FLOOR_MODULE}{EXT_SUFFIX}"
    key = fingerprint(
        compiler(), sys.version, EXT_SUFFIX, python_include_flags(), link_to_library(),
        FLOOR_SOURCE.read_bytes(), HEADER.read_bytes(),
    )
    return build_once(target, key, lambda: build_extension(FLOOR_SOURCE, target))


def read_cdef() -> str:
    """The cdef text: benchlib.h without its comments.

    The header is the single source of the declarations; comments are removed
    so that a young cdef parser is not what the benchmark ends up testing.
    """
    return re.sub(r"/\*.*?\*/|//[^\n]*", " ", HEADER.read_text(), flags=re.S)


def build_cffi_api() -> Path:
    """Build cffi's API-mode module for benchlib.h, linked to libbenchlib.so."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(read_cdef())
    ffi.set_source(
        API_MODULE,
        '#include "benchlib.h"',
        include_dirs=[str(C_DIR)],
        library_dirs=[str(BUILD)],
        libraries=["benchlib"],
        extra_link_args=rpath_flags(),
    )
    target = BUILD / f"{API_MODULE}{EXT_SUFFIX}"
    has_setuptools = importlib.util.find_spec("setuptools") is not None
    key = fingerprint(
        cffi.__version__, sys.version, EXT_SUFFIX, has_setuptools, read_cdef(), rpath_flags()
    )
    return build_once(target, key, lambda: compile_cffi_module(ffi, target, has_setuptools))


def load_rcffi_api() -> types.SimpleNamespace:
    """rcffi's API-mode module for benchlib.h, built once into the build
    directory (rcffi itself skips the compiler when nothing changed)."""
    import rcffi

    ffi = rcffi.FFI()
    ffi.cdef(read_cdef())
    ffi.set_source(
        RCFFI_API_MODULE,
        '#include <stddef.h>\n#include "benchlib.h"',
        include_dirs=[str(C_DIR)],
        library_dirs=[str(BUILD)],
        libraries=["benchlib"],
        extra_link_args=rpath_flags(),
    )
    path = ffi.compile(tmpdir=str(BUILD))
    spec = importlib.util.spec_from_file_location(RCFFI_API_MODULE, path)
    built = importlib.util.module_from_spec(spec)
    sys.modules[RCFFI_API_MODULE] = built
    spec.loader.exec_module(built)
    return types.SimpleNamespace(ffi=built.ffi, lib=built.lib)


def compile_cffi_module(ffi: Any, target: Path, has_setuptools: bool) -> None:
    """Compile with cffi's own ffi.compile() when setuptools is there.

    Without setuptools (Python 3.12+ venvs lack it) cffi cannot compile, so the
    C code it emits is compiled directly, like the floor.
    """
    if has_setuptools:
        built = Path(ffi.compile(tmpdir=str(BUILD)))
        if built.resolve() != target.resolve():
            built.replace(target)
        return
    c_file = BUILD / f"{API_MODULE}.c"
    ffi.emit_c_code(str(c_file))
    build_extension(c_file, target)


def load_extension(name: str, path: Path) -> types.ModuleType:
    """Import an extension module from a file, without touching sys.path."""
    loader = importlib.machinery.ExtensionFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


# --------------------------------------------------------------------------
# Implementations: what each column's makers receive
# --------------------------------------------------------------------------


def rcffi_module() -> types.ModuleType:
    """The module behind the rcffi column: rcffi itself, or a development stand-in."""
    standin = os.environ.get(STANDIN_VAR)
    if standin == "cffi":
        import cffi

        return cffi
    if standin:
        raise ValueError(f"{STANDIN_VAR}={standin!r}: the only stand-in is 'cffi'")
    import rcffi

    return rcffi


def describe_rcffi() -> str:
    """One header line saying what the rcffi column really measures."""
    if os.environ.get(STANDIN_VAR):
        return f"STAND-IN ({STANDIN_VAR}={os.environ[STANDIN_VAR]}): NOT rcffi figures"
    try:
        module = rcffi_module()
    except Exception as exc:  # reported in full by the rcffi column
        return f"unavailable ({type(exc).__name__})"
    return getattr(module, "__version__", "version unknown")


def load_cdef_style(module: types.ModuleType) -> types.SimpleNamespace:
    """cdef + dlopen through an FFI class: rcffi's and cffi's in-line ABI mode."""
    ffi = module.FFI()
    ffi.cdef(read_cdef())
    return types.SimpleNamespace(ffi=ffi, lib=ffi.dlopen(str(LIB_PATH)))


def load_rcffi() -> types.SimpleNamespace:
    return load_cdef_style(rcffi_module())


def load_cffi_abi() -> types.SimpleNamespace:
    import cffi

    return load_cdef_style(cffi)


def load_cffi_api() -> types.SimpleNamespace:
    module = load_extension(API_MODULE, build_cffi_api())
    return types.SimpleNamespace(ffi=module.ffi, lib=module.lib)


CTYPES_COMPARATOR = ctypes.CFUNCTYPE(ctypes.c_int, ctypes.c_void_p, ctypes.c_void_p)


class CPoint(ctypes.Structure):
    """ctypes mirror of point_t."""

    _fields_ = [("x", ctypes.c_int), ("y", ctypes.c_int)]


def load_ctypes() -> types.SimpleNamespace:
    """ctypes with every prototype declared, as careful ctypes code does."""
    lib = ctypes.CDLL(str(LIB_PATH))
    lib.add.argtypes = [ctypes.c_int, ctypes.c_int]
    lib.add.restype = ctypes.c_int
    lib.noop.argtypes = []
    lib.noop.restype = None
    lib.sum6.argtypes = [ctypes.c_long] * 6
    lib.sum6.restype = ctypes.c_long
    lib.dmul.argtypes = [ctypes.c_double, ctypes.c_double]
    lib.dmul.restype = ctypes.c_double
    lib.bench_strlen.argtypes = [ctypes.c_char_p]
    lib.bench_strlen.restype = ctypes.c_size_t
    lib.point_sum.argtypes = [ctypes.POINTER(CPoint)]
    lib.point_sum.restype = ctypes.c_int
    lib.sort_copy.argtypes = [ctypes.POINTER(ctypes.c_int), ctypes.POINTER(ctypes.c_int),
                              ctypes.c_size_t, CTYPES_COMPARATOR]
    lib.sort_copy.restype = None
    return types.SimpleNamespace(lib=lib, Point=CPoint)


def load_floor() -> types.ModuleType:
    return load_extension(FLOOR_MODULE, build_floor())


LOADERS: dict[str, Callable[[], Any]] = {
    "rcffi": load_rcffi,
    "rcffi-API": load_rcffi_api,
    "cffi-ABI": load_cffi_abi,
    "cffi-API": load_cffi_api,
    "ctypes": load_ctypes,
    "floor": load_floor,
    "floor-GIL": load_floor,
}


class BackendError(Exception):
    """An implementation could not be loaded at all; reported once, not per op."""


class Backends:
    """Loads each implementation at most once, remembering failures too."""

    def __init__(self) -> None:
        self._loaded: dict[Callable[[], Any], Any] = {}

    def get(self, impl: str) -> Any:
        loader = LOADERS[impl]
        if loader not in self._loaded:
            try:
                self._loaded[loader] = loader()
            except Exception as exc:
                self._loaded[loader] = BackendError(f"{impl}: {type(exc).__name__}: {exc}")
        result = self._loaded[loader]
        if isinstance(result, BackendError):
            raise result
        return result


# --------------------------------------------------------------------------
# The operations
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """A statement to time and the local names it uses.

    The statement is compiled into the timing loop itself (not wrapped in a
    Python function), so no extra call frame is added to what is measured.
    """

    stmt: str
    env: dict[str, Any]


def case(stmt: str, **env: Any) -> Case:
    return Case(stmt, env)


@dataclass(frozen=True)
class Op:
    """One benchmarked operation: a name, a description, and one maker per
    implementation. A maker takes what that implementation's loader returned
    and returns a `Case`. `expect`, when not None, is the value the statement
    must produce, checked once before timing so that a wrong binding cannot
    post a good time. `unroll` is how many times the statement is repeated per
    loop iteration: 1 for ops that take milliseconds, whose loop cost is nothing.
    `per` divides the time of one statement (or gives the divisor when called),
    for ops reported per inner event, like ns per callback of a sort."""

    name: str
    doc: str
    makers: dict[str, Callable[[Any], Case]]
    expect: Any = None
    unroll: int = UNROLL
    per: Callable[[], int] | int = 1


def same_for(impls: tuple[str, ...], maker: Callable[[Any], Case]) -> dict[str, Callable]:
    """Use one maker for several implementations that share an API."""
    return dict.fromkeys(impls, maker)


def point_cdata(b: Any) -> Case:
    p = b.ffi.new("point_t *")
    p.x = 7
    return case("p.x", p=p)


def int_array(ffi: Any) -> Any:
    return ffi.new("int[100]", list(range(100)))


def ctypes_int_array() -> Any:
    return (ctypes.c_int * 100)(*range(100))


def point_floor(m: Any) -> Case:
    p = m.Point()
    p.x = 7
    return case("p.x", p=p)


BIG_HEADER_SHAPE = {"structs": 500, "enums": 100, "functions": 3000}
BIG_HEADER_TYPES = ("int", "unsigned long", "double", "char *", "const char *", "uint32_t",
                    "short", "float", "void *", "long long", "size_t", "unsigned char")


@functools.lru_cache(maxsize=None)
def big_header(structs: int, enums: int, functions: int) -> str:
    """A generated header of about 250 KB, the same text on every run.

    It has what real headers have: enums with constant expressions, typedef'd
    structs with bitfields, arrays, pointers to earlier structs and enum members,
    and prototypes taking struct pointers and callbacks.
    """
    out = []
    for i in range(enums):
        values = ", ".join(f"E{i}_V{j} = {j} << 1" if j % 3 == 0 else f"E{i}_V{j}"
                           for j in range(10))
        out.append(f"enum enum_{i} {{ {values} }};")
    for i in range(structs):
        fields = [f"    {BIG_HEADER_TYPES[(i + j) % len(BIG_HEADER_TYPES)]} f{j};"
                  for j in range(4)]
        fields.append("    unsigned int flag_a : 3, flag_b : 5;")
        fields.append(f"    char name[{16 + i % 16}];")
        if i:
            fields.append(f"    struct rec_{i - 1} *prev;")
        fields.append(f"    enum enum_{i % enums} kind;")
        body = "\n".join(fields)
        out.append(f"typedef struct rec_{i} {{\n{body}\n}} rec_{i}_t;")
    for i in range(functions):
        result = BIG_HEADER_TYPES[i % len(BIG_HEADER_TYPES)]
        callback = ", int (*cb)(void *, int)" if i % 8 == 0 else ""
        out.append(f"{result} fn_{i}(rec_{i % structs}_t *self, size_t n{callback});")
    return "\n".join(out) + "\n"


SORT_N = 20_000


@functools.lru_cache(maxsize=None)
def sort_data() -> list[int]:
    """The same pseudo-random ints on every run (a fixed LCG, not `random`)."""
    x, out = 12345, []
    for _ in range(SORT_N):
        x = (x * 1103515245 + 12345) % 2**31
        out.append(x % 1_000_000)
    return out


@functools.lru_cache(maxsize=None)
def sort_comparisons() -> int:
    """How many times the C library's qsort calls the comparator on
    `sort_data()` (it is deterministic for a given input), counted once through
    ctypes, to report ns per callback."""
    count = [0]

    def compare(a: int, c: int) -> int:
        count[0] += 1
        x = ctypes.cast(a, ctypes.POINTER(ctypes.c_int))[0]
        y = ctypes.cast(c, ctypes.POINTER(ctypes.c_int))[0]
        return (x > y) - (x < y)

    lib = load_ctypes().lib
    src = (ctypes.c_int * SORT_N)(*sort_data())
    dst = (ctypes.c_int * SORT_N)()
    lib.sort_copy(dst, src, SORT_N, CTYPES_COMPARATOR(compare))
    return count[0]


def sort_cdata(b: Any) -> Case:
    """qsort of 20 000 ints through a Python comparator made with ffi.callback."""
    ffi = b.ffi
    cast = ffi.cast

    @ffi.callback("int(*)(void *, void *)")
    def cmp(a: Any, c: Any) -> int:
        x = cast("int *", a)[0]
        y = cast("int *", c)[0]
        return (x > y) - (x < y)

    src = ffi.new("int[]", sort_data())
    dst = ffi.new("int[]", SORT_N)
    return case("f(dst, src, n, cmp)", f=b.lib.sort_copy, dst=dst, src=src, n=SORT_N, cmp=cmp)


def sort_ctypes(b: Any) -> Case:
    as_int = ctypes.POINTER(ctypes.c_int)

    def compare(a: int, c: int) -> int:
        x = ctypes.cast(a, as_int)[0]
        y = ctypes.cast(c, as_int)[0]
        return (x > y) - (x < y)

    cmp = CTYPES_COMPARATOR(compare)
    src = (ctypes.c_int * SORT_N)(*sort_data())
    dst = (ctypes.c_int * SORT_N)()
    return case("f(dst, src, n, cmp)", f=b.lib.sort_copy, dst=dst, src=src, n=SORT_N, cmp=cmp)


def struct_arg_cdata(b: Any) -> Case:
    return case("f(p)", f=b.lib.point_sum, p=b.ffi.new("point_t *", [3, 4]))


def struct_arg_floor(m: Any) -> Case:
    p = m.Point()
    p.x, p.y = 3, 4
    return case("f(p)", f=m.point_sum, p=p)


BUILD_FUNCTIONS = 100
_build_numbers = itertools.count()


def build_inputs() -> tuple[str, str]:
    """The cdef and C source of a module with `BUILD_FUNCTIONS` functions."""
    cdef = "\n".join(f"int f{i}(int);" for i in range(BUILD_FUNCTIONS))
    source = "\n".join(f"static int f{i}(int x) {{ return x + {i}; }}"
                       for i in range(BUILD_FUNCTIONS))
    return cdef, source


def build_module(module: Any) -> Case:
    """Generating and compiling a fresh API-mode module of 100 functions, from
    cdef() to the built library (a new name each time, so nothing is reused)."""
    cdef, source = build_inputs()
    target = BUILD / "build-timing"
    # Each build leaves a module behind: start from an empty directory.
    shutil.rmtree(target, ignore_errors=True)

    def build() -> None:
        ffi = module.FFI()
        ffi.cdef(cdef)
        ffi.set_source(f"_bench_build_{os.getpid()}_{next(_build_numbers)}", source)
        ffi.compile(tmpdir=str(target))

    return case("build()", build=build)


def cdef_big(b: Any) -> Case:
    """A fresh FFI of the column's own class parsing the whole generated header."""
    return case("FFI().cdef(text)", FFI=type(b.ffi), text=big_header(**BIG_HEADER_SHAPE))


OPS = [
    Op(
        "add",
        "add(1, 2) calling int add(int, int)",
        {
            **same_for(CDEF_STYLE + ("ctypes",), lambda b: case("f(1, 2)", f=b.lib.add)),
            "floor": lambda m: case("f(1, 2)", f=m.add),
            "floor-GIL": lambda m: case("f(1, 2)", f=m.add_gil),
        },
        expect=3,
    ),
    Op(
        "noop",
        "noop() calling void noop(void)",
        {
            **same_for(CDEF_STYLE + ("ctypes",), lambda b: case("f()", f=b.lib.noop)),
            "floor": lambda m: case("f()", f=m.noop),
            "floor-GIL": lambda m: case("f()", f=m.noop_gil),
        },
    ),
    Op(
        "p.x",
        "reading the int field x of a point_t",
        {
            **same_for(CDEF_STYLE, point_cdata),
            "ctypes": lambda b: case("p.x", p=b.Point(7, 0)),
            "floor": point_floor,
        },
        expect=7,
    ),
    Op(
        "p.x = 5",
        "writing the int field x of a point_t",
        {
            **same_for(CDEF_STYLE, lambda b: case("p.x = 5", p=b.ffi.new("point_t *"))),
            "ctypes": lambda b: case("p.x = 5", p=b.Point(7, 0)),
            "floor": lambda m: case("p.x = 5", p=m.Point()),
        },
    ),
    Op(
        "new",
        'ffi.new("point_t *"), a zeroed point_t owned by Python, then freed',
        {
            **same_for(CDEF_STYLE, lambda b: case('new("point_t *")', new=b.ffi.new)),
            "ctypes": lambda b: case("new()", new=b.Point),
            "floor": lambda m: case("new()", new=m.Point),
        },
    ),
    Op(
        "new int[100]",
        'ffi.new("int[100]"), 400 zeroed bytes owned by Python, then freed',
        {
            **same_for(CDEF_STYLE, lambda b: case('new("int[100]")', new=b.ffi.new)),
            "ctypes": lambda b: case("new()", new=ctypes.c_int * 100),
        },
    ),
    Op(
        "arr[5]",
        "reading item 5 of an int[100]",
        {
            **same_for(CDEF_STYLE, lambda b: case("arr[5]", arr=int_array(b.ffi))),
            "ctypes": lambda b: case("arr[5]", arr=ctypes_int_array()),
        },
        expect=5,
    ),
    Op(
        "arr[5] = 7",
        "writing item 5 of an int[100]",
        {
            **same_for(CDEF_STYLE, lambda b: case("arr[5] = 7", arr=int_array(b.ffi))),
            "ctypes": lambda b: case("arr[5] = 7", arr=ctypes_int_array()),
        },
    ),
    Op(
        "cast",
        'ffi.cast("int", 5)',
        {
            **same_for(CDEF_STYLE, lambda b: case('cast("int", 5)', cast=b.ffi.cast)),
            "ctypes": lambda b: case("c_int(5)", c_int=ctypes.c_int),
        },
    ),
    Op(
        "string",
        "ffi.string() of a char[64] holding 63 bytes",
        {
            **same_for(CDEF_STYLE, lambda b: case("string(s)", string=b.ffi.string,
                                                  s=b.ffi.new("char[64]", b"x" * 63))),
            "ctypes": lambda b: case("s.value", s=ctypes.create_string_buffer(b"x" * 63, 64)),
        },
        expect=b"x" * 63,
    ),
    Op(
        "sum6",
        "sum6(1, ..., 6) calling long sum6(long x6)",
        {
            **same_for(CDEF_STYLE + ("ctypes",),
                       lambda b: case("f(1, 2, 3, 4, 5, 6)", f=b.lib.sum6)),
            "floor": lambda m: case("f(1, 2, 3, 4, 5, 6)", f=m.sum6),
        },
        expect=21,
    ),
    Op(
        "dmul",
        "dmul(1.5, 2.0) calling double dmul(double, double)",
        {
            **same_for(CDEF_STYLE + ("ctypes",), lambda b: case("f(1.5, 2.0)", f=b.lib.dmul)),
            "floor": lambda m: case("f(1.5, 2.0)", f=m.dmul),
        },
        expect=3.0,
    ),
    Op(
        "strlen",
        'bench_strlen(b"hello world"): bytes passed as char *',
        {
            **same_for(CDEF_STYLE + ("ctypes",),
                       lambda b: case("f(s)", f=b.lib.bench_strlen, s=b"hello world")),
            "floor": lambda m: case("f(s)", f=m.bench_strlen, s=b"hello world"),
        },
        expect=11,
    ),
    Op(
        "struct*",
        "point_sum(p) with a point_t * argument",
        {
            **same_for(CDEF_STYLE, struct_arg_cdata),
            "ctypes": lambda b: case("f(p)", f=b.lib.point_sum, p=ctypes.pointer(b.Point(3, 4))),
            "floor": struct_arg_floor,
        },
        expect=7,
    ),
    Op(
        "callback",
        "qsort of 20 000 ints with a Python comparator: ns per comparator call",
        {**same_for(CDEF_STYLE, sort_cdata), "ctypes": sort_ctypes},
        unroll=1,
        per=sort_comparisons,
    ),
    Op(
        "build100",
        "set_source + compile() of a module with 100 functions (C compiler included)",
        {
            "rcffi-API": lambda b: build_module(rcffi_module()),
            "cffi-API": lambda b: build_module(importlib.import_module("cffi")),
        },
        unroll=1,
    ),
    Op(
        "cdef",
        "ffi.cdef() of a generated ~250 KB header: 500 structs, 100 enums, 3000 functions",
        {"rcffi": cdef_big, "cffi-ABI": cdef_big},
        unroll=1,
    ),
]


# --------------------------------------------------------------------------
# Timing
# --------------------------------------------------------------------------


@dataclass(frozen=True)
class Settings:
    target_ns: int
    repeats: int


FULL = Settings(target_ns=150_000_000, repeats=5)
QUICK = Settings(target_ns=5_000_000, repeats=3)

TIMER_TEMPLATE = """
def timer(_n, {names}):
    _t0 = _perf_counter_ns()
    for _ in _repeat(None, _n):
{body}
    return _perf_counter_ns() - _t0
"""


def make_timer(c: Case, unroll: int) -> Callable[[int], int]:
    """Compile a loop running `c.stmt` `unroll` times per iteration.

    The names are parameters, hence fast locals; unrolling keeps the loop's own
    cost to a small fraction of each operation's.
    """
    names = sorted(c.env)
    body = "\n".join(f"        {c.stmt}" for _ in range(unroll))
    source = TIMER_TEMPLATE.format(names=", ".join(names), body=body)
    namespace = {"_perf_counter_ns": time.perf_counter_ns, "_repeat": itertools.repeat}
    exec(compile(source, f"<timer {c.stmt}>", "exec"), namespace)
    timer = namespace["timer"]
    values = [c.env[name] for name in names]
    return lambda n: timer(n, *values)


def check(op: Op, c: Case) -> None:
    """Run the statement once and compare with the expected value.

    Assignments (`p.x = 5`) are statements: they run, and give None."""
    try:
        code = compile(c.stmt, "<check>", "eval")
    except SyntaxError:
        code = compile(c.stmt, "<check>", "exec")
    result = eval(code, {}, dict(c.env))
    if op.expect is not None and result != op.expect:
        raise AssertionError(f"{c.stmt} gave {result!r}, expected {op.expect!r}")


def calibrate(timer: Callable[[int], int], target_ns: int) -> int:
    """Loop count for one measurement of about target_ns.

    Grows the count until a run takes a tenth of the target, then scales it,
    so calibration costs little next to the measurements (and warms up).
    """
    n = 1
    while True:
        elapsed = timer(n)
        if elapsed >= target_ns // 10:
            return max(1, round(n * target_ns / elapsed))
        n *= 10 if elapsed < target_ns // 1000 else 2


def measure(timer: Callable[[int], int], settings: Settings, unroll: int) -> float:
    """ns per operation: best of `repeats` runs, with the GC off like timeit.

    The best run is the one least disturbed by the rest of the machine.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        n = calibrate(timer, settings.target_ns)
        best = min(timer(n) for _ in range(settings.repeats))
    finally:
        if was_enabled:
            gc.enable()
    return best / (n * unroll)


@dataclass(frozen=True)
class Failure:
    """A cell that could not be measured, with the reason printed under the table."""

    message: str


def run_cell(op: Op, impl: str, backends: Backends, settings: Settings) -> Any:
    """ns/op for one implementation of one op; None when it has no maker."""
    maker = op.makers.get(impl)
    if maker is None:
        return None
    try:
        c = maker(backends.get(impl))
        check(op, c)
        per = op.per() if callable(op.per) else op.per
        return measure(make_timer(c, op.unroll), settings, op.unroll) / per
    except BackendError as exc:
        return Failure(str(exc))
    except Exception as exc:
        return Failure(f"{impl} {op.name}: {type(exc).__name__}: {exc}")


def run_ops(ops: list[Op], settings: Settings) -> dict[str, dict[str, Any]]:
    backends = Backends()
    results = {}
    for op in ops:
        log(f"timing {op.name}")
        results[op.name] = {impl: run_cell(op, impl, backends, settings) for impl in IMPLS}
    return results


# --------------------------------------------------------------------------
# Report
# --------------------------------------------------------------------------


def format_ns(value: Any) -> str:
    if value is None:
        return MISSING
    if isinstance(value, Failure):
        return "error"
    return f"{value:.1f}"


def ratio(numerator: Any, denominator: Any) -> str:
    """Two decimals, or two significant digits for ratios far below 1."""
    if isinstance(numerator, float) and isinstance(denominator, float) and denominator > 0:
        value = numerator / denominator
        return f"{value:.2f}" if value >= 0.1 else f"{value:.2g}"
    return MISSING


def speedups(results: dict[str, dict[str, Any]]) -> list[str]:
    """For ops where rcffi is over 10x faster than cffi-ABI, the factor in words."""
    lines = []
    for name, cells in results.items():
        mine, theirs = cells["rcffi"], cells["cffi-ABI"]
        if isinstance(mine, float) and isinstance(theirs, float) and mine * 10 < theirs:
            lines.append(f"  {name}: rcffi {mine / 1e6:.2f} ms, cffi-ABI {theirs / 1e6:.1f} ms, "
                         f"rcffi is {theirs / mine:.0f}x faster")
    return lines


def table_rows(results: dict[str, dict[str, Any]]) -> list[list[str]]:
    header = ["op", *IMPLS, *(name for name, _, _ in RATIOS)]
    rows = [header]
    for name, cells in results.items():
        rows.append(
            [name]
            + [format_ns(cells[impl]) for impl in IMPLS]
            + [ratio(cells[top], cells[bottom]) for _, top, bottom in RATIOS]
        )
    return rows


def render(rows: list[list[str]]) -> str:
    """Right-aligned columns, the op names left-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells))
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def preamble(settings: Settings) -> str:
    import cffi

    return "\n".join([
        f"python {platform.python_version()} ({sys.executable}), {platform.machine()}",
        f"rcffi  {describe_rcffi()}",
        f"cffi   {cffi.__version__}",
        f"timing best of {settings.repeats} runs of ~{settings.target_ns / 1e6:g} ms, "
        f"{UNROLL} ops per loop iteration (1 for cdef); ns/op, lower is better",
        "floor = C extension releasing the GIL (as rcffi does); floor-GIL keeps it; "
        "ratio < 1: rcffi faster",
    ])


def failures(results: dict[str, dict[str, Any]]) -> list[str]:
    messages = (cell.message for cells in results.values() for cell in cells.values()
                if isinstance(cell, Failure))
    return list(dict.fromkeys(messages))


# --------------------------------------------------------------------------
# Command line
# --------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the same operations through rcffi, cffi (ABI and API mode), "
        "ctypes and a hand-written C extension, and print ns/op and ratios.",
        epilog=f"development aid only: {STANDIN_VAR}=cffi makes the rcffi column use cffi's "
        "in-line ABI mode, to exercise this harness before rcffi is importable. "
        "Its figures say nothing about rcffi.",
    )
    parser.add_argument("--quick", action="store_true",
                        help="far shorter measurements: checks the harness, figures are rough")
    parser.add_argument("--filter", action="append", metavar="NAME",
                        help="run only ops whose name contains NAME (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the ops and exit")
    return parser.parse_args(argv)


def select_ops(filters: list[str] | None) -> list[Op]:
    if not filters:
        return list(OPS)
    return [op for op in OPS if any(f in op.name for f in filters)]


def main(argv: list[str] | None = None) -> int:
    """Exit status: 0 when every cell ran, 1 when some failed, 2 on setup errors."""
    args = parse_args(argv)
    if args.list:
        for op in OPS:
            print(f"{op.name:8} {op.doc}")
        return 0
    ops = select_ops(args.filter)
    if not ops:
        log(f"no op matches {args.filter}; --list shows them")
        return 2
    try:
        build_library()
    except (OSError, subprocess.CalledProcessError) as exc:
        log(f"cannot build {LIB_PATH.name}: {exc}")
        return 2
    settings = QUICK if args.quick else FULL
    results = run_ops(ops, settings)
    print(preamble(settings))
    print()
    print(render(table_rows(results)))
    fast = speedups(results)
    if fast:
        print("\nspeedups over cffi-ABI:")
        print("\n".join(fast))
    errors = failures(results)
    if errors:
        print("\nerrors:")
        print("\n".join(f"  {message}" for message in errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
