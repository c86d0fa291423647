"""API mode over whole headers: `cdef("#include <h>")` and `set_source(...,
"#include <h>")` build a module whose glue agrees with the header, whose
macros are constants, and whose functions of libraries the module does not
link are reported when used."""

import importlib
import itertools
import warnings
import zlib

import pytest

import rcffi

_numbers = itertools.count()


@pytest.fixture
def build(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))

    def make(header, **kwargs):
        name = "_api_headers_%d" % next(_numbers)
        ffi = rcffi.FFI()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", rcffi.CDefWarning)
            ffi.cdef("#include <%s>" % header, include_dirs=kwargs.get("include_dirs", []))
        ffi.set_source(name, "#include <%s>" % header, **kwargs)
        ffi.compile(tmpdir=str(tmp_path))
        importlib.invalidate_caches()
        return importlib.import_module(name)

    return make


def test_zlib_h_whole(build):
    m = build("zlib.h", libraries=["z"])
    ffi, z = m.ffi, m.lib
    data = b"API mode over zlib.h " * 30
    size = ffi.new("uLongf *", z.compressBound(len(data)))
    out = ffi.new("Bytef[]", size[0])
    assert z.compress(out, size, data, len(data)) == z.Z_OK
    assert zlib.decompress(ffi.buffer(out, size[0])[:]) == data
    assert z.ZLIB_VERSION == ffi.string(z.zlibVersion())
    assert (z.Z_BEST_COMPRESSION, z.MAX_WBITS) == (9, 15)
    assert ffi.sizeof("z_stream") == ffi.sizeof("struct z_stream_s") > 0


def test_sqlite3_h_whole(build):
    m = build("sqlite3.h", libraries=["sqlite3"])
    ffi, lib = m.ffi, m.lib
    db = ffi.new("sqlite3 **")
    assert lib.sqlite3_open(b":memory:", db) == lib.SQLITE_OK
    assert lib.SQLITE_VERSION == ffi.string(lib.sqlite3_libversion())
    stmt = ffi.new("sqlite3_stmt **")
    assert lib.sqlite3_prepare_v2(db[0], b"select 6 * 7", -1, stmt, ffi.NULL) == lib.SQLITE_OK
    assert lib.sqlite3_step(stmt[0]) == lib.SQLITE_ROW
    assert lib.sqlite3_column_int(stmt[0], 0) == 42
    lib.sqlite3_finalize(stmt[0])
    assert lib.sqlite3_close(db[0]) == lib.SQLITE_OK


def test_own_header_with_macros_and_an_unlinked_function(build, tmp_path):
    (tmp_path / "own_api.h").write_text(
        "#include <stddef.h>\n"
        "#define OWN_SCALE (1.5 * 2)\n#define OWN_NAME \"own\" \"api\"\n#define OWN_MASK (-1U >> 4)\n"
        "struct own_pair { char tag; double value; };\n"
        "static inline int own_twice(int x) { return 2 * x; }\n"
        "size_t strlen(const char *);\n"
        "int own_nowhere(int);\n")
    m = build("own_api.h", include_dirs=[str(tmp_path)])
    ffi, lib = m.ffi, m.lib
    assert (lib.OWN_SCALE, lib.OWN_NAME, lib.OWN_MASK) == (3.0, b"ownapi", 0x0FFFFFFF)
    assert (ffi.sizeof("struct own_pair"), ffi.offsetof("struct own_pair", "value")) == (16, 8)
    assert lib.strlen(b"four") == 4
    assert not hasattr(lib, "own_twice")
    with pytest.raises(AttributeError, match="own_nowhere.*libraries="):
        lib.own_nowhere(1)


def test_openssl_ssl_h_whole(build):
    # Thousands of declarations, function types reached again through the
    # records their arguments point to (the module's declarations blob).
    m = build("openssl/ssl.h", libraries=["ssl", "crypto"])
    lib = m.lib
    assert lib.OpenSSL_version_num() == lib.OPENSSL_VERSION_NUMBER
    ctx = lib.SSL_CTX_new(lib.TLS_method())
    assert ctx != m.ffi.NULL
    lib.SSL_CTX_free(ctx)
