"""Struct, union and enum naming: typedef names, anonymous numbering (vs cffi)."""

import pytest

NAMING = """
    typedef struct named_s { int a; } named_t;
    typedef struct fs_t fs_t;
    typedef struct n2 *n2p, n2_t;
    typedef struct n3 n3_t, *n3p;
    typedef struct n4 *n4p;
    typedef struct n4 n4_t;
    typedef struct n4 n4_again;
    typedef union u_s { int q; } u_t;
    typedef union fu_t fu_t;
    typedef enum e_s { E1 } e_t;
    typedef named_t alias_t;
    typedef struct { int x; } a_t, b_t;
    typedef struct { struct { int i; } in; union { int j; } un; } *out_p, out_t;
    enum { K1 };
    typedef enum fe_t { F1 } fe_t;
    typedef enum { L1 } *ep_t, e2_t;
    typedef struct { int z; } const c_t;
    typedef const struct { int z; } c2_t;
    typedef struct { int w; } arr_t[3];
    typedef ... opq_t;
    typedef ... *opq_p;
    extern struct { int g; } *gp;
    int f(struct { int b; } *);
"""

NAMES = [
    "struct named_s", "named_t", "struct named_s *", "fs_t", "struct fs_t", "struct n2", "n2_t",
    "n2p", "struct n3", "n3p", "struct n4", "n4p", "n4_again", "union u_s", "u_t", "fu_t",
    "union fu_t", "enum e_s", "e_t", "fe_t", "enum fe_t", "alias_t", "a_t", "b_t", "out_p",
    "out_t", "ep_t", "e2_t", "c_t", "c2_t", "arr_t", "opq_t", "opq_p",
]


@pytest.mark.parametrize("cdecl", NAMES)
def test_reprs_and_cnames_match_cffi(both, cdecl):
    r, c = both
    r.cdef(NAMING)
    c.cdef(NAMING)
    rt, ct = r.typeof(cdecl), c.typeof(cdecl)
    assert (repr(rt), rt.cname, rt.kind) == (repr(ct), ct.cname, ct.kind)


def test_member_and_argument_types_are_numbered_like_cffi(both):
    r, c = both
    r.cdef(NAMING)
    c.cdef(NAMING)
    def members(ffi):
        return [(n, f.type.cname) for n, f in ffi.typeof("out_t").fields]

    assert members(r) == members(c) == [("in", "struct $2"), ("un", "union $3")]
    assert r.list_types() == c.list_types()


def test_numbering_is_per_ffi_and_goes_on_across_cdefs(both):
    r, c = both
    for ffi in (r, c):
        ffi.cdef("typedef struct { int a; } *p1;")
        ffi.cdef("typedef struct { int b; } *p2;")
    assert [r.typeof(n).cname for n in ("p1", "p2")] == [c.typeof(n).cname for n in ("p1", "p2")]
    assert r.typeof("p2").cname == "struct $2 *"
    other = type(r)()
    other.cdef("typedef struct { int a; } *p1;")
    assert other.typeof("p1").cname == "struct $1 *"
    assert other.typeof("p1") is not r.typeof("p1")


def test_rename_updates_pointer_names_already_printed(both):
    r, c = both
    for ffi in (r, c):
        ffi.cdef("struct later; typedef struct later *later_p;")
    assert r.typeof("struct later").cname == "struct later"
    r.cdef("typedef struct later later_t;")
    c.cdef("typedef struct later later_t;")
    # A fresh type string sees the new name in both.
    assert r.typeof("struct later **").cname == c.typeof("struct later **").cname == "later_t * *"
