"""ffi.verify(): the deprecated in-line API mode."""

import pytest


def test_verify_compiles_and_fills_the_ffi(ffi, tmp_path):
    ffi.cdef("struct pt { int y; ...; }; int add(int, int); #define K ...".replace("; #", ";\n#"))
    with pytest.warns(DeprecationWarning, match="set_source"):
        lib = ffi.verify("struct pt { long x; int y; };\nstatic int add(int a, int b) { return a + b; }"
                         "\n#define K 11", tmpdir=str(tmp_path))
    assert lib.add(2, 3) == 5 and lib.K == 11
    assert ffi.sizeof("struct pt") == 16 and ffi.offsetof("struct pt", "y") == 8


def test_verify_reports_compile_errors(ffi, tmp_path):
    from rcffi import VerificationError

    ffi.cdef("int missing_function(int);")
    with pytest.warns(DeprecationWarning), pytest.raises(VerificationError):
        ffi.verify("int broken(", tmpdir=str(tmp_path))
