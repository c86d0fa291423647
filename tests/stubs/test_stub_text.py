"""The text rcffi.stubs writes for a cdef: each C declaration's Python typing."""

import warnings

import rcffi
from rcffi.stubs import module_stub

CDEF = """
typedef struct { int x, y; } point;
struct opaque;
enum color { RED, GREEN = 5 };
int add(int, int);
double scale(double, float);
void reset(void);
const char *name_of(int);
char first(const char *);
point *origin(void);
point mid(point, point);
int printf(const char *, ...);
long double precise(long double);
wchar_t widen(wchar_t);
_Bool ok(unsigned char, enum color);
void take(struct opaque *, int *, void (*)(int));
void *find(const void *, const unsigned char *, int8_t *, _Bool *, long *);
size_t wide(const wchar_t *, char32_t *, wchar_t **);
extern int counter;
extern char buf[10];
extern point here;
static const int LIMIT;
#define SIZE 42
#define PI 3.5
#define NAME "hi"
"""


def stub_of(cdef, with_lib=True):
    ffi = rcffi.FFI()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ffi.cdef(cdef)
    return module_stub(ffi, "_demo", with_lib=with_lib)


def lib_lines(text):
    body = text.split("class _Lib:\n", 1)[1].split("\n\n", 1)[0]
    return body.splitlines()


def test_functions_are_methods_typed_from_their_c_signature():
    lines = lib_lines(stub_of(CDEF))
    for expected in [
        "    def add(self, a0: int, a1: int, /) -> int: ...",
        "    def scale(self, a0: float, a1: float, /) -> float: ...",
        "    def reset(self) -> None: ...",
        "    def name_of(self, a0: int, /) -> CData: ...",
        "    def first(self, a0: bytes | CData, /) -> bytes: ...",
        "    def origin(self) -> point: ...",
        "    def mid(self, a0: CData, a1: CData, /) -> point: ...",
        "    def printf(self, a0: bytes | CData, /, *args: Any) -> int: ...",
        "    def precise(self, a0: float | CData, /) -> CData: ...",
        "    def widen(self, a0: str, /) -> str: ...",
        "    def ok(self, a0: int, a1: int, /) -> int: ...",
        "    def take(self, a0: CData, a1: CData, a2: CData, /) -> None: ...",
        "    def find(self, a0: bytes | CData, a1: bytes | CData, a2: bytes | CData, "
        "a3: bytes | CData, a4: CData, /) -> CData: ...",
        "    def wide(self, a0: str | CData, a1: str | CData, a2: CData, /) -> int: ...",
    ]:
        assert expected in lines


def test_globals_and_constants_are_annotated_attributes_in_declaration_order():
    lines = lib_lines(stub_of(CDEF))
    attributes = [line for line in lines if not line.startswith("    def ")]
    assert attributes == [
        "    RED: int", "    GREEN: int", "    counter: int", "    buf: CData",
        "    here: point", "    LIMIT: int", "    SIZE: int", "    PI: float", "    NAME: bytes",
    ]


def test_the_module_exposes_a_typed_ffi_and_lib():
    text = stub_of("int add(int, int);")
    assert text.splitlines()[1:] == [
        "", "import rcffi", "", "", "class _FFI(rcffi.FFI):", "    pass", "", "",
        "class _Lib:", "    def add(self, a0: int, a1: int, /) -> int: ...", "", "",
        "ffi: _FFI", "lib: _Lib",
    ]
    compile(text, "_demo.pyi", "exec")


def test_imports_are_those_the_stub_uses():
    text = stub_of(CDEF)
    assert "from typing import Any, Literal, overload\n" in text
    assert "from rcffi._backend import CData, CType\n" in text
    assert "from typing import Any\n" in stub_of("int printf(const char *, ...);")
    plain = stub_of("int add(int, int); int AnyCData(int);")
    assert "typing" not in plain and "import CData" not in plain


def test_an_out_of_line_abi_module_types_what_dlopen_returns():
    text = stub_of("int add(int, int);", with_lib=False)
    assert ("    def dlopen(self, name: str | None | CData, flags: int = 0) -> _Lib: ..."
            "  # type: ignore[override]\n") in text
    assert lib_lines(text) == ["    def add(self, a0: int, a1: int, /) -> int: ..."]
    assert text.endswith("\nffi: _FFI\n") and "lib: _Lib" not in text


def test_records_with_fields_are_cdata_classes_typed_by_field():
    text = stub_of("typedef struct { int x; double y; } point;\n"
                   "struct node { struct node *next; point at; char name[8]; long if_; };\n"
                   "typedef struct node node_t; union num { int i; float f; }; struct opaque;\n"
                   "struct part { int a; ...; };")
    assert "class point(CData):\n    x: int\n    y: float\n" in text
    assert ("class struct_node(CData):\n    next: struct_node\n    at: point\n"
            "    name: CData\n    if_: int\n") in text
    assert "class union_num(CData):\n    i: int\n    f: float\n" in text
    assert "\nnode_t = struct_node\n" in text
    assert "opaque" not in text and "struct_part" not in text
    shadowing = stub_of("typedef struct { int v; } bytes; typedef struct { int w; } CData;"
                        "char first(bytes *);")
    assert "class bytes" not in shadowing and "class CData" not in shadowing
    assert "    def first(self, a0: CData, /) -> bytes: ..." in lib_lines(shadowing)
    assert ("    def new(self, cdecl: Literal['struct node *', 'node_t *'], init: Any = None)"
            " -> struct_node: ...") in text
    assert "    def cast(self, cdecl: Literal['point *'], value: Any) -> point: ..." in text
    assert "    def new(self, cdecl: str | CType, init: Any = None) -> CData: ..." in text
    compile(text, "_demo.pyi", "exec")


def test_a_type_only_the_compiler_completes_still_types_its_functions():
    lines = lib_lines(stub_of("struct s { int a; ...; }; struct s get(void); int n(struct s *);"))
    assert lines == ["    def get(self) -> CData: ...", "    def n(self, a0: CData, /) -> int: ..."]


def test_a_c_name_that_is_a_python_keyword_is_left_out():
    text = stub_of("int lambda(int); int kept(int);")
    assert "lambda" not in text
    assert "    def kept(self, a0: int, /) -> int: ..." in lib_lines(text)
    compile(text, "_demo.pyi", "exec")


def test_an_empty_cdef_gives_a_valid_empty_lib():
    text = stub_of("")
    assert lib_lines(text) == ["    pass"]
    compile(text, "_demo.pyi", "exec")


def test_the_names_of_an_included_ffi_are_in_the_lib():
    base = rcffi.FFI()
    base.cdef("typedef struct { int x; } point; int first(int);")
    ffi = rcffi.FFI()
    ffi.include(base)
    ffi.cdef("double second(point *);")
    assert lib_lines(module_stub(ffi, "_demo")) == [
        "    def first(self, a0: int, /) -> int: ...",
        "    def second(self, a0: CData, /) -> float: ...",
    ]


def test_what_the_stub_admits_for_a_pointer_a_call_accepts():
    """bytes for a pointer to bytes or void, str for wide characters: the
    conversions calls make, so mypy does not reject working programs."""
    cdef = ("size_t strlen(const unsigned char *); void *memchr(const void *, int, size_t);"
            "size_t wcslen(const wchar_t *);")
    ffi = rcffi.FFI()
    ffi.cdef(cdef)
    lines = lib_lines(module_stub(ffi, "_demo"))
    assert lines == [
        "    def strlen(self, a0: bytes | CData, /) -> int: ...",
        "    def memchr(self, a0: bytes | CData, a1: int, a2: int, /) -> CData: ...",
        "    def wcslen(self, a0: str | CData, /) -> int: ...",
    ]
    lib = ffi.dlopen(None)
    assert lib.strlen(b"four") == 4 and lib.wcslen("three") == 5
    assert ffi.string(ffi.cast("char *", lib.memchr(b"abc", ord("b"), 3))) == b"bc"


def test_a_stub_is_written_for_numeric_types_only_the_compiler_knows(tmp_path, monkeypatch):
    import importlib

    monkeypatch.syspath_prepend(str(tmp_path))
    ffi = rcffi.FFI()
    ffi.cdef("typedef double... foo_t; foo_t sum(foo_t[]);")
    ffi.set_source("_stub_unknown_numeric", "typedef float foo_t;"
                   "static foo_t sum(foo_t x[]) { return x[0] + x[1]; }")
    ffi.compile(tmpdir=str(tmp_path))
    stub = (tmp_path / "_stub_unknown_numeric.pyi").read_text()
    assert "def sum(self, a0: CData, /)" in stub
    importlib.invalidate_caches()
    assert importlib.import_module("_stub_unknown_numeric").lib.sum([40.0, 2.25]) == 42.25
