"""cffi's own front end running on rcffi's backend: cffi.FFI(backend=rcffi._backend).

cffi keeps one process-wide type cache for every backend that is a module, so a
process that also uses cffi's own backend (as the differential tests do) would
mix the two. Each check therefore runs in a fresh interpreter.
"""

import subprocess
import sys

import pytest

PRELUDE = '''
import cffi
import rcffi._backend

ffi = cffi.FFI(backend=rcffi._backend)
assert ffi._backend is rcffi._backend
ffi.cdef("""
    size_t strlen(const char *);
    int abs(int);
    double cos(double);
    typedef struct { int x, y; } point_t;
    struct bits { int a:3; unsigned c:4; };
    enum color { RED, GREEN = 5 };
    void qsort(void *, size_t, size_t, int(*)(const void *, const void *));
    int snprintf(char *, size_t, const char *, ...);
""")
lib = ffi.dlopen(None)
'''

CHECKS = {
    "calls": '''
assert lib.strlen(b"hello") == 5 and lib.abs(-4) == 4 and lib.cos(0.0) == 1.0
buf = ffi.new("char[32]")
lib.snprintf(buf, 32, b"%d-%s", ffi.cast("int", 7), ffi.new("char[]", b"x"))
assert ffi.string(buf) == b"7-x"
''',
    "new_fields_and_layout": '''
p = ffi.new("point_t *", [1, 2])
p.y = 7
assert (p.x, p.y) == (1, 7) and ffi.sizeof("point_t") == 8
assert ffi.offsetof("point_t", "y") == 4
assert repr(p) == "<cdata 'point_t *' owning 8 bytes>", repr(p)
b = ffi.new("struct bits *")
b.a, b.c = -2, 9
assert (b.a, b.c) == (-2, 9)
assert isinstance(p, ffi.CData) and isinstance(ffi.typeof(p), ffi.CType)
''',
    "cast_enum_string_buffer": '''
assert int(ffi.cast("int", 42)) == 42 and lib.RED == 0 and lib.GREEN == 5
assert ffi.string(ffi.cast("enum color", 5)) == "GREEN"
assert ffi.string(ffi.new("char[]", b"hi")) == b"hi"
assert bytes(ffi.buffer(ffi.new("char[]", b"abc"))) == b"abc\\x00"
''',
    "callbacks": '''
@ffi.callback("int(const void *, const void *)")
def cmp(a, b):
    x, y = ffi.cast("int *", a)[0], ffi.cast("int *", b)[0]
    return (x > y) - (x < y)

arr = ffi.new("int[]", [5, 3, 9, 1])
lib.qsort(arr, 4, ffi.sizeof("int"), cmp)
assert list(arr) == [1, 3, 5, 9]
''',
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_cffi_front_end_on_rcffi_backend(name):
    out = subprocess.run([sys.executable, "-c", PRELUDE + CHECKS[name] + "\nprint('ok')\n"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0 and out.stdout.strip() == "ok", out.stderr
