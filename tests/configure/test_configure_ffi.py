"""ffi.configure(): ABI mode with every `...` filled by the C compiler, compared
with the compiler's own answers, cached across processes, with clear errors."""

import os
import stat
import subprocess

import pytest

import rcffi

HEADER = """
typedef unsigned short small_t;
typedef double real_t;
struct rec { char tag; real_t value; small_t count; int items[5]; long tail; };
union both { char c; long long l; };
enum color { RED = -2, GREEN = 40, BLUE };
#define LIMIT (1 << 20)
#define NEGATIVE (-77)
#define HUGE_U 0xfffffffffffffff0ULL
extern int table[13];
typedef char name_t[24];
"""

CDEF = """
typedef int... small_t;
typedef float... real_t;
struct rec { real_t value; small_t count; int items[...]; ...; };
union both { long long l; ...; };
enum color { RED, GREEN, ... };
#define LIMIT ...
#define NEGATIVE ...
#define HUGE_U ...
extern int table[...];
typedef char name_t[...];
"""


@pytest.fixture
def header_dir(tmp_path):
    """A directory with probe_me.h and libprobe_me.so, which defines ``table``."""
    d = tmp_path / "include"
    d.mkdir()
    (d / "probe_me.h").write_text(HEADER)
    (d / "probe_me.c").write_text('#include "probe_me.h"\nint table[13] = { 1, 2, 3 };\n')
    subprocess.run(["cc", "-shared", "-fPIC", "-o", str(d / "libprobe_me.so"),
                    str(d / "probe_me.c")], check=True)
    return str(d)


def configured(header_dir, cdef=CDEF, **kw):
    ffi = rcffi.FFI()
    ffi.cdef(cdef)
    ffi.configure(includes=["probe_me.h"], include_dirs=[header_dir], **kw)
    return ffi


def test_layouts_types_lengths_and_constants_match_the_compiler(header_dir, gcc_answers):
    ffi = configured(header_dir)
    expected = gcc_answers('#include "probe_me.h"', [
        "sizeof(struct rec)", "_Alignof(struct rec)", "offsetof(struct rec, value)",
        "offsetof(struct rec, count)", "offsetof(struct rec, items)", "sizeof(union both)",
        "sizeof(small_t)", "sizeof(real_t)", "sizeof(((struct rec *)0)->items) / sizeof(int)",
        "sizeof(table) / sizeof(int)", "sizeof(name_t)", "LIMIT", "NEGATIVE", "RED", "GREEN",
    ], include_dirs=[header_dir])
    got = [
        ffi.sizeof("struct rec"), ffi.alignof("struct rec"), ffi.offsetof("struct rec", "value"),
        ffi.offsetof("struct rec", "count"), ffi.offsetof("struct rec", "items"),
        ffi.sizeof("union both"), ffi.sizeof("small_t"), ffi.sizeof("real_t"),
        len(ffi.new("struct rec *").items),
    ]
    lib = ffi.dlopen(os.path.join(header_dir, "libprobe_me.so"))
    got += [len(lib.table), ffi.sizeof("name_t"), lib.LIMIT, lib.NEGATIVE, lib.RED, lib.GREEN]
    assert got == expected
    assert list(lib.table)[:4] == [1, 2, 3, 0]
    assert lib.HUGE_U == 0xfffffffffffffff0
    assert int(ffi.cast("small_t", -1)) == 0xffff
    assert ffi.cast("real_t", 0.1) == 0.1  # a double, not a float
    assert ffi.string(ffi.cast("enum color", 40)) == "GREEN"


def test_struct_stat_and_stat_called_in_abi_mode_give_os_stat(tmp_path):
    path = tmp_path / "data.bin"
    path.write_bytes(b"x" * 12345)
    ffi = rcffi.FFI()
    ffi.cdef("""
        typedef int... off_t; typedef int... mode_t;
        struct stat { off_t st_size; mode_t st_mode; ...; };
        int stat(const char *, struct stat *);
    """)
    ffi.configure(includes=["sys/types.h", "sys/stat.h"])
    lib = ffi.dlopen(None)
    st = ffi.new("struct stat *")
    assert lib.stat(str(path).encode(), st) == 0
    assert st.st_size == os.stat(path).st_size == 12345
    assert stat.S_ISREG(st.st_mode)


def test_without_configure_abi_mode_still_refuses_the_dots(header_dir):
    ffi = rcffi.FFI()
    ffi.cdef(CDEF)
    with pytest.raises(rcffi.FFIError, match="struct rec"):
        ffi.sizeof("struct rec")


def test_a_cached_answer_in_a_new_process_runs_no_compiler(tmp_path, header_dir, run_python,
                                                          private_cache):
    log = tmp_path / "cc.log"
    script = tmp_path / "logging-cc"
    script.write_text('#!/bin/sh\necho "$@" >> %s\nexec cc "$@"\n' % log)
    script.chmod(0o755)
    code = ("import rcffi; ffi = rcffi.FFI(); ffi.cdef(%r);"
            "ffi.configure(includes=['probe_me.h'], include_dirs=[%r]);"
            "print(ffi.sizeof('struct rec'), ffi.dlopen(None).LIMIT)" % (CDEF, header_dir))
    env = {"CC": str(script), "RCFFI_CACHE_DIR": str(private_cache)}
    first = run_python(code, env)
    calls = log.read_text()
    assert "--version" in calls and "probe.c" in calls
    assert run_python(code, env) == first
    assert log.read_text() == calls  # not even `cc --version`
    # A corrupt entry is ignored: the compiler answers again, correctly.
    for root, _, files in os.walk(private_cache / "answers"):
        for name in files:
            with open(os.path.join(root, name), "w") as f:
                f.write("garbage\n1 2 3")
    assert run_python(code, env) == first
    assert log.read_text().count("probe.c") == 2


def test_other_keywords_or_declarations_are_other_cache_entries(header_dir, tmp_path):
    # A cache of its own: the preprocessor's search path, asked once per
    # process, is kept in the default one.
    cache = tmp_path / "configure-cache"
    configured(header_dir, cache_dir=cache)
    configured(header_dir, cache_dir=cache, define_macros=[("UNUSED", "1")])
    configured(header_dir, cache_dir=cache, cdef=CDEF.replace("#define LIMIT ...\n", ""))
    configured(header_dir, cache_dir=cache)
    entries = [f for _, _, files in os.walk(cache / "answers") for f in files]
    assert len(entries) == 3


def test_a_missing_compiler_is_a_clear_error(header_dir, monkeypatch):
    monkeypatch.setenv("CC", "/nonexistent/bin/cc")
    with pytest.raises(rcffi.VerificationError, match="C compiler '/nonexistent/bin/cc' not found"):
        configured(header_dir)


def test_a_missing_header_is_named_with_the_compiler_output(private_cache):
    ffi = rcffi.FFI()
    ffi.cdef("#define X ...")
    with pytest.raises(rcffi.VerificationError) as info:
        ffi.configure(includes=["no_such_header_rcffi.h"])
    message = str(info.value)
    assert "header 'no_such_header_rcffi.h' not found" in message
    assert "No such file" in message or "file not found" in message
    assert not (private_cache / "answers").exists()
    with pytest.raises(rcffi.FFIError, match="X"):
        ffi.dlopen(None).X


def test_a_field_of_another_size_or_missing_is_named(header_dir):
    with pytest.raises(rcffi.VerificationError, match="field 'count' of 'struct rec'"):
        configured(header_dir, cdef="struct rec { char count; ...; };")
    with pytest.raises(rcffi.VerificationError, match="no_such_field"):
        configured(header_dir, cdef="struct rec { int no_such_field; ...; };")
    with pytest.raises(rcffi.VerificationError, match="'struct rec' has another size"):
        configured(header_dir, cdef="struct rec { char tag; };")


def test_out_of_line_modules_keep_the_configured_layout(tmp_path, header_dir, run_python):
    ffi = configured(header_dir)
    ffi.set_source("_configured_ool", None)
    ffi.compile(tmpdir=str(tmp_path))
    out = run_python(
        "import _configured_ool as m; lib = m.ffi.dlopen(None);"
        "print(m.ffi.sizeof('struct rec'), m.ffi.offsetof('struct rec', 'count'), lib.LIMIT,"
        " lib.GREEN, m.ffi.sizeof('name_t'))",
        {"CC": "/nonexistent/cc", "PYTHONPATH": str(tmp_path)})
    assert out.split() == [str(v) for v in (
        ffi.sizeof("struct rec"), ffi.offsetof("struct rec", "count"), 1 << 20, 40, 24)]


def test_answers_saved_from_one_configure_need_no_compiler(header_dir, monkeypatch):
    reference = rcffi.FFI()
    reference.cdef(CDEF)
    answers = reference.configure(includes=["probe_me.h"], include_dirs=[header_dir])
    assert isinstance(answers, str) and len(answers.splitlines()) == 12
    ffi = rcffi.FFI()
    ffi.cdef(CDEF)
    monkeypatch.setenv("CC", "/nonexistent/cc")  # loading answers needs no compiler
    assert ffi.configure(answers=answers) == answers
    assert ffi.sizeof("struct rec") == reference.sizeof("struct rec")
    assert ffi.offsetof("struct rec", "count") == reference.offsetof("struct rec", "count")
    assert ffi.dlopen(None).NEGATIVE == -77


def test_the_probe_is_compiled_to_an_object_never_linked_or_run(tmp_path, header_dir,
                                                               gcc_answers, monkeypatch):
    # A compiler that can only compile (as a cross compiler's programs cannot
    # run here): any link fails, and it logs what it was asked.
    log = tmp_path / "cc.log"
    script = tmp_path / "compile-only-cc"
    script.write_text('#!/bin/sh\necho "$@" >> %s\n'
                      'case " $* " in *" -c "*|*" -E "*|*" --version "*) exec cc "$@";; esac\n'
                      'echo "this compiler cannot link" >&2\nexit 1\n' % log)
    script.chmod(0o755)
    monkeypatch.setenv("CC", str(script))
    ffi = configured(header_dir)
    calls = log.read_text().splitlines()
    assert len([c for c in calls if "probe.c" in c]) == 1
    assert all({"-c", "-E", "--version"} & set(c.split()) for c in calls), calls
    assert "int main" not in ffi.configure_probe(includes=["probe_me.h"])
    expected = gcc_answers('#include "probe_me.h"', [
        "sizeof(struct rec)", "offsetof(struct rec, count)", "NEGATIVE", "RED"],
        include_dirs=[header_dir])
    lib = ffi.dlopen(None)
    assert [ffi.sizeof("struct rec"), ffi.offsetof("struct rec", "count"), lib.NEGATIVE,
            lib.RED] == expected


def test_a_macro_that_is_no_constant_expression_is_a_compile_error(tmp_path):
    (tmp_path / "runtime.h").write_text("int current(void);\n#define NOW (current())\n"
                                        '#define NAME "text"\n')
    for name in ("NOW", "NAME"):
        ffi = rcffi.FFI()
        ffi.cdef("#define %s ..." % name)
        with pytest.raises(rcffi.VerificationError, match="compilation failed") as info:
            ffi.configure(includes=["runtime.h"], include_dirs=[str(tmp_path)])
        assert name in str(info.value)


def test_answers_that_do_not_fit_are_refused_not_crashing(header_dir):
    ffi = rcffi.FFI()
    ffi.cdef(CDEF)
    for bad in ["", "1 2\n", "x y z\n" * 20, "-5\n" * 12]:
        with pytest.raises((rcffi.FFIError, TypeError)):
            ffi.configure(answers=bad)
    with pytest.raises(TypeError):
        ffi.configure(answers=b"1\n")
    with pytest.raises(TypeError):
        ffi.configure(includes="stdio.h")
