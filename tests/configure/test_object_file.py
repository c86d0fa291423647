"""rcffi._objfile: constant data read back from the compiler's object files."""

import subprocess

import pytest

from rcffi import _objfile


def test_initialised_arrays_are_read_by_name(tmp_path):
    source = tmp_path / "data.c"
    source.write_text(
        "const unsigned long long _rcffi_a[] = { 1, 0xffffffffffffffffULL, 42 };\n"
        'const char _rcffi_s[] = "text";\n'
        "const unsigned long long _rcffi_zero[] = { 0, 0 };\n"
        "const int other = 7;\n"
        "extern const int _rcffi_undefined;\n"
        "const int *use(void) { return &_rcffi_undefined; }\n")
    obj = tmp_path / "data.o"
    subprocess.run(["cc", "-c", str(source), "-o", str(obj)], check=True)
    found = _objfile.read_symbols(str(obj), "_rcffi_")
    assert set(found) == {"_rcffi_a", "_rcffi_s", "_rcffi_zero"}
    assert found["_rcffi_a"] == b"".join(
        n.to_bytes(8, "little") for n in (1, 2**64 - 1, 42))
    assert found["_rcffi_s"] == b"text\0" and found["_rcffi_zero"] == bytes(16)


def test_a_file_that_is_not_an_elf_object_is_refused(tmp_path):
    junk = tmp_path / "junk.o"
    junk.write_bytes(b"MZ not an object file" * 4)
    with pytest.raises(_objfile.ObjectFileError, match="not an ELF object"):
        _objfile.read_symbols(str(junk), "_rcffi_")
