"""Python file objects where C expects the C library's ``FILE *``: as call
arguments and through ``ffi.cast("FILE *", file)``, one C stream per file,
writes from Python and C kept in order; ``FILE`` is one type for every ffi."""

import os

import pytest

import rcffi


@pytest.fixture
def libc():
    ffi = rcffi.FFI()
    ffi.cdef("""
        int fputs(const char *, FILE *);
        int fileno(FILE *);
        int fflush(FILE *);
        size_t strlen(const char *);
        int fgetc(FILE *);
    """)
    return ffi, ffi.dlopen(None)


def test_a_file_object_is_a_FILE_argument_and_writes_stay_in_order(libc, tmp_path):
    ffi, C = libc
    path = tmp_path / "out.txt"
    with open(path, "wb") as f:
        f.write(b"[")
        assert C.fputs(b"one", f) >= 0
        f.write(b"][")
        assert C.fputs(b"two", f) >= 0
        f.write(b"]")
    assert path.read_bytes() == b"[one][two]"


def test_the_same_stream_is_used_for_every_call_on_a_file(libc, tmp_path):
    ffi, C = libc
    with open(tmp_path / "x", "w") as f:
        first = ffi.cast("FILE *", f)
        assert ffi.cast("FILE *", f) == first
        fd = C.fileno(f)
        assert fd != f.fileno()  # a duplicate of the descriptor
        assert fd == C.fileno(first)


def test_a_read_only_file_can_be_read_by_C(libc, tmp_path):
    ffi, C = libc
    (tmp_path / "in").write_bytes(b"AB")
    with open(tmp_path / "in", "rb") as f:
        assert C.fgetc(f) == ord("A")


def test_a_pipe_written_by_C_reads_back_in_Python(libc):
    ffi, C = libc
    r, w = os.pipe()
    with os.fdopen(w, "wb", 256) as fw:
        fw.write(b"X")
        assert C.fputs(b"hello\n", ffi.cast("FILE *", fw)) >= 0
    try:
        assert os.read(r, 256) == b"Xhello\n"
    finally:
        os.close(r)


def test_only_FILE_pointers_take_file_objects(libc, tmp_path):
    ffi, C = libc
    with open(tmp_path / "y", "wb") as f:
        with pytest.raises(TypeError, match="must be a cdata pointer"):
            C.strlen(f)
        with pytest.raises(TypeError):
            ffi.cast("char *", f)


def test_a_closed_file_is_refused(libc, tmp_path):
    ffi, C = libc
    f = open(tmp_path / "z", "wb")
    f.close()
    with pytest.raises(ValueError, match="closed"):
        C.fputs(b"late", f)


def test_FILE_is_one_type_for_every_ffi():
    a = rcffi.FFI()
    a.cdef("void use(FILE *);")
    b = rcffi.FFI()
    b.cdef("FILE *make(void);")
    assert a.typeof("FILE *") is b.typeof("FILE *")
