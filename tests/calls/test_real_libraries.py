"""Real system libraries in ABI mode: libc, libm and zlib, declared by hand."""

import cmath
import errno
import math
import os
import random
import time
import zlib as pyzlib

import pytest

import rcffi


@pytest.fixture(scope="module")
def libc():
    ffi = rcffi.FFI()
    ffi.cdef("""
        typedef long time_t;
        struct tm {
            int tm_sec; int tm_min; int tm_hour; int tm_mday; int tm_mon; int tm_year;
            int tm_wday; int tm_yday; int tm_isdst;
            long tm_gmtoff; const char *tm_zone;
        };
        typedef struct { int quot; int rem; } div_t;
        typedef struct { long quot; long rem; } ldiv_t;
        typedef struct { long long quot; long long rem; } lldiv_t;

        void qsort(void *base, size_t nmemb, size_t size,
                   int (*compar)(const void *, const void *));
        long strtol(const char *nptr, char **endptr, int base);
        unsigned long long strtoull(const char *nptr, char **endptr, int base);
        double strtod(const char *nptr, char **endptr);
        int snprintf(char *str, size_t size, const char *format, ...);
        struct tm *gmtime_r(const time_t *timep, struct tm *result);
        size_t strftime(char *s, size_t max, const char *format, const struct tm *tm);
        time_t timegm(struct tm *tm);
        div_t div(int, int);
        ldiv_t ldiv(long, long);
        lldiv_t lldiv(long long, long long);
        int open(const char *pathname, int flags, ...);
        int close(int fd);
        char *strerror(int errnum);
        char *strchr(const char *s, int c);
    """)
    return ffi, ffi.dlopen("c")


@pytest.fixture(scope="module")
def libm():
    ffi = rcffi.FFI()
    ffi.cdef("""
        double frexp(double x, int *exp);
        double ldexp(double x, int exp);
        double modf(double x, double *iptr);
        double cabs(double _Complex z);
        double _Complex cexp(double _Complex z);
        double _Complex csqrt(double _Complex z);
        float _Complex cexpf(float _Complex z);
        double carg(double _Complex z);
        double hypot(double, double);
        float sqrtf(float);
    """)
    return ffi, ffi.dlopen("m")


ZLIB_CDEF = """
    #define Z_OK 0
    #define Z_STREAM_END 1
    #define Z_BUF_ERROR -5
    #define Z_NO_FLUSH 0
    #define Z_FINISH 4
    #define Z_DEFAULT_COMPRESSION -1
    typedef unsigned char Bytef;
    typedef unsigned int uInt;
    typedef unsigned long uLong;
    typedef uLong uLongf;
    typedef void *voidpf;
    typedef voidpf (*alloc_func)(voidpf opaque, uInt items, uInt size);
    typedef void (*free_func)(voidpf opaque, voidpf address);
    struct internal_state;
    typedef struct z_stream_s {
        const Bytef *next_in;
        uInt avail_in;
        uLong total_in;
        Bytef *next_out;
        uInt avail_out;
        uLong total_out;
        const char *msg;
        struct internal_state *state;
        alloc_func zalloc;
        free_func zfree;
        voidpf opaque;
        int data_type;
        uLong adler;
        uLong reserved;
    } z_stream;
    typedef z_stream *z_streamp;
    const char *zlibVersion(void);
    uLong compressBound(uLong sourceLen);
    int compress2(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen,
                  int level);
    int uncompress(Bytef *dest, uLongf *destLen, const Bytef *source, uLong sourceLen);
    uLong crc32(uLong crc, const Bytef *buf, uInt len);
    int deflateInit_(z_streamp strm, int level, const char *version, int stream_size);
    int deflate(z_streamp strm, int flush);
    int deflateEnd(z_streamp strm);
    int inflateInit_(z_streamp strm, const char *version, int stream_size);
    int inflate(z_streamp strm, int flush);
    int inflateEnd(z_streamp strm);
"""


def to_bytes(p, n):
    """The first `n` bytes of an unsigned char array or pointer."""
    return bytes(p[i] for i in range(n))


@pytest.fixture(scope="module")
def libz():
    ffi = rcffi.FFI()
    ffi.cdef(ZLIB_CDEF)
    return ffi, ffi.dlopen("z")


# ---- libc -------------------------------------------------------------------------


def test_qsort_with_a_python_comparator(libc):
    ffi, c = libc
    values = [random.Random(5).randint(-10**6, 10**6) for _ in range(500)]
    arr = ffi.new("int[]", values)
    calls = []

    @ffi.callback("int(const void *, const void *)")
    def compare(a, b):
        calls.append(1)
        x, y = ffi.cast("int *", a)[0], ffi.cast("int *", b)[0]
        return (x > y) - (x < y)

    c.qsort(arr, len(values), ffi.sizeof("int"), compare)
    assert list(arr) == sorted(values)
    assert len(calls) >= len(values) - 1


def test_qsort_structs_descending(libc):
    ffi, c = libc
    ffi2 = rcffi.FFI()
    ffi2.include(ffi)
    ffi2.cdef("struct pair { int key; double weight; };")
    pairs = ffi2.new("struct pair[4]", [[3, 0.5], [1, 1.5], [4, 2.5], [2, 3.5]])

    @ffi2.callback("int(const void *, const void *)")
    def by_key_desc(a, b):
        return ffi2.cast("struct pair *", b).key - ffi2.cast("struct pair *", a).key

    c2 = ffi2.dlopen("c")
    c2.qsort(pairs, 4, ffi2.sizeof("struct pair"), by_key_desc)
    assert [(p.key, p.weight) for p in pairs] == [(4, 2.5), (3, 0.5), (2, 3.5), (1, 1.5)]


def test_strtol_with_an_out_pointer(libc):
    ffi, c = libc
    text = ffi.new("char[]", b"  -12345xyz")
    end = ffi.new("char **")
    assert c.strtol(text, end, 10) == -12345
    assert ffi.string(end[0]) == b"xyz"
    assert end[0] - text == 8
    assert c.strtol(b"ff", ffi.NULL, 16) == 255
    assert c.strtol(b"0x7fffffffffffffff", ffi.NULL, 0) == 2**63 - 1
    assert c.strtoull(b"18446744073709551615", ffi.NULL, 10) == 2**64 - 1
    assert c.strtod(b"2.5e-3", ffi.NULL) == 2.5e-3


def test_strtol_overflow_sets_errno(libc):
    ffi, c = libc
    ffi.errno = 0
    assert c.strtol(b"99999999999999999999999", ffi.NULL, 10) == 2**63 - 1
    assert ffi.errno == errno.ERANGE


def test_snprintf_variadic(libc):
    ffi, c = libc
    buf = ffi.new("char[100]")
    n = c.snprintf(buf, 100, b"%s=%d (%5.2f) %lld %x", ffi.new("char[]", b"answer"),
                   ffi.cast("int", 42), ffi.cast("double", 2.0 / 3), ffi.cast("long long", -1),
                   ffi.cast("unsigned int", 0xBEEF))
    expected = b"answer=42 ( 0.67) -1 beef"
    assert ffi.string(buf) == expected and n == len(expected)
    small = ffi.new("char[4]")
    assert c.snprintf(small, 4, b"%d", ffi.cast("int", 123456)) == 6
    assert ffi.string(small) == b"123"


def test_gmtime_r_and_strftime_with_struct_tm(libc):
    ffi, c = libc
    stamp = 1_000_000_000  # 2001-09-09 01:46:40 UTC
    t = ffi.new("time_t *", stamp)
    tm = ffi.new("struct tm *")
    r = c.gmtime_r(t, tm)
    assert r == tm
    assert ffi.sizeof("struct tm") == 56
    expected = time.gmtime(stamp)
    assert (tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday) == expected[:3]
    assert (tm.tm_hour, tm.tm_min, tm.tm_sec) == expected[3:6]
    assert tm.tm_wday == (expected.tm_wday + 1) % 7 and tm.tm_yday == expected.tm_yday - 1
    assert tm.tm_gmtoff == 0 and ffi.string(tm.tm_zone) == b"GMT"
    buf = ffi.new("char[64]")
    n = c.strftime(buf, 64, b"%Y-%m-%d %H:%M:%S %A", tm)
    assert ffi.string(buf) == time.strftime("%Y-%m-%d %H:%M:%S %A", expected).encode()
    assert n == len(ffi.string(buf))
    assert c.timegm(tm) == stamp


def test_div_family_returns_structs(libc):
    ffi, c = libc
    for a, b in ((17, 5), (-17, 5), (2**31 - 1, -2)):
        d = c.div(a, b)
        assert ffi.typeof(d) is ffi.typeof("div_t")
        assert (d.quot, d.rem) == (int(a / b), a - int(a / b) * b)
    d = c.ldiv(-(2**62), 7)
    assert (d.quot, d.rem) == (-(2**62 // 7), -(2**62 % 7))
    d = c.lldiv(2**63 - 1, 10)
    assert (d.quot, d.rem) == ((2**63 - 1) // 10, 7)


def test_open_failure_sets_errno_enoent(libc):
    ffi, c = libc
    ffi.errno = 0
    fd = c.open(b"/nonexistent/dir/for/rcffi/tests", os.O_RDONLY)
    assert fd == -1
    assert ffi.errno == errno.ENOENT
    assert ffi.string(c.strerror(ffi.errno)) == os.strerror(errno.ENOENT).encode()
    fd = c.open(b"/dev/null", os.O_RDONLY)
    assert fd >= 0 and c.close(fd) == 0


def test_open_with_mode_argument(libc, tmp_path):
    ffi, c = libc
    path = str(tmp_path / "created").encode()
    fd = c.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, ffi.cast("int", 0o600))
    assert fd >= 0
    c.close(fd)
    assert os.stat(path).st_mode & 0o777 == 0o600
    ffi.errno = 0
    assert c.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, ffi.cast("int", 0o600)) == -1
    assert ffi.errno == errno.EEXIST


def test_strchr_returns_pointer_into_argument(libc):
    ffi, c = libc
    s = ffi.new("char[]", b"path/to/file")
    r = c.strchr(s, ord("/"))
    assert r - s == 4 and ffi.string(r) == b"/to/file"
    assert c.strchr(s, ord("#")) == ffi.NULL


# ---- libm --------------------------------------------------------------------------


def test_frexp_with_an_int_out_pointer(libm):
    ffi, m = libm
    e = ffi.new("int *")
    for x in (8.0, 0.3, -1e300, 5e-324):
        mant = m.frexp(x, e)
        assert (mant, e[0]) == math.frexp(x)
        assert m.ldexp(mant, e[0]) == x
    ip = ffi.new("double *")
    assert m.modf(3.75, ip) == 0.75 and ip[0] == 3.0


def test_complex_functions(libm):
    ffi, m = libm
    assert m.cabs(3 + 4j) == 5.0
    z = m.cexp(1j * math.pi)
    assert abs(z - cmath.exp(1j * math.pi)) < 1e-15
    for w in (0.5 - 2j, -1 + 0j, 1e-3 + 1e3j):
        assert m.cexp(w) == pytest.approx(cmath.exp(w), rel=1e-15)
        assert m.csqrt(w) == pytest.approx(cmath.sqrt(w), rel=1e-15)
        assert m.carg(w) == cmath.phase(w)
    zf = m.cexpf(1 + 1j)
    assert zf == pytest.approx(cmath.exp(1 + 1j), rel=1e-6)
    assert m.sqrtf(2.0) == pytest.approx(math.sqrt(2), rel=1e-7)
    assert m.hypot(5.0, 12.0) == 13.0


# ---- zlib ---------------------------------------------------------------------------


def test_compress2_uncompress_round_trip(libz):
    ffi, z = libz
    data = b"rcffi " * 1000 + bytes(range(256))
    bound = z.compressBound(len(data))
    dest = ffi.new("Bytef[]", bound)
    dest_len = ffi.new("uLongf *", bound)
    assert z.compress2(dest, dest_len, data, len(data), 9) == z.Z_OK
    compressed = to_bytes(dest, dest_len[0])
    assert 0 < len(compressed) < len(data) // 10
    assert pyzlib.decompress(compressed) == data
    out = ffi.new("Bytef[]", len(data))
    out_len = ffi.new("uLongf *", len(data))
    assert z.uncompress(out, out_len, compressed, len(compressed)) == 0
    assert out_len[0] == len(data)
    assert to_bytes(out, len(data)) == data
    small = ffi.new("uLongf *", 10)
    assert z.uncompress(out, small, compressed, len(compressed)) == z.Z_BUF_ERROR
    assert z.crc32(0, data, len(data)) == pyzlib.crc32(data)


def test_streaming_deflate_inflate_with_z_stream(libz):
    ffi, z = libz
    version = z.zlibVersion()
    assert ffi.string(version).decode() == pyzlib.ZLIB_RUNTIME_VERSION
    assert ffi.sizeof("z_stream") == 112
    rng = random.Random(7)
    data = bytes(rng.choice(b"abcdefgh") for _ in range(100_000))

    strm = ffi.new("z_stream *")
    assert z.deflateInit_(strm, 6, version, ffi.sizeof("z_stream")) == z.Z_OK
    chunks = []
    out = ffi.new("Bytef[1024]")
    src = ffi.new("Bytef[]", data)
    pos = 0
    while True:
        take = min(7000, len(data) - pos)
        strm.next_in = src + pos
        strm.avail_in = take
        pos += take
        flush = z.Z_FINISH if pos == len(data) else z.Z_NO_FLUSH
        while True:
            strm.next_out = out
            strm.avail_out = 1024
            rc = z.deflate(strm, flush)
            assert rc in (z.Z_OK, z.Z_STREAM_END, z.Z_BUF_ERROR)
            chunks.append(to_bytes(out, 1024 - strm.avail_out))
            if strm.avail_out != 0:
                break
        if flush == z.Z_FINISH:
            assert rc == z.Z_STREAM_END
            break
    assert strm.total_in == len(data)
    assert z.deflateEnd(strm) == z.Z_OK
    compressed = b"".join(chunks)
    assert len(compressed) == strm.total_out
    assert pyzlib.decompress(compressed) == data

    inf = ffi.new("z_stream *")
    assert z.inflateInit_(inf, version, ffi.sizeof("z_stream")) == z.Z_OK
    comp = ffi.new("Bytef[]", compressed)
    inf.next_in = comp
    inf.avail_in = len(compressed)
    result = []
    buf = ffi.new("Bytef[4096]")
    while True:
        inf.next_out = buf
        inf.avail_out = 4096
        rc = z.inflate(inf, z.Z_NO_FLUSH)
        assert rc in (z.Z_OK, z.Z_STREAM_END), ffi.string(inf.msg) if inf.msg else rc
        result.append(to_bytes(buf, 4096 - inf.avail_out))
        if rc == z.Z_STREAM_END:
            break
    assert z.inflateEnd(inf) == z.Z_OK
    assert b"".join(result) == data
    assert inf.total_out == len(data)


def test_zlib_reports_errors_through_the_stream_message(libz):
    ffi, z = libz
    version = z.zlibVersion()
    inf = ffi.new("z_stream *")
    assert z.inflateInit_(inf, version, ffi.sizeof("z_stream")) == z.Z_OK
    garbage = b"\x00\x01\x02 definitely not zlib data"
    inf.next_in = ffi.new("Bytef[]", garbage)
    inf.avail_in = len(garbage)
    out = ffi.new("Bytef[64]")
    inf.next_out = out
    inf.avail_out = 64
    assert z.inflate(inf, z.Z_NO_FLUSH) < 0
    assert inf.msg != ffi.NULL and len(ffi.string(inf.msg)) > 0
    z.inflateEnd(inf)
    with pytest.raises(TypeError):
        z.deflateInit_(ffi.new("int *"), 6, version, 112)
