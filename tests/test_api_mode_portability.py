"""An API-mode module built under one CPython imports under another one of the
same platform without recompiling: its library has no Python headers behind it
and no Python symbols in it, and its Python half is plain source."""

import importlib
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import rcffi

ROOT = Path(__file__).resolve().parent.parent


def other_python():
    """A CPython >= 3.9 other than the running one, from PATH or pyenv."""
    mine = "%d.%d" % sys.version_info[:2]
    candidates = ["python3.12", "python3.10", "python3.13", "python3.9", "python3.11"]
    found = [shutil.which(c) for c in candidates if c != "python" + mine]
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    if pyenv.is_dir():
        found += [str(p / "bin" / "python3") for p in sorted(pyenv.iterdir())]
    for exe in [f for f in found if f and os.path.exists(f)]:
        probe = subprocess.run([exe, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
                               capture_output=True, text=True)
        version = probe.stdout.strip()
        if probe.returncode == 0 and version != mine and tuple(map(int, version.split("."))) >= (3, 9):
            return exe
    raise AssertionError("this test needs a second CPython >= 3.9 (python3.X on PATH or pyenv)")


def test_library_needs_no_python(tmp_path):
    ffi = rcffi.FFI()
    ffi.cdef("int add(int, int);")
    ffi.set_source("_portable_probe", "static int add(int a, int b) { return a + b; }")
    ffi.compile(tmpdir=str(tmp_path))
    library = tmp_path / "_portable_probe.rcffi.so"
    symbols = subprocess.run(["nm", "-D", str(library)], capture_output=True, text=True,
                             check=True).stdout
    assert "_rcffi_table__portable_probe" in symbols
    assert not [line for line in symbols.splitlines() if " Py" in line or "_Py" in line]


@pytest.mark.timeout(600)  # builds a wheel and two virtual environments
def test_module_imports_under_another_python(tmp_path):
    exe = other_python()
    ffi = rcffi.FFI()
    ffi.cdef("int add(int, int); struct pt { int y; ...; };")
    ffi.set_source("_portable", "struct pt { long x; int y; };\n"
                   "static int add(int a, int b) { return a + b; }")
    ffi.compile(tmpdir=str(tmp_path / "mod"))
    # rcffi itself is built for the other interpreter; the module is not rebuilt.
    venv = tmp_path / "venv"
    subprocess.run([exe, "-m", "venv", str(venv)], check=True, timeout=300)
    vpy = venv / "bin" / "python"
    maturin = Path(sys.executable).with_name("maturin")
    wheels = tmp_path / "wheels"
    subprocess.run([str(maturin), "build", "--quiet", "--profile", "dev", "--auditwheel", "skip", "-i", str(vpy),
                    "--out", str(wheels)], check=True, cwd=str(ROOT), timeout=900,
                   env=dict(os.environ, CARGO_TARGET_DIR=str(ROOT / "target" / "portability")))
    wheel = next(wheels.glob("rcffi-*.whl"))
    subprocess.run([str(vpy), "-m", "pip", "install", "--quiet", "--no-deps", str(wheel)],
                   check=True, timeout=300)
    before = sorted(p.name for p in (tmp_path / "mod").iterdir())
    code = textwrap.dedent("""
        import sys
        from _portable import ffi, lib
        print(sys.version_info[:2] != (%d, %d), lib.add(40, 2), ffi.sizeof("struct pt"))
    """ % sys.version_info[:2])
    out = subprocess.run([str(vpy), "-c", code], cwd=str(tmp_path / "mod"),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["True", "42", "16"]
    assert sorted(p.name for p in (tmp_path / "mod").iterdir()) == before
    importlib.invalidate_caches()
