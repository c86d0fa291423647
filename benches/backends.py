"""Building and loading the implementations the benchmarks compare.

Everything built (the C library, the cffi API-mode module, rcffi's API-mode
module, the floor extension) goes into benches/build/ and is rebuilt only when
its inputs change. Each loader returns what that implementation's case makers
receive: for rcffi and cffi an object with `ffi` and `lib`, for ctypes one with
`lib` and `Point`, for the floors the `_benchfloor` module.
"""

from __future__ import annotations

import ctypes
import hashlib
import importlib.machinery
import importlib.util
import os
import re
import shlex
import subprocess
import sys
import sysconfig
import tempfile
import types
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

#: Development aid: makes the rcffi columns run cffi while rcffi cannot be imported.
STANDIN_VAR = "RCFFI_BENCH_STANDIN"


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


def child_instructions(script: Path, args: list[str]) -> int:
    """Total instructions (Ir) of `script --child ARGS` run under callgrind with
    PYTHONHASHSEED=0, so that dict layouts, and the count, repeat."""
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "callgrind.out"
        subprocess.run(
            ["valgrind", "--tool=callgrind", f"--callgrind-out-file={out}", sys.executable,
             str(script), "--child", *args],
            check=True, env={**os.environ, "PYTHONHASHSEED": "0"}, capture_output=True)
        return int(re.search(r"^summary:\s+(\d+)", out.read_text(), re.M).group(1))


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
# Implementations
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
    version = getattr(module, "__version__", "version unknown")
    profile = getattr(module._backend, "_build_profile", "unknown")
    warning = "" if profile == "release" else "  (NOT a release build: figures say nothing)"
    return f"{version}, {profile} build{warning}"


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
    "rcffi-ABI": load_rcffi,
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

