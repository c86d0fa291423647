"""Error wordings cffi's callers match, kept together with rcffi's location
and caret: a first line as cffi writes it, then where."""

import importlib
import sys

import pytest

import rcffi


def test_unparsable_cdef_heads_with_the_stripped_line():
    ffi = rcffi.FFI()
    with pytest.raises(rcffi.CDefError) as e:
        ffi.cdef("\n\n\n  x y z ")
    lines = str(e.value).split("\n")
    assert lines[0] == 'cannot parse "x y z"'
    assert lines[1] == "<cdef source string>:4:3: unknown type name 'x'"
    assert lines[3].index("^") == lines[2].index("x")


def test_unparsable_line_of_another_file_heads_with_parse_error():
    ffi = rcffi.FFI()
    with pytest.raises(rcffi.CDefError) as e:
        ffi.cdef('# 42 "foobar"\n\n    a b c d\n')
    first, where = str(e.value).split("\n")[:2]
    assert first == "parse error"
    assert where.startswith("foobar:43:") and where.endswith(": unknown type name 'a'")


def test_declaration_errors_keep_no_headline():
    # C that parses but is refused is not "cannot parse".
    ffi = rcffi.FFI()
    with pytest.raises(rcffi.CDefError) as e:
        ffi.cdef("struct s { float x:1; };")
    assert str(e.value).startswith("<cdef source string>:1:")


def test_unparsable_type_string_heads_with_the_string():
    ffi = rcffi.FFI()
    for text in ("foobarbazunknown*", "int(*)(foobarbazunknown)"):
        with pytest.raises(rcffi.CDefError) as e:
            ffi.cast(text, 0)
        assert str(e.value).startswith('cannot parse "%s"\n<type string>:1:' % text)


def test_closed_lib_wording_in_line_and_out_of_line(tmp_path, monkeypatch):
    inline = rcffi.FFI()
    inline.cdef("int abs(int);")
    lib = inline.dlopen(None)
    inline.dlclose(lib)
    with pytest.raises(ValueError) as e:
        lib.abs
    assert str(e.value) == "library '<None>' has already been closed"

    builder = rcffi.FFI()
    builder.cdef("int abs(int);")
    builder.set_source("_wording_ool", None)
    builder.compile(tmpdir=str(tmp_path))
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("_wording_ool", None)
    importlib.invalidate_caches()
    ffi = importlib.import_module("_wording_ool").ffi
    lib = ffi.dlopen(None)
    ffi.dlclose(lib)
    with pytest.raises(ffi.error) as e:
        lib.abs
    assert str(e.value) == "library '<None>' has been closed"
    ffi.dlclose(lib)


def test_def_extern_outside_api_mode_is_a_value_error_and_an_ffi_error():
    ffi = rcffi.FFI()
    ffi.cdef('extern "Python" int cb(int);')
    for expected in (ValueError, rcffi.FFIError):
        with pytest.raises(expected, match="only available on the ffi of a compiled"):
            ffi.def_extern()


def test_enum_body_after_its_first_mention_is_refused():
    ffi = rcffi.FFI()
    with pytest.raises(NotImplementedError) as e:
        ffi.cdef("typedef enum colour_e colour_t;\nenum colour_e { RED, GREEN };")
    first = str(e.value).split("\n")[0]
    assert first == ("<cdef source string>:2:15: enum colour_e: the '{}' declaration should "
                     "appear on the first time the enum is mentioned, not later")
    ffi.cdef("enum shade_e { DARK, LIGHT }; typedef enum shade_e shade_t;")
    assert ffi.typeof("shade_t").relements == {"DARK": 0, "LIGHT": 1}


def test_a_modules_ffi_knows_only_its_own_tags(tmp_path, monkeypatch):
    builder = rcffi.FFI()
    builder.cdef("struct known { int x; };")
    builder.set_source("_wording_tags", None)
    builder.compile(tmpdir=str(tmp_path))
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("_wording_tags", None)
    importlib.invalidate_caches()
    ffi = importlib.import_module("_wording_tags").ffi
    assert ffi.sizeof("struct known") == 4
    for text in ("struct never_declared *", "union never_declared"):
        with pytest.raises(ffi.error, match="undefined struct/union name '%s'" % text.split(" *")[0]):
            ffi.typeof(text)
    # An in-line FFI takes an unknown tag as a new opaque type, as cffi's does.
    assert rcffi.FFI().typeof("struct never_declared *").item.kind == "struct"
