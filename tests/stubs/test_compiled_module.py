"""compile() writes the stub beside the module; mypy --strict checks programs
against it; ``python -m rcffi.stubs`` writes the same stub for a built module."""

import os
import subprocess
import sys
import textwrap

import pytest

import rcffi

CDEF = """
typedef struct { int x, y; } point;
int add(int, int);
double scale(double, float);
const char *greet(void);
size_t measure(const char *);
point *make_point(int, int);
void free_point(point *);
extern int counter;
#define LIMIT 42
"""

SOURCE = """
#include <stdlib.h>
#include <string.h>
typedef struct { int x, y; } point;
static int add(int a, int b) { return a + b; }
static double scale(double a, float b) { return a * b; }
static const char *greet(void) { return "hi"; }
static size_t measure(const char *s) { return strlen(s); }
static point *make_point(int x, int y) {
    point *p = malloc(sizeof *p);
    p->x = x;
    p->y = y;
    return p;
}
static void free_point(point *p) { free(p); }
int counter = 3;
#define LIMIT 42
"""

PROGRAM = """
from _typed_api import ffi, lib


def total(values: list[int]) -> int:
    result = 0
    for v in values:
        result = lib.add(result, v)
    return result


point = lib.make_point(1, 2)
size: int = lib.measure(b"four")
ratio: float = lib.scale(2.0, 3)
text = ffi.string(lib.greet())
assert isinstance(text, bytes)
print(total([1, 2, 3]) + lib.counter + lib.LIMIT, size, ratio, text.decode(), point.x)
lib.free_point(point)
"""


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    directory = tmp_path_factory.mktemp("typed")
    ffi = rcffi.FFI()
    ffi.cdef(CDEF)
    ffi.set_source("_typed_api", SOURCE)
    ffi.compile(tmpdir=str(directory))
    return directory


def mypy(directory, program):
    (directory / "prog.py").write_text(textwrap.dedent(program))
    return subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
                           "--cache-dir", str(directory / ".mypy_cache"), "prog.py"],
                          cwd=directory, capture_output=True, text=True, timeout=50)


def test_compile_writes_the_stub_beside_the_module(built):
    stub = (built / "_typed_api.pyi").read_text()
    assert "    def add(self, a0: int, a1: int, /) -> int: ...\n" in stub
    assert "    def measure(self, a0: bytes | CData, /) -> int: ...\n" in stub
    assert "    counter: int\n" in stub and "    LIMIT: int\n" in stub


def test_a_correct_program_passes_mypy_strict_and_runs(built):
    checked = mypy(built, PROGRAM)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    ran = subprocess.run([sys.executable, "prog.py"], cwd=built, capture_output=True, text=True,
                         timeout=50)
    assert ran.stdout == "51 4 6.0 hi 1\n", ran.stderr


def test_mypy_reports_a_wrong_argument_type(built):
    checked = mypy(built, """
        from _typed_api import lib

        lib.add("one", 2)
    """)
    assert checked.returncode == 1
    assert checked.stdout == ('prog.py:4: error: Argument 1 to "add" of "_Lib" has incompatible '
                              'type "str"; expected "int"  [arg-type]\n')


def test_mypy_reports_a_misused_result_and_an_unknown_name(built):
    checked = mypy(built, """
        from _typed_api import lib

        name: str = lib.scale(1.0, 2.0)
        lib.subtract(1, 2)
    """)
    assert checked.returncode == 1
    assert 'prog.py:4: error: Incompatible types in assignment (expression has type "float"' \
        in checked.stdout
    assert 'prog.py:5: error: "_Lib" has no attribute "subtract"' in checked.stdout


def test_the_command_line_writes_the_stub_of_a_built_module(built):
    out = built / "again.pyi"
    done = subprocess.run([sys.executable, "-m", "rcffi.stubs", "_typed_api", "-o", str(out)],
                          cwd=built, capture_output=True, text=True, timeout=50)
    assert done.returncode == 0, done.stderr
    # The built module's ffi has the layouts the compiler gave: the same stub.
    assert out.read_text() == (built / "_typed_api.pyi").read_text()
    printed = subprocess.run([sys.executable, "-m", "rcffi.stubs", "_typed_api"], cwd=built,
                             capture_output=True, text=True, timeout=50)
    assert printed.stdout == out.read_text()


def test_the_command_line_refuses_a_module_without_an_ffi(tmp_path):
    (tmp_path / "plain.py").write_text("x = 1\n")
    done = subprocess.run([sys.executable, "-m", "rcffi.stubs", "plain"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=50)
    assert done.returncode == 2
    assert "module 'plain' has no rcffi 'ffi'" in done.stderr
    missing = subprocess.run([sys.executable, "-m", "rcffi.stubs", "_no_such_module"],
                             cwd=tmp_path, capture_output=True, text=True, timeout=50)
    assert missing.returncode == 2
    assert "cannot import '_no_such_module': No module named '_no_such_module'" in missing.stderr


def test_struct_fields_are_typed_through_ffi_new_and_results(built):
    good = mypy(built, """
        from _typed_api import ffi, lib, point

        p = ffi.new("point *", [1, 2])
        p.x = 5
        total: int = p.x + p.y + lib.make_point(3, 4).y
        q: point = ffi.cast("point *", p)
        print(total, q.x)
    """)
    assert good.returncode == 0, good.stdout + good.stderr
    bad = mypy(built, """
        from _typed_api import ffi, lib

        p = ffi.new("point *")
        name: str = p.x
        p.y = "high"
        text: bytes = lib.make_point(1, 2).x
    """)
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == [
        'prog.py:5: error: Incompatible types in assignment (expression has type "int", '
        'variable has type "str")  [assignment]',
        'prog.py:6: error: Incompatible types in assignment (expression has type "str", '
        'variable has type "int")  [assignment]',
        'prog.py:7: error: Incompatible types in assignment (expression has type "int", '
        'variable has type "bytes")  [assignment]',
    ]


@pytest.fixture(scope="module")
def built_abi(tmp_path_factory):
    directory = tmp_path_factory.mktemp("typed_abi")
    ffi = rcffi.FFI()
    ffi.cdef("int abs(int); size_t strlen(const char *); typedef struct { int x; } box;")
    ffi.set_source("_typed_abi", None)
    path = ffi.compile(tmpdir=str(directory))
    assert path == str(directory / "_typed_abi.py")
    return directory


def test_an_out_of_line_abi_module_types_the_lib_dlopen_gives(built_abi):
    stub = (built_abi / "_typed_abi.pyi").read_text()
    assert "ffi: _FFI\n" in stub and "\nlib:" not in stub
    done = subprocess.run([sys.executable, "-m", "rcffi.stubs", "_typed_abi"], cwd=built_abi,
                          capture_output=True, text=True, timeout=50)
    assert done.stdout == stub, done.stderr
    good = mypy(built_abi, """
        from _typed_abi import ffi

        lib = ffi.dlopen(None)
        n: int = lib.abs(-3) + lib.strlen(b"four") + ffi.new("box *", [2]).x
        print(n)
    """)
    assert good.returncode == 0, good.stdout + good.stderr
    ran = subprocess.run([sys.executable, "prog.py"], cwd=built_abi, capture_output=True,
                         text=True, timeout=50)
    assert ran.stdout == "9\n", ran.stderr
    bad = mypy(built_abi, """
        from _typed_abi import ffi

        lib = ffi.dlopen(None)
        lib.abs("one", 2)
        lib.no_such_function(1)
    """)
    assert bad.returncode == 1
    assert bad.stdout.splitlines() == [
        'prog.py:5: error: Too many arguments for "abs" of "_Lib"  [call-arg]',
        'prog.py:5: error: Argument 1 to "abs" of "_Lib" has incompatible type "str"; '
        'expected "int"  [arg-type]',
        'prog.py:6: error: "_Lib" has no attribute "no_such_function"  [attr-defined]',
    ]


def test_an_embedding_library_gets_no_stub(tmp_path):
    ffi = rcffi.FFI()
    ffi.embedding_api("int twice(int);")
    ffi.embedding_init_code("from _typed_embed import ffi\n\n@ffi.def_extern()\n"
                            "def twice(x):\n    return 2 * x\n")
    ffi.set_source("_typed_embed", "")
    library = ffi.compile(tmpdir=str(tmp_path))
    assert library.endswith(".so") and (tmp_path / "_typed_embed.c").exists()
    assert sorted(p.name for p in tmp_path.glob("*.py*")) == []


@pytest.mark.parametrize("how", ["keyword", "environment"])
def test_stub_writing_can_be_turned_off(tmp_path, monkeypatch, how):
    ffi = rcffi.FFI()
    ffi.cdef("int abs(int);")
    ffi.set_source("pkg._quiet", None)
    if how == "keyword":
        ffi.compile(tmpdir=str(tmp_path), stubs=False)
    else:
        monkeypatch.setenv("RCFFI_STUBS", "0")
        ffi.compile(tmpdir=str(tmp_path))
    assert sorted(os.listdir(tmp_path / "pkg")) == ["_quiet.py"]
    # The keyword wins over the environment.
    monkeypatch.setenv("RCFFI_STUBS", "off")
    ffi.compile(tmpdir=str(tmp_path), stubs=True)
    assert sorted(os.listdir(tmp_path / "pkg")) == ["_quiet.py", "_quiet.pyi"]
