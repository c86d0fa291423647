"""API mode holds the cdef to what the C compiler says: a declaration the C
contradicts fails the build, or (where cffi waits until it is used) makes the
attribute raise ``ffi.error``; values only the C knows in full come from it."""

import sys

import pytest

import rcffi
from rcffi import VerificationError


def test_a_global_of_another_size_fails_the_build(build):
    with pytest.raises(VerificationError):
        build("extern short counter;", "long counter;")
    with pytest.raises(VerificationError):
        build("extern int table[4];", "int table[3];")
    lib = build("extern int table[4];", "int table[4] = {1, 2, 3, 4};").lib
    assert list(lib.table) == [1, 2, 3, 4]


def test_a_constant_the_c_contradicts_raises_only_when_read(build):
    m = build("#define WIDTH 80\n#define DEPTH 3\nstatic const int LEVEL = 7;",
              "#define WIDTH 81\n#define DEPTH 3\n#define LEVEL (-2)")
    assert m.lib.DEPTH == 3
    with pytest.raises(m.ffi.error) as e:
        m.lib.WIDTH
    assert str(e.value) == ("the C compiler says 'WIDTH' is equal to 81 (0x51), "
                            "but the cdef disagrees")
    with pytest.raises(m.ffi.error, match="'LEVEL' is equal to -2, but"):
        m.lib.LEVEL


def test_dotdotdot_constants_must_be_integers_in_c(build):
    # Refused when compiling, with the compiler's output naming the macro.
    with pytest.raises(VerificationError, match="'NAME' is not an integer type in C"):
        build("#define NAME ...", '#define NAME "a string, so a pointer"')
    with pytest.raises(VerificationError, match="'RATIO' is not an integer type in C"):
        build("#define RATIO ...", "#define RATIO 0.5")
    assert build("#define BIG ...", "#define BIG 0xffffffffffULL").lib.BIG == 0xffffffffff


def test_enumerators_and_enum_size_come_from_the_compiler(build):
    m = build("enum small { S0, S1, ... }; enum given { G0 }; typedef enum { T0, T1 } anon_t;",
              "enum small { S1, S0, SBIG = %d };\n"
              "enum given { G0 = -1 };\n"
              "typedef enum { T0, TX, T1 } anon_t;" % sys.maxsize)
    assert (m.lib.S0, m.lib.S1, m.lib.G0, m.lib.T1) == (1, 0, -1, 2)
    assert m.ffi.sizeof("enum small") == m.ffi.sizeof("long")
    assert m.ffi.sizeof("enum given") == m.ffi.sizeof("int")
    assert int(m.ffi.cast("enum given", -1)) == -1
    assert m.ffi.string(m.ffi.cast("anon_t", 2)) == "T1"


def test_numeric_typedefs_of_another_kind(build):
    with pytest.raises(VerificationError, match="'count_t' is not an integer type in C"):
        build("typedef int... count_t;", "typedef double count_t;")
    m = build("typedef double... real_t; real_t twice(real_t); int ok(void);",
              "typedef long real_t;\nreal_t twice(real_t x) { return 2 * x; }\n"
              "int ok(void) { return 5; }")
    assert m.lib.ok() == 5
    with pytest.raises(m.ffi.error, match="not a float type at all"):
        m.lib.twice
    m = build("typedef float... wide_t; wide_t neg(wide_t);",
              "typedef long double wide_t;\nwide_t neg(wide_t x) { return -x; }")
    with pytest.raises(m.ffi.error, match="'long double', not supported"):
        m.lib.neg


def test_partial_struct_fields_of_another_kind_fail_the_build(build):
    with pytest.raises(VerificationError):
        build("struct m { int v; ...; };", "struct m { float v; };")
    with pytest.raises(VerificationError):
        build("struct m { double v; ...; };", "struct m { long v; };")
    m = build("struct m { long v; ...; };", "struct m { char pad; long v; };")
    assert m.ffi.offsetof("struct m", "v") == 8


@pytest.mark.parametrize("cdef", ["typedef long double... t;", "typedef void... t;",
                                  "typedef _Bool... t;"])
def test_dotdotdot_only_after_int_float_or_double(cdef):
    with pytest.raises(rcffi.CDefError, match="can only follow"):
        rcffi.FFI().cdef(cdef)


def test_bitfields_in_a_partial_struct_are_not_implemented():
    with pytest.raises(NotImplementedError, match="bit-field 'a'"):
        rcffi.FFI().cdef("struct b { int a:2; ...; };")


def test_sources_can_test_the_cffi_macro(build):
    assert build("#define UNDER_CFFI 1", "#ifdef _CFFI_\n#define UNDER_CFFI 1\n#endif"
                 ).lib.UNDER_CFFI == 1


FULL = "struct rec { char tag; int count; long *items; };"


WAY_OUT = ('. fix it or use "...;" as the last field of struct rec in the cdef: '
           "it then takes the compiler's layout")


def test_a_full_struct_must_have_the_cdef_layout(build):
    m = build(FULL, "struct rec { char tag; int count; long *items; };")
    assert m.ffi.sizeof("struct rec") == 16
    # The module loads; the struct fails when used, as in cffi.
    m = build(FULL + " int other(void);",
              "struct rec { int count; char tag; long *items; };\n"
              "int other(void) { return 5; }")
    assert m.lib.other() == 5
    with pytest.raises(m.ffi.error) as e:
        m.ffi.new("struct rec *")
    assert str(e.value) == ("struct rec: wrong offset for field 'tag' "
                            "(cdef says 0, but C compiler says 4)" + WAY_OUT)
    with pytest.raises(m.ffi.error, match="wrong offset for field 'tag'"):
        m.ffi.sizeof("struct rec[2]")
    m = build(FULL, "struct rec { char tag; int count; long *items; char more; };")
    with pytest.raises(rcffi.FFIError) as e:
        m.ffi.sizeof("struct rec")
    assert str(e.value) == ("struct rec: wrong total size (cdef says 16, but C compiler says 24)"
                            + WAY_OUT)
    m = build(FULL + " struct rec *first(void);",
              "struct rec { char tag; short pad; short count; long *items; };\n"
              "struct rec *first(void) { return 0; }")
    with pytest.raises(m.ffi.error, match="wrong size for field 'count' "
                       r"\(cdef says 4, but C compiler says 2\)"):
        m.lib.first()


def test_full_struct_members_of_another_type_or_missing_fail_the_build(build):
    for source in ["struct rec { char tag; int count; int *items; };",
                   "struct rec { char tag; float count; long *items; };",
                   "struct rec { int count; long *items; };"]:
        with pytest.raises(VerificationError):
            build(FULL, source)
    with pytest.raises(VerificationError):
        build("struct arr { int a[5]; };", "struct arr { int a[6]; };")
    nested = "struct n { struct { int a; char b; }; union { char c, d; }; };"
    assert build(nested, nested).ffi.offsetof("struct n", "c") == 8
    with pytest.raises(VerificationError):
        build(nested, "struct n { struct { int a; short b; }; union { char c, d; }; };")


def test_an_enumerator_given_as_dotdotdot_is_one_of_the_enum(build):
    m = build("enum ee { E1, E2 = ..., E3 };", "enum ee { E1 = 10, E2, E3 = -10, E4 };")
    assert m.ffi.string(m.ffi.cast("enum ee", 11)) == "E2"
    assert m.ffi.string(m.ffi.cast("enum ee", -10)) == "E3"
    assert m.lib.E2 == 11


def test_opaque_results_are_refused_before_compiling(build):
    for cdef in ["struct later make(int);", "typedef ... handle_t; handle_t open_one(void);"]:
        with pytest.raises(TypeError, match="is used as result type, but is opaque"):
            build(cdef, "this source is never compiled")


def test_globals_and_constants_of_opaque_types(build):
    m = build("typedef ... blob_t; extern blob_t data; typedef ... num_t; const num_t FIXED;",
              'typedef char blob_t[4]; blob_t data = "abc";\n'
              "typedef int num_t; const num_t FIXED = 7;")
    with pytest.raises(TypeError, match="cdata 'blob_t' is opaque"):
        m.lib.data
    with pytest.raises(TypeError, match="'blob_t' is opaque"):
        m.lib.data = b"zzz"
    assert m.ffi.string(m.ffi.cast("char *", m.ffi.addressof(m.lib, "data"))) == b"abc"
    with pytest.raises(m.ffi.error, match="constant 'FIXED' is of type 'num_t', whose size"):
        m.lib.FIXED


def test_an_abi_module_cannot_hold_a_partial_enum(tmp_path):
    ffi = rcffi.FFI()
    ffi.cdef("enum colour { RED, GREEN, ... };")
    ffi.set_source("_abi_partial_enum", None)
    with pytest.raises(rcffi.VerificationMissing, match="enum colour"):
        ffi.emit_python_code(str(tmp_path / "_abi_partial_enum.py"))


def test_an_enumerator_in_two_enums_is_accepted_but_no_c_can_match_it(build):
    ffi = rcffi.FFI()
    ffi.cdef("enum first { SHARED, ONLY_FIRST }; enum second { SHARED };")
    assert ffi.integer_const("SHARED") == 0
    with pytest.raises(rcffi.CDefError, match="'ONLY_FIRST' is already declared"):
        ffi.cdef("enum third { ONLY_FIRST = 5 };")
    with pytest.raises(VerificationError, match="'SHARED' is declared in 'enum e1' and in 'enum e2'"):
        build("enum e1 { SHARED, ... }; enum e2 { SHARED, ... };",
              "enum e1 { SHARED }; enum e2 { OTHER };")


def test_a_global_of_a_const_typedef_is_a_constant(build):
    m = build("typedef const int fixed_t; fixed_t answer; typedef char *const cp_t; cp_t word;",
                'typedef const int fixed_t;\n#define answer 42\n'
                'typedef char *const cp_t;\n#define word ((char *)"hi")')
    lib = m.lib
    assert lib.answer == 42
    assert m.ffi.string(lib.word) == b"hi"
    with pytest.raises(AttributeError):
        lib.answer = 43


def test_an_unnamable_argument_type_says_where_it_is_used(build):
    with pytest.raises(VerificationError) as e:
        build("typedef struct { int x; } **pp_t; void take(pp_t);",
              "typedef struct { int x; } **pp_t; void take(pp_t p) { (void)p; }")
    assert "cannot generate 'struct $1 * *' in argument of take: unknown type name" in str(e.value)


def test_an_anonymous_dotdotdot_member_gives_its_parent_the_compilers_layout(build):
    m = build("struct holder { struct { char last; ...; }; int count; };",
              "struct holder { long first; char last; int count; };")
    assert m.ffi.sizeof("struct holder") == m.ffi.sizeof("long") * 2
    p = m.ffi.new("struct holder *")
    p.count = 7
    assert p.count == 7
    assert m.ffi.offsetof("struct holder", "count") == m.ffi.sizeof("long") + 4


def test_a_member_of_an_opaque_type_is_refused_before_compiling(tmp_path):
    ffi = rcffi.FFI()
    ffi.cdef("struct inner; struct outer { int n; struct inner in[2]; };")
    # The source does not compile: the refusal comes first, as cffi's.
    ffi.set_source("_opaque_member", "this is not C")
    with pytest.raises(TypeError) as e:
        ffi.compile(tmpdir=str(tmp_path))
    assert str(e.value) == (
        "struct outer: field 'outer.in' is of an opaque type (not declared in cdef())")
    assert not (tmp_path / "_opaque_member.c").exists()
