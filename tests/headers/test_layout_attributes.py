"""Layout attributes in cdef(): honoured as gcc does (the differential test
against gcc is crates/rcffi-core/tests/attributes_vs_gcc.rs), or refused."""

import pytest

from rcffi import CDefError, FFI


def test_packed_struct_has_gcc_layout():
    ffi = FFI()
    ffi.cdef("struct s { char a; int b; } __attribute__((packed));")
    assert ffi.sizeof("struct s") == 5
    assert ffi.offsetof("struct s", "b") == 1
    assert ffi.alignof("struct s") == 1


def test_aligned_members_and_records():
    ffi = FFI()
    ffi.cdef("struct t { char a; int b __attribute__((aligned(8))); } __attribute__((__aligned__(32)));"
             "struct u { char a; short b __attribute__((__packed__)); };")
    assert (ffi.offsetof("struct t", "b"), ffi.sizeof("struct t"), ffi.alignof("struct t")) == (8, 32, 32)
    assert (ffi.offsetof("struct u", "b"), ffi.sizeof("struct u")) == (1, 3)


def test_pragma_pack_push_and_pop():
    ffi = FFI()
    ffi.cdef("#pragma pack(push, 2)\nstruct p { char a; long b; };\n#pragma pack(pop)\n"
             "struct q { char a; long b; };")
    assert ffi.sizeof("struct p") == 10
    assert ffi.sizeof("struct q") == 16


def test_mode_changes_the_type():
    ffi = FFI()
    ffi.cdef("typedef int i8 __attribute__((__mode__(__QI__)));"
             "typedef unsigned u64 __attribute__((mode(DI)));")
    assert ffi.typeof("i8") is ffi.typeof("signed char")
    assert ffi.typeof("u64") is ffi.typeof("unsigned long")


def test_neutral_attributes_are_ignored():
    ffi = FFI()
    ffi.cdef("int f(const char *, ...) __attribute__((__format__(__printf__, 1, 2), __nonnull__(1)));"
             "struct __attribute__((__deprecated__)) d { int x; } __attribute__((visibility(\"default\")));")
    assert ffi.sizeof("struct d") == 4


def test_unknown_attribute_that_may_change_layout_is_named():
    ffi = FFI()
    with pytest.raises(CDefError, match="unsupported attribute 'vector_size'") as e:
        ffi.cdef("typedef int v4si __attribute__((vector_size(16)));")
    assert ":1:" in str(e.value)
