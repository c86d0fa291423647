"""An API-mode module is one CPython extension module, as cffi builds it: the
normal import system loads it, build tools compile its C file as any other
extension, and no Python file sits beside it."""

import importlib
import importlib.machinery
import os
import subprocess
import sys
import textwrap

import pytest

import rcffi

SUFFIX = importlib.machinery.EXTENSION_SUFFIXES[0]


def make_ffi(name, value=7):
    ffi = rcffi.FFI()
    ffi.cdef("int seven(void); struct pt { int y; ...; };")
    ffi.set_source(name, "struct pt { long x; int y; };\n"
                   "static int seven(void) { return %d; }" % value)
    return ffi


def test_compile_writes_one_extension_module_and_no_python_file(tmp_path):
    path = make_ffi("_one_ext").compile(tmpdir=str(tmp_path))
    assert path == str(tmp_path / ("_one_ext" + SUFFIX))
    names = sorted(os.listdir(tmp_path))
    assert "_one_ext" + SUFFIX in names and "_one_ext.c" in names and "_one_ext.pyi" in names
    assert not [n for n in names if n.endswith(".py")]
    symbols = subprocess.run(["nm", "-D", "--defined-only", path], capture_output=True,
                             text=True, check=True).stdout
    assert " PyInit__one_ext" in symbols


def test_the_extension_loader_imports_it_with_ffi_and_lib(tmp_path):
    path = make_ffi("_ext_loaded").compile(tmpdir=str(tmp_path))
    loader = importlib.machinery.ExtensionFileLoader("_ext_loaded", path)
    spec = importlib.util.spec_from_file_location("_ext_loaded", path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    assert module.lib.seven() == 7
    assert module.ffi.sizeof("struct pt") == 2 * module.ffi.sizeof("long")
    assert module.__file__ == path
    assert sys.modules["_ext_loaded.lib"] is module.lib


def test_a_package_module_and_a_target_name(tmp_path, monkeypatch):
    ffi = make_ffi("ext_pkg_a.sub._inner", 8)
    path = ffi.compile(tmpdir=str(tmp_path))
    assert path == os.path.join(str(tmp_path), "ext_pkg_a", "sub", "_inner" + SUFFIX)
    monkeypatch.syspath_prepend(str(tmp_path))
    importlib.invalidate_caches()
    module = importlib.import_module("ext_pkg_a.sub._inner")
    assert module.__name__ == "ext_pkg_a.sub._inner" and module.lib.seven() == 8
    other = make_ffi("_targeted").compile(tmpdir=str(tmp_path / "t"), target="renamed.*")
    assert other == str(tmp_path / "t" / ("renamed" + SUFFIX))
    exact = make_ffi("_targeted2").compile(tmpdir=str(tmp_path / "t"), target="exact.bin")
    assert exact == str(tmp_path / "t" / "exact.bin") and os.path.isfile(exact)


def test_emitted_c_needs_only_a_compiler_and_python_headers(tmp_path):
    import sysconfig

    ffi = make_ffi("_by_hand", 9)
    ffi.emit_c_code(str(tmp_path / "_by_hand.c"))
    output = tmp_path / ("_by_hand" + SUFFIX)
    subprocess.run(["cc", "-shared", "-fPIC", "-I", sysconfig.get_paths()["include"], "-o",
                    str(output), str(tmp_path / "_by_hand.c")], check=True)
    code = "import _by_hand; print(_by_hand.lib.seven())"
    out = subprocess.run([sys.executable, "-c", code], cwd=str(tmp_path), capture_output=True,
                         text=True, timeout=120)
    assert out.stdout.strip() == "9", out.stderr


def test_emitting_into_a_missing_directory_is_an_oserror(tmp_path):
    with pytest.raises(OSError):
        make_ffi("_nowhere").emit_c_code(str(tmp_path / "missing" / "x.c"))
    abi = rcffi.FFI()
    abi.set_source("_nowhere_abi", None)
    with pytest.raises(OSError):
        abi.emit_python_code(str(tmp_path / "missing" / "x.py"))
    assert not (tmp_path / "missing").exists()


def test_distutils_extension_builds_with_setuptools(tmp_path):
    project = tmp_path / "proj"
    project.mkdir()
    (project / "setup.py").write_text(textwrap.dedent("""
        import rcffi
        from setuptools import setup

        ffi = rcffi.FFI()
        ffi.cdef("int seven(void);")
        ffi.set_source("_dext", "static int seven(void) { return 70; }")
        ext = ffi.distutils_extension(verbose=False)
        assert ext.name == "_dext" and ext.sources[0].endswith("_dext.c")
        setup(name="dext", version="0.1", ext_modules=[ext])
    """))
    subprocess.run([sys.executable, "setup.py", "-q", "build_ext", "-i"], cwd=str(project),
                   check=True, capture_output=True, timeout=300)
    assert os.path.isfile(project / "build" / "_dext.c")
    assert os.path.isfile(project / ("_dext" + SUFFIX))
    out = subprocess.run([sys.executable, "-c", "import _dext; print(_dext.lib.seven())"],
                         cwd=str(project), capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "70", out.stderr


def test_verify_builds_an_extension_module_for_its_own_ffi(tmp_path):
    ffi = rcffi.FFI()
    ffi.cdef("struct pt { int y; ...; }; int seven(void);")
    with pytest.warns(DeprecationWarning):
        lib = ffi.verify("struct pt { long x; int y; };\n"
                         "static int seven(void) { return 7; }", tmpdir=str(tmp_path))
    assert lib.seven() == 7 and ffi.sizeof("struct pt") == 2 * ffi.sizeof("long")
    assert [n for n in os.listdir(tmp_path) if n.endswith(SUFFIX)]


def test_extra_sources_are_normalised_paths(tmp_path, build):
    (tmp_path / "extra_dotdot.c").write_text("const int external_foo = 42;\n")
    through_missing = os.path.join(str(tmp_path), "no_such_dir", "..", "extra_dotdot.c")
    m = build("const int external_foo;", "extern const int external_foo;",
              sources=[through_missing])
    assert m.lib.external_foo == 42


def test_an_opaque_struct_by_value_is_refused_before_compiling(tmp_path):
    for cdef, role in (("struct opq; struct opq give(int);", "result type"),
                       ("struct opq; int take(struct opq);", "argument type")):
        ffi = rcffi.FFI()
        ffi.cdef(cdef)
        ffi.set_source("_opaque_by_value", "struct opq { int x; };")
        with pytest.raises(TypeError, match="'struct opq' is used as %s, but is opaque" % role):
            ffi.compile(tmpdir=str(tmp_path))
        assert not os.listdir(tmp_path)
