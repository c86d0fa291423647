"""rcffi.configure: ctypes-configure-style questions answered by one compiled
program, compared with the compiler's own answers."""

import os
import sys

import pytest

import rcffi
from rcffi import _backend
from rcffi.configure import (CompileInfo, ConstantInteger, Defined, DefinedConstantInteger,
                             DefinedConstantString, Has, ProbeError, SimpleType, SizeOf, Struct,
                             Works, configure)

INFO = CompileInfo(includes=["sys/types.h", "sys/stat.h", "fcntl.h", "stdio.h", "time.h",
                             "unistd.h"],
                   pre_include_lines=['#define GREETING "hi\\xe9"'])
PRELUDE = '#define GREETING "hi\\xe9"\n' + "".join(
    "#include <%s>\n" % h for h in INFO.includes)


class Platform:
    _compilation_info_ = INFO
    timespec = Struct("struct timespec", [("tv_sec", "int"), ("tv_nsec", "int")])
    stat = Struct("struct stat", [("st_size", "int"), ("st_mode", "unsigned char"),
                                  ("st_mtim", timespec)])
    off_t = SimpleType("off_t")
    mode_t = SimpleType("mode_t", "long")
    real = SimpleType("double", "float")
    missing_type = SimpleType("no_such_t", ifdef="NO_SUCH_MACRO_RCFFI")
    O_CREAT = ConstantInteger("O_CREAT")
    EOF = ConstantInteger("EOF")
    SEEK_END = DefinedConstantInteger("SEEK_END")
    UNDEFINED = DefinedConstantInteger("NO_SUCH_MACRO_RCFFI")
    GREETING = DefinedConstantString("GREETING")
    NO_STRING = DefinedConstantString("NO_SUCH_MACRO_RCFFI")
    has_O_CREAT = Defined("O_CREAT")
    has_nothing = Defined("NO_SUCH_MACRO_RCFFI")
    has_write = Has("write")
    has_no_write = Has("rcffi_no_such_function")
    sizeof_stat = SizeOf("struct stat")
    works = Works()


@pytest.fixture
def logging_cc(tmp_path, monkeypatch):
    """$CC as a script recording each command line; returns the log's path."""
    log = tmp_path / "cc.log"
    log.write_text("")
    script = tmp_path / "logging-cc"
    script.write_text('#!/bin/sh\necho "$@" >> %s\nexec cc "$@"\n' % log)
    script.chmod(0o755)
    monkeypatch.setenv("CC", str(script))
    return log


def test_answers_match_the_compiler(gcc_answers):
    answers = configure(Platform, form="ctype")
    (size, align, size_off, mode_off, mtim_off, ts_size, off_size, mode_size, mode_signed,
     o_creat, eof, seek_end) = gcc_answers(PRELUDE, [
        "sizeof(struct stat)", "_Alignof(struct stat)", "offsetof(struct stat, st_size)",
        "offsetof(struct stat, st_mode)", "offsetof(struct stat, st_mtim)",
        "sizeof(struct timespec)", "sizeof(off_t)", "sizeof(mode_t)", "(mode_t)-1 < 0",
        "O_CREAT", "EOF", "SEEK_END"])
    ffi = rcffi.FFI()
    st = answers["stat"]
    assert (ffi.sizeof(st), ffi.alignof(st)) == (size, align) == (answers["sizeof_stat"], align)
    fields = dict(st.fields)
    assert (fields["st_size"].offset, fields["st_mode"].offset,
            fields["st_mtim"].offset) == (size_off, mode_off, mtim_off)
    assert fields["st_mtim"].type is answers["timespec"]
    assert ffi.sizeof(answers["timespec"]) == ts_size
    assert ffi.sizeof(fields["st_size"].type) == off_size  # the hint said int
    assert ffi.sizeof(answers["off_t"]) == off_size
    assert ffi.sizeof(answers["mode_t"]) == mode_size
    assert (int(ffi.cast(answers["mode_t"], -1)) < 0) == bool(mode_signed)
    assert answers["real"] is ffi.typeof("double")
    assert (answers["O_CREAT"], answers["EOF"], answers["SEEK_END"]) == (o_creat, eof, seek_end)
    assert answers["GREETING"] == "hi\xe9"
    assert answers["missing_type"] is None and answers["UNDEFINED"] is None
    assert answers["NO_STRING"] is None
    assert answers["has_O_CREAT"] is True and answers["has_nothing"] is False
    assert answers["has_write"] is True and answers["has_no_write"] is False
    assert answers["works"] is True


def test_a_configured_struct_is_usable_with_stat(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"abc" * 1000)
    st_type = configure(Platform, form="ctype")["stat"]
    ffi = rcffi.FFI()
    ffi.cdef("int stat(const char *, void *);")
    st = ffi.new(_backend.new_pointer_type(st_type))
    assert ffi.dlopen(None).stat(str(path).encode(), st) == 0
    assert st.st_size == os.stat(path).st_size == 3000


def test_the_probe_is_compiled_never_run(logging_cc, tmp_path, monkeypatch):
    """A compiler whose programs cannot run here (a cross compiler) still
    answers: the facts are read from its object file."""
    script = tmp_path / "no-run-cc"
    script.write_text('#!/bin/sh\nfor a; do case "$a" in -c) exec cc "$@";; esac; done\n'
                      'exec cc "$@" -Wl,--dynamic-linker=/rcffi/no/such/loader\n')
    script.chmod(0o755)
    monkeypatch.setenv("CC", str(script))

    class Facts:
        _compilation_info_ = INFO
        O_CREAT = Platform.O_CREAT
        timespec = Platform.timespec
        stat = Platform.stat
        works = Works()

    answers = configure(Facts, cache_dir=tmp_path / "cache")
    assert answers["O_CREAT"] == os.O_CREAT and answers["works"] is True
    assert answers["stat"].st_size.offset == configure(Platform)["stat"].st_size.offset


def test_one_compile_per_class_then_none_from_the_cache(logging_cc):
    class AllCompile:
        _compilation_info_ = INFO
        stat = Platform.stat
        timespec = Platform.timespec
        O_CREAT = Platform.O_CREAT
        has_write = Platform.has_write
        works = Platform.works

    first = configure(AllCompile)
    assert logging_cc.read_text().count("probe.c") == 1
    assert configure(AllCompile)["O_CREAT"] == first["O_CREAT"]
    assert logging_cc.read_text().count("probe.c") == 1
    configure(Platform)  # one Has does not compile: one more round, no more
    assert logging_cc.read_text().count("probe.c") == 3


def test_works_is_false_when_the_compile_information_does_not_link():
    class Broken:
        _compilation_info_ = CompileInfo(libraries=["rcffi_no_such_library"])
        works = Works()
        has_printf = Has("printf")

    assert configure(Broken) == {"works": False, "has_printf": False}

    class BrokenWithQuestions(Broken):
        size = SizeOf("int")

    # The facts need no link: they are answered, and Works says the link fails.
    assert configure(BrokenWithQuestions) == {"works": False, "has_printf": False, "size": 4}


def test_errors_name_the_cause():
    class MissingHeader:
        _compilation_info_ = CompileInfo(includes=["rcffi_no_such_header.h"])
        size = SizeOf("int")

    with pytest.raises(ProbeError, match="header 'rcffi_no_such_header.h' not found"):
        configure(MissingHeader)

    class BadField:
        _compilation_info_ = INFO
        stat = Struct("struct stat", [("st_nope", "int")])

    with pytest.raises(ProbeError, match="st_nope"):
        configure(BadField)

    class WrongSize:
        _compilation_info_ = INFO
        stat = Struct("struct stat", [("st_mtim", "char[3]")])

    with pytest.raises(TypeError, match="st_mtim"):
        configure(WrongSize)

    with pytest.raises(TypeError):
        Struct("struct stat", [("st_size", 5)])
    with pytest.raises(TypeError):
        Struct("struct stat", ["st_size"])
    with pytest.raises(TypeError):
        SizeOf("")
    with pytest.raises(TypeError):
        CompileInfo(includes="stdio.h")
    with pytest.raises(TypeError):
        CompileInfo(define_macros=["X"])
    with pytest.raises(TypeError, match="_compilation_info_"):
        configure(object)
    with pytest.raises(ValueError, match="form"):
        configure(Platform, form="pyobject")


def test_command_line_prints_the_answers(tmp_path, run_python):
    module = tmp_path / "platform_config.py"
    module.write_text(
        "from rcffi.configure import *\n"
        "class Config:\n"
        "    _compilation_info_ = CompileInfo(includes=['fcntl.h', 'time.h'])\n"
        "    O_CREAT = ConstantInteger('O_CREAT')\n"
        "    ts = Struct('struct timespec', [('tv_sec', 'long')])\n")
    out = run_python("import runpy, sys; sys.argv = ['x', %r];"
                     "runpy.run_module('rcffi.configure', run_name='__main__')" % str(module))
    assert "Config.O_CREAT = %d" % os.O_CREAT in out
    assert "Config.ts = <ctype 'struct timespec'> {tv_sec: int64_t @0} size 16" in out
    import subprocess

    done = subprocess.run([sys.executable, "-m", "rcffi.configure"], capture_output=True,
                          text=True)
    assert done.returncode == 2 and "usage" in done.stderr


def test_the_ctypes_form_has_the_compilers_layout(gcc_answers, tmp_path):
    import rcffi.ctypes as ct

    answers = configure(Platform)
    size, size_off, mode_off, mtim_off, ts_size, off_size = gcc_answers(PRELUDE, [
        "sizeof(struct stat)", "offsetof(struct stat, st_size)",
        "offsetof(struct stat, st_mode)", "offsetof(struct stat, st_mtim)",
        "sizeof(struct timespec)", "sizeof(off_t)"])
    stat, timespec = answers["stat"], answers["timespec"]
    assert issubclass(stat, ct.Structure) and stat.__name__ == "stat"
    assert (ct.sizeof(stat), ct.sizeof(timespec)) == (size, ts_size)
    assert (stat.st_size.offset, stat.st_mode.offset, stat.st_mtim.offset) == (
        size_off, mode_off, mtim_off)
    assert dict(stat._fields_)["st_mtim"] is timespec  # one class per struct answer
    assert ct.sizeof(answers["off_t"]) == off_size and answers["real"] is ct.c_double
    assert answers["O_CREAT"] == configure(Platform, form="ctype")["O_CREAT"]

    path = tmp_path / "f"
    path.write_bytes(b"xy" * 321)
    libc = ct.CDLL(None)
    libc.stat.argtypes = [ct.c_char_p, ct.POINTER(stat)]
    st = stat()
    assert libc.stat(str(path).encode(), ct.byref(st)) == 0
    assert st.st_size == 642 and st.st_mtim.tv_sec == int(os.stat(path).st_mtime)


def test_ctypes_types_are_hints_too():
    import rcffi.ctypes as ct

    class Hinted:
        _compilation_info_ = INFO
        timespec = Struct("struct timespec", [("tv_sec", ct.c_int), ("tv_nsec", ct.c_long)])
        off_t = SimpleType("off_t", ct.c_int)
        fp = Struct("struct { char c; void *p; }", [("p", ct.c_void_p)])

    answers = configure(Hinted)
    assert ct.sizeof(answers["timespec"]) == ct.sizeof(configure(Platform)["timespec"])
    assert answers["off_t"] in (ct.c_int64, ct.c_int32)
    assert answers["fp"].p.offset == ct.sizeof(ct.c_void_p)
    with pytest.raises(TypeError, match="ctypes type"):
        SimpleType("off_t", object())


def test_a_packed_answer_is_a_packed_structure():
    import rcffi.ctypes as ct

    class Packed:
        _compilation_info_ = CompileInfo(pre_include_lines=[
            "struct rcffi_packed { char c; int i; } __attribute__((packed));",
            "union rcffi_union { char c; double d; };"])
        packed = Struct("struct rcffi_packed", [("i", "int")])
        either = Struct("union rcffi_union", [("c", "char")])

    answers = configure(Packed)
    assert answers["packed"].i.offset == 1 and ct.sizeof(answers["packed"]) == 5
    assert answers["packed"]._pack_ == 1
    assert issubclass(answers["either"], ct.Union) and ct.sizeof(answers["either"]) == 8
