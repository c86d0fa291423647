"""Builds rcffi's sdist, builds a wheel from that sdist as a fresh machine would
(pip, isolated build: only Rust, a C compiler and libffi), checks what the wheel
carries, installs it into a new virtual environment and uses it there.

    python tools/check_package.py            # make package

Exits non-zero, naming the problem, when anything is missing.
"""

import email.parser
import glob
import os
import subprocess
import sys
import tempfile
import zipfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Reused between local runs so a second check does not rebuild every crate.
TARGET = os.path.join(ROOT, "build", "package-target")

REQUIRED_FILES = ["rcffi/__init__.py", "rcffi/py.typed", "rcffi/api.pyi", "rcffi/_backend.pyi",
                  "rcffi/ctypes/__init__.py", "rcffi/configure.py", "rcffi/embedding.py"]
REQUIRED_METADATA = ["Name", "Version", "Summary", "Requires-Python", "License", "Classifier",
                     "Project-URL", "Description-Content-Type"]
SMOKE = """
import rcffi, rcffi.ctypes as ctypes
ffi = rcffi.FFI()
ffi.cdef("int abs(int); struct pt { int x, y; };")
assert ffi.dlopen(None).abs(-7) == 7
p = ffi.new("struct pt *", [1, 2])
assert (p.x, p.y, ffi.sizeof("struct pt")) == (1, 2, 8)
libc = ctypes.CDLL(None)
libc.labs.argtypes, libc.labs.restype = [ctypes.c_long], ctypes.c_long
assert libc.labs(-9) == 9
print("ok", rcffi.__file__)
"""


def run(command, **kw):
    shown = " ".join(command)
    print("+", shown if len(shown) < 200 else shown[:200] + " ...", flush=True)
    return subprocess.run(command, check=True, **kw)


def fail(message):
    print("package check failed: " + message, file=sys.stderr)
    sys.exit(1)


def check_wheel(wheel):
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        info = next(n for n in names if n.endswith(".dist-info/METADATA"))
        metadata = email.parser.Parser().parsestr(z.read(info).decode())
        entry_points = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), None)
        entry_text = z.read(entry_points).decode() if entry_points else ""
    missing = [f for f in REQUIRED_FILES if f not in names]
    if not any(n.startswith("rcffi/_backend") and n.endswith(".so") for n in names):
        missing.append("rcffi/_backend*.so")
    if missing:
        fail("the wheel lacks %s" % ", ".join(missing))
    absent = [field for field in REQUIRED_METADATA if not metadata.get_all(field)]
    if absent:
        fail("the wheel's metadata lacks %s" % ", ".join(absent))
    if "cffi_modules" not in entry_text or "rcffi_modules" not in entry_text:
        fail("the wheel does not register the setuptools keywords")
    if "rcffi" not in metadata.get_payload():
        fail("the wheel's description is not the README")
    print("wheel contents and metadata: ok (%d files)" % len(names))


def check_libffi_link(site):
    (backend,) = glob.glob(os.path.join(site, "rcffi", "_backend*.so"))
    needed = run(["readelf", "-d", backend], capture_output=True, text=True).stdout
    if "libffi.so" not in needed:
        fail("rcffi._backend does not link the system's libffi:\n" + needed)
    print("rcffi._backend links the system libffi: ok")


def main():
    with tempfile.TemporaryDirectory(prefix="rcffi-package-") as tmp:
        dist = os.path.join(tmp, "dist")
        run([sys.executable, "-m", "maturin", "sdist", "-o", dist], cwd=ROOT)
        (sdist,) = glob.glob(os.path.join(dist, "*.tar.gz"))
        env = dict(os.environ, CARGO_TARGET_DIR=TARGET)
        env.pop("VIRTUAL_ENV", None)
        run([sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", dist, sdist],
            env=env)
        (wheel,) = glob.glob(os.path.join(dist, "*.whl"))
        check_wheel(wheel)
        venv = os.path.join(tmp, "venv")
        run([sys.executable, "-m", "venv", venv])
        python = os.path.join(venv, "bin", "python")
        run([python, "-m", "pip", "install", "--quiet", "--no-deps", wheel])
        site = run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                   capture_output=True, text=True).stdout.strip()
        check_libffi_link(site)
        done = run([python, "-c", SMOKE], capture_output=True, text=True, cwd=tmp)
        if not done.stdout.startswith("ok " + site):
            fail("the installed wheel is not the one imported: " + done.stdout)
        print("installed wheel works in a fresh venv: ok")


if __name__ == "__main__":
    main()
