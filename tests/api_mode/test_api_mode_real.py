"""API mode against real system libraries and headers."""

import hashlib
import importlib
import itertools
import os
import pwd

import pytest

import rcffi

_numbers = itertools.count()


@pytest.fixture
def build(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))

    def make(cdef, source, **kwargs):
        name = "_api_real_%d" % next(_numbers)
        ffi = rcffi.FFI()
        ffi.cdef(cdef)
        ffi.set_source(name, source, **kwargs)
        ffi.compile(tmpdir=str(tmp_path))
        importlib.invalidate_caches()
        return importlib.import_module(name)

    return make


def test_sha256_through_openssl_evp_with_opaque_types(build):
    m = build(
        """
        typedef ... EVP_MD_CTX;
        typedef ... EVP_MD;
        #define EVP_MAX_MD_SIZE ...
        EVP_MD_CTX *EVP_MD_CTX_new(void);
        void EVP_MD_CTX_free(EVP_MD_CTX *);
        const EVP_MD *EVP_sha256(void);
        int EVP_DigestInit_ex(EVP_MD_CTX *, const EVP_MD *, void *);
        int EVP_DigestUpdate(EVP_MD_CTX *, const void *, size_t);
        int EVP_DigestFinal_ex(EVP_MD_CTX *, unsigned char *, unsigned int *);
        """,
        "#include <openssl/evp.h>",
        libraries=["crypto"],
    )
    ffi, lib = m.ffi, m.lib
    assert lib.EVP_MAX_MD_SIZE == 64
    data = b"rcffi " * 1000
    ctx = lib.EVP_MD_CTX_new()
    assert ctx != ffi.NULL
    try:
        assert lib.EVP_DigestInit_ex(ctx, lib.EVP_sha256(), ffi.NULL) == 1
        assert lib.EVP_DigestUpdate(ctx, data[:100], 100) == 1
        assert lib.EVP_DigestUpdate(ctx, data[100:], len(data) - 100) == 1
        out = ffi.new("unsigned char[]", lib.EVP_MAX_MD_SIZE)
        size = ffi.new("unsigned int *")
        assert lib.EVP_DigestFinal_ex(ctx, out, size) == 1
    finally:
        lib.EVP_MD_CTX_free(ctx)
    digest = bytes(list(out)[: size[0]])
    assert digest == hashlib.sha256(data).digest()
    with pytest.raises(Exception):
        ffi.sizeof("EVP_MD_CTX")


def test_struct_passwd_filled_from_the_real_header(build):
    m = build(
        """
        typedef int... uid_t;
        typedef int... gid_t;
        struct passwd { char *pw_name; char *pw_dir; uid_t pw_uid; gid_t pw_gid; ...; };
        struct passwd *getpwuid(uid_t);
        """,
        "#include <sys/types.h>\n#include <pwd.h>",
    )
    ffi, lib = m.ffi, m.lib
    uid = os.getuid()
    p = lib.getpwuid(uid)
    ref = pwd.getpwuid(uid)
    assert ffi.string(p.pw_name).decode() == ref.pw_name
    assert ffi.string(p.pw_dir).decode() == ref.pw_dir
    assert (p.pw_uid, p.pw_gid) == (ref.pw_uid, ref.pw_gid)
    assert ffi.sizeof("struct passwd") > 4 * ffi.sizeof("void *")
    assert ffi.sizeof("uid_t") == 4
