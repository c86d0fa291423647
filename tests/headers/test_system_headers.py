"""Real system headers declared with ``#include`` only: every named struct and
union rcffi lays out, and the integer constants it takes from the macros and
enums, compared with what gcc says about the same header (a probe program
compiled here); calls into zlib and sqlite3 declared by their headers alone.

The -dev packages are installed by ``make deps-system`` (run by CI)."""

import shutil
import subprocess
import warnings

import pytest

import rcffi

HEADERS = ["stdio.h", "sys/stat.h", "pthread.h", "zlib.h", "sqlite3.h", "bzlib.h", "lzma.h",
           "expat.h", "yaml.h", "png.h", "openssl/ssl.h", "sodium.h"]

# How many integer constants of each header the probe checks (all of them
# for most headers; openssl's thousands are sampled evenly).
MAX_CONSTANTS = 600


def cdef_header(header):
    ffi = rcffi.FFI()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ffi.cdef("#include <%s>" % header)
    return ffi, caught


def records(ffi):
    """(C spelling, [(field, offset)], size, align) of every complete record
    named by a tag or a typedef."""
    typedefs, structs, unions = ffi.list_types()
    names = ["struct " + t for t in structs] + ["union " + t for t in unions]
    for t in typedefs:
        try:
            kind = ffi.typeof(t).kind
        except rcffi.CDefError:  # a function type: no record
            continue
        if kind in ("struct", "union"):
            names.append(t)
    out = []
    for name in names:
        ctype = ffi.typeof(name)
        if ctype.fields is None:
            continue
        fields = [(f, c.offset) for f, c in ctype.fields if f and c.bitsize < 0]
        out.append((name, fields, ffi.sizeof(ctype), ffi.alignof(ctype)))
    return out


def int_constants(ffi):
    names = [n for n in ffi._decls.names() if ffi._decls.lookup(n)[0] == "int"]
    step = max(1, len(names) // MAX_CONSTANTS)
    return [(n, ffi._decls.lookup(n)[1]) for n in names[::step]]


def gcc_answers(tmp_path, header, recs, constants):
    cc = shutil.which("cc")
    assert cc, "no C compiler to compare with"
    lines = ["#include <stdio.h>", "#include <stddef.h>", "#include <%s>" % header, "int main(void) {"]
    for name, fields, _, _ in recs:
        lines.append('printf("S %s %%zu %%zu\\n", sizeof(%s), _Alignof(%s));' % (name, name, name))
        for f, _ in fields:
            lines.append('printf("F %s.%s %%zu\\n", offsetof(%s, %s));' % (name, f, name, f))
    for n, _ in constants:
        lines.append('printf("C %s %%lld\\n", (long long)(%s));' % (n, n))
    lines.append("return 0; }")
    src = tmp_path / "probe.c"
    src.write_text("\n".join(lines))
    exe = tmp_path / "probe"
    subprocess.run([cc, "-w", "-o", str(exe), str(src)], check=True, capture_output=True)
    out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
    answers = {}
    for line in out.splitlines():
        kind, rest = line.split(" ", 1)
        if kind == "S":
            name, size, align = rest.rsplit(" ", 2)
            answers["S " + name] = (int(size), int(align))
        else:
            key, value = rest.rsplit(" ", 1)
            answers[kind + " " + key] = int(value)
    return answers


@pytest.mark.parametrize("header", HEADERS)
def test_header_layouts_and_constants_match_gcc(tmp_path, header):
    try:
        ffi, _ = cdef_header(header)
    except rcffi.CDefError as e:
        if "file not found" in str(e):
            pytest.fail("%s is missing: run `make deps-system` (the -dev packages)\n%s" % (header, e))
        raise
    recs = records(ffi)
    constants = int_constants(ffi)
    assert recs, "no record laid out"
    answers = gcc_answers(tmp_path, header, recs, constants)
    diffs = []
    for name, fields, size, align in recs:
        if answers["S " + name] != (size, align):
            diffs.append("%s: rcffi (%d, %d), gcc %r" % (name, size, align, answers["S " + name]))
        for f, offset in fields:
            if answers["F %s.%s" % (name, f)] != offset:
                diffs.append("%s.%s: rcffi %d, gcc %d" % (name, f, offset, answers["F %s.%s" % (name, f)]))
    for n, value in constants:
        signed = (value + 2**63) % 2**64 - 2**63
        if answers["C " + n] != signed:
            diffs.append("%s: rcffi %d, gcc %d" % (n, value, answers["C " + n]))
    assert not diffs, "\n".join(diffs)
    assert len(recs) + len(constants) > 5


def test_zlib_declared_by_its_header_alone():
    ffi, _ = cdef_header("zlib.h")
    z = ffi.dlopen("z")
    data = b"rcffi reads real headers " * 40
    bound = z.compressBound(len(data))
    out = ffi.new("unsigned char[]", bound)
    out_len = ffi.new("uLongf *", bound)
    assert z.compress(out, out_len, data, len(data)) == z.Z_OK
    back = ffi.new("unsigned char[]", len(data))
    back_len = ffi.new("uLongf *", len(data))
    assert z.uncompress(back, back_len, out, out_len[0]) == z.Z_OK
    assert ffi.buffer(back, back_len[0])[:] == data
    import zlib

    assert z.crc32(0, data, len(data)) == zlib.crc32(data)
    assert ffi.string(z.zlibVersion()).decode() == zlib.ZLIB_RUNTIME_VERSION
    # A string macro of the header is a constant too.
    assert z.ZLIB_VERSION == ffi.string(z.zlibVersion())


def test_sqlite3_declared_by_its_header_alone():
    ffi, _ = cdef_header("sqlite3.h")
    lib = ffi.dlopen("sqlite3")
    assert ffi.string(lib.sqlite3_libversion()).decode() == ffi.string(lib.sqlite3_version).decode()
    db = ffi.new("sqlite3 **")
    assert lib.sqlite3_open(b":memory:", db) == lib.SQLITE_OK
    rows = []

    @ffi.callback("int(void *, int, char **, char **)")
    def row(_, n, values, names):
        rows.append(tuple(ffi.string(values[i]).decode() for i in range(n)))
        return 0

    err = ffi.new("char **")
    sql = b"create table t(a, b); insert into t values (1, 'x'), (2, 'y'); select a, b from t;"
    assert lib.sqlite3_exec(db[0], sql, row, ffi.NULL, err) == lib.SQLITE_OK
    assert rows == [("1", "x"), ("2", "y")]
    assert lib.sqlite3_close(db[0]) == lib.SQLITE_OK


def test_unrepresentable_declarations_are_skipped_with_one_warning(tmp_path):
    (tmp_path / "wide.h").write_text("struct ok { int x; };\ntypedef __int128 big_t;\n"
                                     "big_t widen(int);\nint narrow(int);\n")
    ffi = rcffi.FFI()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        ffi.cdef("#include <wide.h>", include_dirs=[str(tmp_path)])
    skipped = [w for w in caught if issubclass(w.category, rcffi.CDefWarning)]
    assert len(skipped) == 1
    message = str(skipped[0].message)
    assert "skipped 2 declaration(s)" in message
    assert "wide.h:2:" in message and "wide.h:3:" in message
    # What could be represented is there.
    assert ffi.sizeof("struct ok") == 4
    assert ffi._decls.lookup("narrow")[0] == "function"


def test_asm_renames_are_followed():
    # glibc declares some functions under another symbol (`__asm__("...")`):
    # the lib looks the declared name up under its asm name.
    ffi = rcffi.FFI()
    ffi.cdef("int renamed_abs(int) __asm__(\"abs\");")
    assert ffi.dlopen(None).renamed_abs(-5) == 5
