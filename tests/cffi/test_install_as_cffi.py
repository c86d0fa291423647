"""rcffi.install_as_cffi(): existing cffi code runs unchanged on rcffi."""

import subprocess
import sys
import textwrap


def run(code):
    out = subprocess.run([sys.executable, "-c", textwrap.dedent(code)],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return out.stdout


def test_import_cffi_gives_rcffi():
    out = run("""
        import rcffi
        rcffi.install_as_cffi()
        import cffi
        from cffi import FFI
        import _cffi_backend
        assert FFI is rcffi.FFI and _cffi_backend is rcffi._backend
        assert cffi.__version_info__ >= (1, 0)
        ffi = cffi.FFI()
        ffi.cdef("int abs(int);")
        print(ffi.dlopen(None).abs(-7), cffi.CDefError is rcffi.CDefError)
    """)
    assert out.split() == ["7", "True"]
