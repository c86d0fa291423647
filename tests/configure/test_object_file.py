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


def test_value_pairs_tell_negative_from_large_unsigned(tmp_path):
    source = tmp_path / "pairs.c"
    source.write_text(
        "#define P(x) (unsigned long long)(x), ((x) <= 0)\n"
        "const unsigned long long _rcffi_p0[] = { 7, P(-5), P(0xfffffffffffffffbULL), P(0),"
        " P(sizeof(long)) };\n")
    obj = tmp_path / "pairs.o"
    subprocess.run(["cc", "-c", str(source), "-o", str(obj)], check=True)
    found = _objfile.read_symbols(str(obj), "_rcffi_")
    assert found.byteorder == "little"
    assert found.words("_rcffi_p0")[0] == 7 and found.words("_rcffi_none") == []
    assert found.integers("_rcffi_p0", skip=1) == [-5, 2**64 - 5, 0, 8]


def test_a_truncated_object_is_refused_not_crashing(tmp_path):
    source = tmp_path / "data.c"
    source.write_text("const unsigned long long _rcffi_a[] = { 1, 2 };\n")
    obj = tmp_path / "data.o"
    subprocess.run(["cc", "-c", str(source), "-o", str(obj)], check=True)
    data = obj.read_bytes()
    for cut in (70, len(data) // 2, len(data) - 10):
        obj.write_bytes(data[:cut])
        with pytest.raises(_objfile.ObjectFileError, match="data.o"):
            _objfile.read_symbols(str(obj), "_rcffi_")
