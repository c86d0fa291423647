"""Types die when no FFI, ctype or cdata refers to them (issue #17, item 6):
the process-wide type table frees what nothing uses, and keeps what something
still does working."""

import gc
import weakref

import rcffi
from rcffi import _backend

STRUCTS = " ".join("struct s%d { int a; double b[%d]; };" % (k, k + 1) for k in range(50))


def collect():
    gc.collect()
    result = _backend._collect_types()
    assert result is not None, "nothing holds the table here: a collection must run"
    return result


def test_a_ctype_nothing_refers_to_dies():
    ffi = rcffi.FFI()
    ffi.cdef("struct foo_s { int x; };")
    w_struct = weakref.ref(ffi.typeof("struct foo_s"))
    w_ptr2 = weakref.ref(ffi.typeof("unsigned short * *"))
    keep = ffi.typeof("unsigned short *")
    del ffi
    gc.collect()
    assert w_struct() is None
    assert w_ptr2() is None
    # A ctype still referred to is the one every FFI finds.
    assert rcffi.FFI().typeof("unsigned short *") is keep


def test_the_types_of_dropped_ffis_are_freed():
    rcffi.FFI().cdef(STRUCTS)  # the primitives and arrays it interns, once
    _, live_before = collect()
    for _ in range(20):
        rcffi.FFI().cdef(STRUCTS)
    freed, live_after = collect()
    assert freed >= 20 * 50
    # The 50 arrays of doubles are built on a primitive and stay interned.
    assert live_after <= live_before + 50


def test_a_cdata_keeps_its_struct_after_its_ffi_is_gone():
    ffi = rcffi.FFI()
    ffi.cdef("struct pt { int x; long y[2]; struct pt *next; };")
    p = ffi.new("struct pt *", {"x": 7, "y": [8, 9]})
    p.next = p
    del ffi
    for _ in range(5):
        rcffi.FFI().cdef(STRUCTS)
    collect()
    assert (p.x, list(p.y), p.next.next.x) == (7, [8, 9], 7)
    ct = rcffi.FFI().typeof(p)
    assert ct.cname == "struct pt *"
    assert [name for name, _ in ct.item.fields] == ["x", "y", "next"]
    assert ct.item.fields[2][1].type.item is ct.item


def test_freed_ids_are_reused_without_mixing_types_up():
    kept = rcffi.FFI()
    kept.cdef("typedef struct { char c; double d; } kept_t; enum colour { RED = 3 };")
    for _ in range(5):
        rcffi.FFI().cdef(STRUCTS)
    collect()
    # New types take the freed ids; the kept ones are what they were.
    for _ in range(5):
        rcffi.FFI().cdef(STRUCTS)
    assert kept.sizeof("kept_t") == 16
    assert kept.offsetof("kept_t", "d") == 8
    assert kept.typeof("kept_t").cname == "kept_t"
    assert kept.typeof("enum colour").relements == {"RED": 3}
    assert kept.cast("enum colour", 3) != kept.cast("enum colour", 4)
    fresh = rcffi.FFI()
    fresh.cdef("struct s7 { int a; double b[8]; };")
    assert fresh.sizeof("struct s7") == 72


def test_an_included_ffi_keeps_its_types_for_the_includer():
    base = rcffi.FFI()
    base.cdef("struct base_s { short a, b; }; typedef struct base_s base_t;")
    user = rcffi.FFI()
    user.include(base)
    user.cdef("struct user_s { base_t inner; int c; };")
    del base
    collect()
    assert user.sizeof("struct user_s") == 8
    assert user.new("struct user_s *", {"inner": {"b": 5}}).inner.b == 5


def test_a_function_and_its_callback_type_survive_their_ffi():
    ffi = rcffi.FFI()
    ffi.cdef("struct arg { int v; }; int abs(int);")
    lib = ffi.dlopen(None)
    absf = lib.abs
    cb = ffi.callback("int(*)(struct arg *)", lambda p: p.v * 2)
    arg = ffi.new("struct arg *", [21])
    del ffi, lib
    collect()
    assert absf(-4) == 4
    assert cb(arg) == 42
    assert "struct arg *" in repr(cb)


def test_a_struct_that_points_to_itself_is_freed_with_its_ffi():
    ffi = rcffi.FFI()
    ffi.cdef("struct node { struct node *next; int v; };")
    n = ffi.new("struct node *", {"v": 1})
    assert n.next == ffi.NULL
    w = weakref.ref(ffi.typeof("struct node"))
    del ffi, n
    gc.collect()
    assert w() is None


def test_derived_types_live_with_the_types_they_come_from():
    """An array keeps the pointer type it decays to and the `T[]` of its
    slices, and a pointer the `T[]` of its slices, so `arr + n` and
    `p[a:b]` find them; a pointer and its `T[]` refer to each other, and the
    collector frees the pair with the struct they are built on."""
    ffi = rcffi.FFI()
    ffi.cdef("struct cell { int v; };")
    arr = ffi.new("struct cell[4]")
    p = arr + 1
    assert ffi.typeof(p) is ffi.typeof("struct cell *")
    assert ffi.typeof(arr[1:3]) is ffi.typeof("struct cell[]")
    assert ffi.typeof(p[0:2]) is ffi.typeof("struct cell[]")
    assert ffi.typeof(arr[0:2][0:1]) is ffi.typeof("struct cell[]")
    w_cell, w_pointer = weakref.ref(ffi.typeof("struct cell")), weakref.ref(ffi.typeof(p))
    w_open = weakref.ref(ffi.typeof(p[0:1]))
    del ffi, arr, p
    gc.collect()
    assert (w_cell(), w_pointer(), w_open()) == (None, None, None)
