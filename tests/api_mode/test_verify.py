"""ffi.verify(): the deprecated in-line API mode."""

import gc
import os
import weakref

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


def verify(ffi, source, **kwargs):
    with pytest.warns(DeprecationWarning):
        return ffi.verify(source, **kwargs)


@pytest.mark.parametrize("cdef, source, message", [
    ("#define K 10", "#define K 12", "K has the real value 12, not 10"),
    ("static const int K = 10;", "#define K 12", "K has the real value 12, not 10"),
    ("enum e { A, B, C };", "enum e { A, C, B };", "enum e: B has the real value 2, not 1"),
    ("enum e { A = 0xffffffff };", "enum e { A = -1 };",
     "enum e: A has the real value -1, not 4294967295"),
    ("struct s { char a; int b; };", "struct s { int b; char a; };",
     "struct s: wrong offset for field 'a' (we have 0, but C compiler says 4)"),
    ("typedef int... t;", "typedef long t;",
     "feature not supported with ffi.verify(), but only with ffi.set_source(): 'typedef int... t'"),
    ("typedef float... t;", "typedef double t;",
     "feature not supported with ffi.verify(), but only with ffi.set_source(): 'typedef float... t'"),
])
def test_verify_refuses_what_the_compiler_contradicts(ffi, tmp_path, cdef, source, message):
    from rcffi import VerificationError

    ffi.cdef(cdef)
    with pytest.raises(VerificationError) as e:
        verify(ffi, source, tmpdir=str(tmp_path))
    assert str(e.value) == message


def test_a_refused_verify_leaves_the_declarations_as_the_cdef_gave_them(ffi, tmp_path):
    from rcffi import VerificationError

    ffi.cdef("enum e { A, B, C };")
    with pytest.raises(VerificationError):
        verify(ffi, "enum e { A, C, B };", tmpdir=str(tmp_path))
    assert ffi.typeof("enum e").relements == {"A": 0, "B": 1, "C": 2}
    lib = verify(ffi, "enum e { A, B, C, D };", tmpdir=str(tmp_path))
    assert (lib.A, lib.B, lib.C) == (0, 1, 2)


def test_partial_enums_take_the_compilers_values(ffi, tmp_path):
    ffi.cdef("enum e { A, B, ... };")
    lib = verify(ffi, "enum e { A = 10, B = 20 };", tmpdir=str(tmp_path))
    assert (lib.A, lib.B) == (10, 20)


def test_a_length_from_the_compiler_needs_items_of_the_cdefs_size(ffi, tmp_path):
    from rcffi import VerificationError

    ffi.cdef("extern int items[...];")
    with pytest.raises(VerificationError, match="another size in C than in the cdef"):
        verify(ffi, "char items[24];", tmpdir=str(tmp_path))


def test_verify_keywords(ffi, tmp_path):
    (tmp_path / "inc").mkdir()
    (tmp_path / "inc" / "twice.h").write_text("static int twice(int x) { return 2 * x; }\n")
    ffi.cdef("int twice(int);")
    lib = verify(ffi, '#include "twice.h"', tmpdir=str(tmp_path / "out"), modulename="_twice",
                 include_dirs=["inc"], relative_to=str(tmp_path / "anchor.py"),
                 flags=ffi.RTLD_NOW | ffi.RTLD_LOCAL)
    assert lib.twice(21) == 42
    assert any(name.startswith("_twice") for name in os.listdir(tmp_path / "out"))
    with pytest.raises(TypeError, match="unexpected keyword arguments: colour"):
        verify(ffi, "", colour="red")


def test_verify_builds_in_cffi_tmpdir_or_next_to_the_caller(ffi, tmp_path, monkeypatch):
    monkeypatch.setenv("CFFI_TMPDIR", str(tmp_path / "env"))
    ffi.cdef("#define K 3")
    assert verify(ffi, "#define K 3", modulename="_in_env").K == 3
    assert any(n.startswith("_in_env") for n in os.listdir(tmp_path / "env"))
    monkeypatch.delenv("CFFI_TMPDIR")
    caller = tmp_path / "caller.py"
    caller.write_text("def run(ffi):\n    return ffi.verify('#define K 3', modulename='_beside').K\n")
    namespace = {}
    exec(compile(caller.read_text(), str(caller), "exec"), namespace)
    with pytest.warns(DeprecationWarning):
        assert namespace["run"](ffi) == 3
    assert any(n.startswith("_beside") for n in os.listdir(tmp_path / "__pycache__"))


def test_the_ffi_keeps_what_verify_returned_alive(ffi, tmp_path):
    ffi.cdef("int forty_two(void);")
    lib = verify(ffi, "int forty_two(void) { return 42; }", tmpdir=str(tmp_path))
    function, lib_ref = lib.forty_two, weakref.ref(lib)
    del lib
    gc.collect()
    assert lib_ref() is not None and function() == 42


def test_a_module_already_built_is_loaded_as_it_is(tmp_path):
    """As cffi: a second verify() of the same declarations and source finds the
    extension (even alone in the directory, the C file removed) and compiles
    nothing, so a library this process loaded is never rewritten under it."""
    import rcffi

    def build():
        ffi = rcffi.FFI()
        ffi.cdef("int twice(int);")
        return verify(ffi, "static int twice(int x) { return 2 * x; }", tmpdir=str(tmp_path))

    assert build().twice(4) == 8
    (library,) = [p for p in tmp_path.iterdir() if p.suffix == ".so"]
    for p in tmp_path.iterdir():
        if p.suffix == ".c":
            p.unlink()
    built = library.stat().st_mtime_ns
    assert build().twice(5) == 10
    assert library.stat().st_mtime_ns == built
    assert not any(p.suffix == ".c" for p in tmp_path.iterdir())
