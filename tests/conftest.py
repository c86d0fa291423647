"""Shared fixtures: rcffi and, as the behavioural reference, cffi; the C test
library (tests/c/testlib.c), compiled once per session."""

import importlib
import itertools
import shutil
import subprocess
from pathlib import Path

import pytest

import rcffi

C_DIR = Path(__file__).parent / "c"


@pytest.fixture
def ffi():
    return rcffi.FFI()


@pytest.fixture
def both():
    """An rcffi FFI and a cffi FFI, for differential tests."""
    import cffi

    return rcffi.FFI(), cffi.FFI()


_module_numbers = itertools.count()


@pytest.fixture
def build(tmp_path, monkeypatch):
    """Builds an API-mode module from (cdef, source, **kwargs) with rcffi and
    imports it; the module's ``ffi`` and ``lib`` are its attributes."""
    monkeypatch.syspath_prepend(str(tmp_path))

    def make(cdef, source, name=None, **kwargs):
        module_name = name or "_api_mod_%d" % next(_module_numbers)
        ffi = rcffi.FFI()
        ffi.cdef(cdef)
        ffi.set_source(module_name, source, **kwargs)
        path = ffi.compile(tmpdir=str(tmp_path))
        importlib.invalidate_caches()
        module = importlib.import_module(module_name)
        module._built_path = path
        return module

    return make


@pytest.fixture(scope="session")
def testlib_path(tmp_path_factory):
    """The path of the compiled test library."""
    cc = shutil.which("cc") or shutil.which("gcc") or shutil.which("clang")
    if cc is None:
        pytest.fail("no C compiler (cc, gcc or clang) on PATH: cannot build tests/c/testlib.c")
    out = tmp_path_factory.mktemp("testlib") / "libtestlib.so"
    cmd = [cc, "-shared", "-fPIC", "-O1", "-pthread", "-I", str(C_DIR),
           "-o", str(out), str(C_DIR / "testlib.c")]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode != 0:
        pytest.fail("compiling the test library failed:\n%s\n%s" % (" ".join(cmd), proc.stderr))
    return str(out)


@pytest.fixture(scope="session")
def testlib_cdef():
    """The declarations of the test library, as given to ffi.cdef()."""
    return (C_DIR / "testlib.h").read_text()


@pytest.fixture(scope="session")
def tl(testlib_path, testlib_cdef):
    """``(ffi, lib)``: rcffi over the test library."""
    ffi = rcffi.FFI()
    ffi.cdef(testlib_cdef)
    return ffi, ffi.dlopen(testlib_path)


@pytest.fixture(scope="session")
def ref(testlib_path, testlib_cdef):
    """``(ffi, lib)``: cffi over the test library, the behavioural reference."""
    import cffi

    ffi = cffi.FFI()
    ffi.cdef(testlib_cdef)
    return ffi, ffi.dlopen(testlib_path)
