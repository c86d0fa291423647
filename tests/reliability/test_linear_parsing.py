"""cdef() time grows linearly with the size of a declaration (issue #17): a
struct of 100,000 members took minutes when each member was checked against
all earlier ones and when names sharing a prefix shared hash buckets.

No time is asserted: the sizes are chosen so that a quadratic parse takes far
longer than pytest-timeout allows, while a linear one takes seconds."""

import pytest

import rcffi
from rcffi import CDefError

MEMBERS = 400_000


@pytest.mark.timeout(60)
def test_a_struct_of_400000_members():
    ffi = rcffi.FFI()
    ffi.cdef("struct big { %s };" % " ".join("int f%d;" % i for i in range(MEMBERS)))
    assert ffi.sizeof("struct big") == 4 * MEMBERS
    assert ffi.offsetof("struct big", "f%d" % (MEMBERS - 1)) == 4 * (MEMBERS - 1)
    p = ffi.new("struct big *")
    p.f123456 = 7
    assert ffi.cast("int *", p)[123456] == 7


@pytest.mark.timeout(60)
def test_a_duplicate_among_400000_members_is_still_found():
    names = ["m%d" % i for i in range(MEMBERS)] + ["m399998"]
    with pytest.raises(CDefError, match="duplicate field name 'm399998'"):
        rcffi.FFI().cdef("struct big { %s };" % " ".join("char %s;" % n for n in names))


@pytest.mark.timeout(60)
def test_400000_functions_and_typedefs_sharing_a_prefix():
    ffi = rcffi.FFI()
    ffi.cdef("\n".join("typedef int t_%d; t_%d fn_%d(t_%d);" % (i, i, i, i)
                       for i in range(MEMBERS // 2)))
    assert ffi.typeof("t_199999").cname == "int"
    assert ffi.getctype(ffi.typeof("t_5")) == "int"


@pytest.mark.timeout(60)
@pytest.mark.parametrize("spell", ["cdef", "typeof"])
def test_array_dimensions_up_to_the_limit_and_far_beyond(spell):
    ffi = rcffi.FFI()

    def declare(n):
        if spell == "cdef":
            ffi.cdef("typedef int a%d_t%s;" % (n, "[1]" * n))
            return ffi.sizeof("a%d_t" % n)
        return ffi.sizeof("int" + "[1]" * n)

    assert declare(200) == 4
    # Far past the nesting limit: refused, and as fast as the text is read.
    with pytest.raises(CDefError, match="more than 200 levels"):
        declare(200_000)
