"""The build side of embedding: embedding_api(), embedding_init_code(),
compile()'s target and emit_c_code()."""

import os
import sysconfig

import pytest

import rcffi


def test_init_code_is_checked_and_dedented_at_build_time():
    ffi = rcffi.FFI()
    with pytest.raises(SyntaxError):
        ffi.embedding_init_code("def broken(:\n")
    with pytest.raises(TypeError, match="str of Python code"):
        ffi.embedding_init_code(b"x = 1")
    ffi.embedding_init_code("\n\n    x = 1\n    if x:\n        y = 2\n")
    assert ffi._embedding == "x = 1\nif x:\n    y = 2\n"
    with pytest.raises(ValueError, match="only be called once"):
        ffi.embedding_init_code("z = 3")


def test_embedding_api_declares_exported_functions_and_plain_variables(tmp_path):
    ffi = rcffi.FFI()
    ffi.embedding_api("int f(int); extern int counter;")
    ffi.cdef("int g(int);")
    ffi.embedding_init_code("pass")
    ffi.set_source("_decl_emb", "")
    path = tmp_path / "_decl_emb.c"
    ffi.emit_c_code(str(path))
    text = path.read_text()
    assert text.startswith("/* rcffi embedding library")
    assert "CFFI_DLLEXPORT int f(int a0)" in text
    assert "PyMODINIT_FUNC PyInit__decl_emb(void)" in text
    # g is C code of the library, not generated; counter is defined by the source
    assert "CFFI_DLLEXPORT int g(" not in text and "int counter" not in text


def test_compile_target_star_is_the_platform_suffix(tmp_path):
    ffi = rcffi.FFI()
    ffi.embedding_api("int f(int);")
    ffi.set_source("_target_emb", "")
    path = ffi.compile(tmpdir=str(tmp_path), target="plugin-1.5.*")
    assert path == os.path.join(str(tmp_path), "plugin-1.5.so")
    assert os.path.exists(path)


def test_embedding_needs_c_source():
    ffi = rcffi.FFI()
    ffi.embedding_api("int f(int);")
    ffi.set_source("_abi_emb", None)
    with pytest.raises(TypeError, match="needs C source"):
        ffi.compile()


def test_the_embedding_fix_links_the_python_runtime():
    kwds = {"libraries": ["m"]}
    rcffi.FFI()._apply_embedding_fix(kwds)
    ldversion = sysconfig.get_config_var("LDVERSION")
    assert kwds["libraries"] == ["m", "python" + ldversion]
    assert kwds["runtime_library_dirs"] == kwds["library_dirs"]
    assert kwds["library_dirs"]


def test_variadic_functions_cannot_be_exported():
    ffi = rcffi.FFI()
    with pytest.raises(rcffi.CDefError, match=r"1:6: 'v': a variadic function cannot be exported"):
        ffi.embedding_api("long v(int, ...);")


def test_the_generated_c_builds_with_warnings_as_errors(tmp_path):
    ffi = rcffi.FFI()
    ffi.embedding_api("""
        void ping(double); int count(void); unsigned char small(_Bool);
        char *name(int); long long add(long long, long long); float half(float);
        extern int counter;
    """)
    ffi.cdef('extern "Python" int helper(int);')
    ffi.embedding_init_code("x = 1")
    ffi.set_source("_strict_emb", "CFFI_DLLEXPORT int counter;\n"
                   "static int helper(int);\nint use(void) { return helper(1); }\n",
                   extra_compile_args=["-Wall", "-Wextra", "-Werror"])
    assert os.path.exists(ffi.compile(tmpdir=str(tmp_path)))
