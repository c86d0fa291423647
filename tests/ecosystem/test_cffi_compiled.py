"""Extension modules compiled by cffi (API mode: ``set_source(name, source)``
and ``compile()``) import and run with rcffi standing in for cffi: every probe
prints the same lines on cffi and on rcffi."""

from ecosystem import compile_with_cffi, run, same_on_both

SCALARS_CDEF = """
    typedef int... myint_t;
    int8_t f_i8(int8_t); uint8_t f_u8(uint8_t); int16_t f_i16(int16_t);
    uint16_t f_u16(uint16_t); int32_t f_i32(int32_t); uint32_t f_u32(uint32_t);
    int64_t f_i64(int64_t); uint64_t f_u64(uint64_t); myint_t f_my(myint_t);
    long f_long(long); unsigned long long f_ull(unsigned long long); size_t f_size(size_t);
    char f_char(char); signed char f_schar(signed char); wchar_t f_wchar(wchar_t);
    char16_t f_c16(char16_t); char32_t f_c32(char32_t); _Bool f_bool(_Bool);
    float f_float(float); double f_double(double, double); long double f_ld(long double);
    int *f_ptr(int *); const char *f_str(const char *); void *f_void(void *);
    enum e { E0, E1 = 10 }; enum e f_enum(enum e);
    int f_noargs(void); void f_void_result(int *);
"""

SCALARS_SOURCE = """
    #include <uchar.h>
    typedef long myint_t;
    int8_t f_i8(int8_t x) { return x - 1; } uint8_t f_u8(uint8_t x) { return x + 1; }
    int16_t f_i16(int16_t x) { return -x; } uint16_t f_u16(uint16_t x) { return x * 2; }
    int32_t f_i32(int32_t x) { return x + 7; } uint32_t f_u32(uint32_t x) { return ~x; }
    int64_t f_i64(int64_t x) { return x * 3; } uint64_t f_u64(uint64_t x) { return x - 1; }
    myint_t f_my(myint_t x) { return x * 2; }
    long f_long(long x) { return x; } unsigned long long f_ull(unsigned long long x) { return x; }
    size_t f_size(size_t x) { return x + 1; }
    char f_char(char c) { return c + 1; } signed char f_schar(signed char c) { return -c; }
    wchar_t f_wchar(wchar_t c) { return c + 1; }
    char16_t f_c16(char16_t c) { return c + 1; } char32_t f_c32(char32_t c) { return c + 1; }
    _Bool f_bool(_Bool b) { return !b; }
    float f_float(float x) { return x / 4; } double f_double(double a, double b) { return a * b; }
    long double f_ld(long double x) { return x * 3; }
    int *f_ptr(int *p) { return p + 1; } const char *f_str(const char *s) { return s + 1; }
    void *f_void(void *p) { return p; }
    enum e { E0, E1 = 10 }; enum e f_enum(enum e x) { return x == E0 ? E1 : E0; }
    int f_noargs(void) { return 99; } void f_void_result(int *p) { *p = 5; }
"""


def test_scalar_functions_convert_as_on_cffi(tmp_path):
    compile_with_cffi(tmp_path, "_c_scalars", SCALARS_CDEF, SCALARS_SOURCE)
    same_on_both(tmp_path, """
        from _c_scalars import ffi, lib
        print(lib.f_i8(-128 + 1), lib.f_u8(254), lib.f_i16(300), lib.f_u16(1000))
        print(lib.f_i32(-7), lib.f_u32(0), lib.f_i64(2**40), lib.f_u64(2**64 - 1))
        print(lib.f_my(-21), lib.f_long(-2**63), lib.f_ull(2**64 - 1), lib.f_size(0))
        print(lib.f_char(b"a"), lib.f_schar(-5), lib.f_wchar("x"), lib.f_c16("y"),
              lib.f_c32("\\U0001F600"), lib.f_bool(False), lib.f_bool(1))
        print(lib.f_float(1.0), lib.f_double(1.5, 2), lib.f_ld(0.5), float(lib.f_ld(2)))
        print(lib.f_enum(lib.E0), lib.f_enum(10), lib.f_noargs(), ffi.sizeof("myint_t"))
        arr = ffi.new("int[3]", [1, 2, 3])
        print(lib.f_ptr(arr)[0], lib.f_ptr([7, 8])[0] is not None)
        print(ffi.string(lib.f_str(b"hello")), lib.f_void(ffi.NULL) == ffi.NULL)
        out = ffi.new("int *")
        print(lib.f_void_result(out), out[0])
        print(ffi.typeof(lib.f_i8), lib.f_double.__name__, ffi.addressof(lib, "f_i8") != ffi.NULL)
        for call in (lambda: lib.f_i8(128), lambda: lib.f_u8(-1), lambda: lib.f_u32(2**32),
                     lambda: lib.f_i64(2**63), lambda: lib.f_u64(-1), lambda: lib.f_i32(1.5),
                     lambda: lib.f_char("a"), lambda: lib.f_char(b"ab"), lambda: lib.f_bool(2),
                     lambda: lib.f_ptr(ffi.new("long *")), lambda: lib.f_str("text"),
                     lambda: lib.f_double("x", 1), lambda: lib.f_wchar(b"x"),
                     lambda: lib.f_i8(), lambda: lib.f_noargs(1), lambda: lib.f_double(1)):
            try:
                call()
            except (TypeError, OverflowError) as e:
                print(type(e).__name__)
    """)


RECORDS_CDEF = """
    struct pt { int x; double y; ...; };
    typedef struct { char c; short s[3]; } small_t;
    union u { int i; float f; };
    struct big { long a, b, c, d; small_t inner; };
    small_t make_small(char, short);
    double pt_sum(struct pt);
    struct pt pt_make(int, double);
    struct big big_twice(struct big);
    int big_sum(struct big *);
    float u_float(union u);
    int count(small_t *, int);
"""

RECORDS_SOURCE = """
    struct pt { long hidden; int x; char pad[5]; double y; };
    typedef struct { char c; short s[3]; } small_t;
    union u { int i; float f; };
    struct big { long a, b, c, d; small_t inner; };
    small_t make_small(char c, short s) { small_t r = { c, { s, s + 1, s + 2 } }; return r; }
    double pt_sum(struct pt p) { return p.x + p.y; }
    struct pt pt_make(int x, double y) { struct pt p = { 99, x, "", y }; return p; }
    struct big big_twice(struct big b) { b.a *= 2; b.d *= 2; b.inner.s[2] *= 2; return b; }
    int big_sum(struct big *b) { return (int)(b->a + b->b + b->c + b->d); }
    float u_float(union u v) { return v.f; }
    int count(small_t *items, int n) { int s = 0; for (int i = 0; i < n; i++) s += items[i].s[0]; return s; }
"""


def test_structs_unions_and_partial_layouts_come_from_the_compiler(tmp_path):
    compile_with_cffi(tmp_path, "_c_records", RECORDS_CDEF, RECORDS_SOURCE)
    same_on_both(tmp_path, """
        from _c_records import ffi, lib
        for t in ("struct pt", "small_t", "union u", "struct big"):
            ct = ffi.typeof(t)
            print(t, ffi.sizeof(t), ffi.alignof(t), [(n, f.offset) for n, f in ct.fields])
        s = lib.make_small(b"k", 40)
        print(s.c, list(s.s), ffi.typeof(s))
        p = lib.pt_make(3, 0.25)
        print(p.x, p.y, lib.pt_sum(p), lib.pt_sum({"x": 1, "y": 2.5}))
        b = ffi.new("struct big *", {"a": 1, "b": 2, "c": 3, "d": 4, "inner": {"s": [1, 2, 3]}})
        t = lib.big_twice(b[0])
        print(t.a, t.d, list(t.inner.s), lib.big_sum(b), lib.big_sum([{"a": 5, "d": 6}]))
        print(lib.u_float({"f": 1.5}), lib.count([{"s": [4]}, {"s": [5]}], 2))
        items = ffi.new("small_t[2]", [{"s": [7]}, {"s": [8]}])
        print(lib.count(items, 2), ffi.offsetof("struct big", "inner", "s"))
        try:
            lib.pt_sum(5)
        except TypeError as e:
            print("TypeError")
    """)


GLOBALS_CDEF = """
    #define ANSWER 42
    #define HEX 0xffffffff
    #define NEG -3
    #define NOT_IN_CDEF ...
    static const double PI;
    static const char *const GREETING;
    enum color { RED, GREEN = 5, BLUE };
    typedef enum { LOW = -1, HIGH = 1 } level_t;
    extern int counter;
    extern double ratio;
    extern int table[4];
    extern struct point { int x, y; } origin;
    extern const char *name;
    int bump(void);
"""

GLOBALS_SOURCE = """
    #define ANSWER 42
    #define HEX 0xffffffff
    #define NEG -3
    #define NOT_IN_CDEF (6 * 7 + 1)
    static const double PI = 3.25;
    static const char *const GREETING = "hi";
    enum color { RED, GREEN = 5, BLUE };
    typedef enum { LOW = -1, HIGH = 1 } level_t;
    int counter = 1;
    double ratio = 0.5;
    int table[4] = { 1, 2, 3, 4 };
    struct point { int x, y; } origin = { 3, 4 };
    const char *name = "rcffi";
    int bump(void) { return ++counter; }
"""


def test_globals_constants_and_enums(tmp_path):
    compile_with_cffi(tmp_path, "_c_globals", GLOBALS_CDEF, GLOBALS_SOURCE)
    same_on_both(tmp_path, """
        from _c_globals import ffi, lib
        print(lib.ANSWER, lib.HEX, lib.NEG, lib.NOT_IN_CDEF, lib.PI, ffi.string(lib.GREETING))
        print(lib.RED, lib.GREEN, lib.BLUE, lib.LOW, lib.HIGH, ffi.string(ffi.cast("enum color", 5)))
        print(lib.counter, lib.bump(), lib.counter, lib.ratio, list(lib.table))
        lib.counter = 10
        lib.ratio = 2.5
        lib.table[1] = 20
        print(lib.bump(), lib.ratio, list(lib.table), lib.origin.x, lib.origin.y)
        lib.origin.y = 9
        p = ffi.addressof(lib, "origin")
        print(p.y, ffi.string(lib.name), ffi.addressof(lib, "counter")[0])
        print(sorted(n for n in dir(lib) if not n.startswith("_")), lib.__name__)
        print(ffi.integer_const("ANSWER"), ffi.integer_const("GREEN"))
        for bad in (lambda: setattr(lib, "ANSWER", 1), lambda: lib.missing,
                    lambda: setattr(lib, "counter", "x")):
            try:
                bad()
            except (AttributeError, TypeError) as e:
                print(type(e).__name__)
    """)


CALLS_CDEF = """
    typedef int (*binop_t)(int, int);
    int apply(binop_t, int, int);
    struct pair { int a; long b; };
    extern "Python" {
        int py_add(int, int);
        double py_scale(double);
        void py_note(const char *);
        struct pair py_pair(struct pair, long double);
    }
    int use_add(int, int);
    double use_scale(double);
    void use_note(void);
    long use_pair(void);
    int format(char *, size_t, const char *, ...);
    int set_errno(int);
    int get_errno(void);
"""

CALLS_SOURCE = """
    #include <errno.h>
    typedef int (*binop_t)(int, int);
    struct pair { int a; long b; };
    int apply(binop_t f, int a, int b) { return f(a, b); }
    static int py_add(int, int);
    static double py_scale(double);
    static void py_note(const char *);
    static struct pair py_pair(struct pair, long double);
    int use_add(int a, int b) { return py_add(a, b); }
    double use_scale(double x) { return py_scale(x); }
    void use_note(void) { py_note("from C"); }
    long use_pair(void) { struct pair p = { 2, 3 }; struct pair r = py_pair(p, 1.5L); return r.a * 100 + r.b; }
    int format(char *out, size_t n, const char *fmt, ...) {
        va_list ap; va_start(ap, fmt); int r = vsnprintf(out, n, fmt, ap); va_end(ap); return r;
    }
    int set_errno(int v) { errno = v; return -1; }
    int get_errno(void) { return errno; }
"""


def test_callbacks_extern_python_varargs_and_errno(tmp_path):
    compile_with_cffi(tmp_path, "_c_calls", CALLS_CDEF, CALLS_SOURCE)
    same_on_both(tmp_path, """
        from _c_calls import ffi, lib
        print(lib.use_add(1, 2))
        @ffi.def_extern()
        def py_add(a, b):
            return a * 10 + b
        @ffi.def_extern(error=-1.0)
        def py_scale(x):
            if x < 0:
                raise ValueError("negative")
            return x * 2
        seen = []
        @ffi.def_extern(name="py_note")
        def note(s):
            seen.append(ffi.string(s))
        @ffi.def_extern()
        def py_pair(p, ld):
            return {"a": p.a + int(float(ld) * 2), "b": p.b * 2}
        print(lib.use_add(1, 2), lib.use_scale(1.25), lib.use_note(), seen, lib.use_pair())
        print(lib.use_scale(-1.0))
        print(lib.apply(lib.py_add, 3, 4), ffi.typeof(lib.py_add))
        cb = ffi.callback("int(int, int)", lambda a, b: a - b)
        print(lib.apply(cb, 10, 4))
        buf = ffi.new("char[64]")
        n = lib.format(buf, 64, b"%d-%s-%.1f", ffi.cast("int", 7), ffi.new("char[]", b"x"),
                       ffi.cast("double", 2.5))
        print(n, ffi.string(buf))
        print(lib.set_errno(7), ffi.errno)
        ffi.errno = 33
        print(lib.get_errno())
        for bad in (lambda: ffi.def_extern("nothing")(lambda: 0),
                    lambda: lib.format(buf, 64, b"%d", 5)):
            try:
                bad()
            except (TypeError, ffi.error) as e:
                print(isinstance(e, ffi.error), isinstance(e, TypeError))
    """)


def test_included_module_types_and_functions(tmp_path):
    base = ("_c_base", "typedef struct { int v; } box_t; int unbox(box_t *);\n#define BASE_K 3",
            "typedef struct { int v; } box_t; int unbox(box_t *b) { return b->v; }\n"
            "#define BASE_K 3")
    compile_with_cffi(tmp_path, "_c_top", "box_t *make_box(int); int twice(box_t);",
                      "typedef struct { int v; } box_t;\n"
                      "box_t *make_box(int v) { static box_t b; b.v = v; return &b; }\n"
                      "int twice(box_t b) { return 2 * b.v; }", include=base)
    same_on_both(tmp_path, """
        from _c_top import ffi, lib
        import _c_base
        b = lib.make_box(21)
        print(b.v, lib.twice(b[0]), _c_base.lib.unbox(b), ffi.sizeof("box_t"))
        print(lib.BASE_K, lib.unbox(ffi.new("box_t *", [5])), ffi.typeof("box_t *"))
        print(ffi.addressof(lib, "unbox") == ffi.addressof(_c_base.lib, "unbox"))
    """)


def test_the_lib_is_importable_as_a_module_and_reimport_works(tmp_path):
    compile_with_cffi(tmp_path, "_c_again", "int add(int, int);",
                      "int add(int a, int b) { return a + b; }")
    out = run(tmp_path, """
        import sys
        from _c_again.lib import add
        print(add(2, 3))
        del sys.modules["_c_again"], sys.modules["_c_again.lib"]
        import _c_again
        print(_c_again.lib.add(4, 5), repr(_c_again.lib))
        ffi = _c_again.ffi
    """, on_rcffi=True)
    assert out.split("\n")[:2] == ["5", "9 <Lib object for '_c_again'>"]


def test_the_backend_entry_refuses_what_no_module_passes(tmp_path):
    out = run(tmp_path, """
        import _cffi_backend
        try:
            _cffi_backend._init_cffi_1_0_external_module(0)
        except ImportError as e:
            print("ImportError")
        print(type(_cffi_backend._C_API).__name__)
        ffi = _cffi_backend.FFI()
    """, on_rcffi=True)
    assert out.split() == ["ImportError", "PyCapsule"]


def test_a_mismatched_define_raises_when_used(tmp_path):
    compile_with_cffi(tmp_path, "_c_mismatch", "#define K 5\nint f(void);",
                      "#define K 6\nint f(void) { return K; }")
    same_on_both(tmp_path, """
        from _c_mismatch import ffi, lib
        print(lib.f())
        try:
            lib.K
        except ffi.error as e:
            print(str(e))
    """)


def test_lib_functions_stand_for_function_pointers(tmp_path):
    compile_with_cffi(tmp_path, "_c_fnptr", "int add(int, int); int apply(int(*)(int, int), int, int);",
                      "int add(int a, int b) { return a + b; }\n"
                      "int apply(int(*f)(int, int), int a, int b) { return f(a, b); }")
    same_on_both(tmp_path, """
        from _c_fnptr import ffi, lib
        print(lib.apply(lib.add, 2, 3))
        slot = ffi.new("int(**)(int, int)")
        slot[0] = lib.add
        print(slot[0](1, 1), ffi.cast("void *", lib.add) == ffi.addressof(lib, "add"))
        print(ffi.cast("int(*)(int, int)", lib.add)(4, 5))
    """)


def test_extern_python_called_from_a_thread_python_never_saw(tmp_path):
    compile_with_cffi(tmp_path, "_c_thread",
                      'extern "Python" int on_tick(int);\nint run_in_thread(int);',
                      "#include <pthread.h>\n"
                      "static int on_tick(int);\n"
                      "static void *body(void *arg) { *(int *)arg = on_tick(*(int *)arg); return 0; }\n"
                      "int run_in_thread(int n) { pthread_t t; int v = n;\n"
                      "  pthread_create(&t, 0, body, &v); pthread_join(t, 0); return v; }")
    same_on_both(tmp_path, """
        import threading
        from _c_thread import ffi, lib
        names = []
        @ffi.def_extern()
        def on_tick(n):
            names.append(threading.current_thread() is threading.main_thread())
            return n * 3
        print(lib.run_in_thread(5), lib.run_in_thread(7), names)
    """)
