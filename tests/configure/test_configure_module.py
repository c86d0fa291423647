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
    answers = configure(Platform)
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
    st_type = configure(Platform)["stat"]
    ffi = rcffi.FFI()
    ffi.cdef("int stat(const char *, void *);")
    st = ffi.new(_backend.new_pointer_type(st_type))
    assert ffi.dlopen(None).stat(str(path).encode(), st) == 0
    assert st.st_size == os.stat(path).st_size == 3000


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

    with pytest.raises(ProbeError, match="rcffi_no_such_library"):
        configure(BrokenWithQuestions)


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
