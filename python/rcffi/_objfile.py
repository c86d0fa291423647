"""Reading constant data out of an ELF object file the C compiler wrote.

A probe whose answers are compile-time constants (sizes, offsets, macro values)
need not be linked or run: the compiler stores each answer in an initialised
``const`` array, and this module reads those arrays back from the relocatable
object by symbol name. That costs one compiler run without the linker, and it
works for a cross compiler, whose programs could not run here.
"""

import struct

__all__ = ["ObjectFileError", "Symbols", "read_symbols"]

_SHT_SYMTAB = 2
_SHT_NOBITS = 8
_SHN_UNDEF = 0
_SHN_LORESERVE = 0xFF00


class ObjectFileError(ValueError):
    """The file is not an ELF object this reader understands."""


class Symbols(dict):
    """``{name: bytes}``, with the object's byte order (``"little"`` or
    ``"big"``): a cross compiler's target may not share the host's."""

    def __init__(self, byteorder):
        super().__init__()
        self.byteorder = byteorder

    def words(self, name):
        """The 64-bit unsigned integers of the array ``name`` ([] when absent)."""
        data = self.get(name, b"")
        return [int.from_bytes(data[i:i + 8], self.byteorder)
                for i in range(0, len(data) - 7, 8)]

    def integers(self, name, skip=0):
        """The integers of the array ``name`` written, after ``skip`` words, as
        pairs (the value's bits as unsigned, whether the value is negative or
        zero): so a negative value is told from a large unsigned one."""
        words = self.words(name)[skip:]
        return [bits - (1 << 64) if negative and bits else bits
                for bits, negative in zip(words[::2], words[1::2])]


def read_symbols(path, prefix):
    """The ``Symbols`` of the object at ``path``: every defined data symbol
    whose name starts with ``prefix``, with the bytes its initialiser stored."""
    with open(path, "rb") as f:
        data = f.read()
    try:
        return _symbols(data, prefix)
    except ObjectFileError as e:
        raise ObjectFileError("%s: %s" % (path, e)) from None
    except (struct.error, IndexError) as e:
        raise ObjectFileError("%s: truncated or malformed ELF object (%s)" % (path, e)) from None


def _symbols(data, prefix):
    if data[:4] != b"\x7fELF" or len(data) < 64:
        raise ObjectFileError("not an ELF object file")
    wide = {1: False, 2: True}.get(data[4])
    order = {1: "<", 2: ">"}.get(data[5])
    if wide is None or order is None:
        raise ObjectFileError("unknown ELF class or byte order")
    if wide:
        shoff, = struct.unpack_from(order + "Q", data, 0x28)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x3A)
        section = struct.Struct(order + "IIQQQQIIQQ")
        symbol = struct.Struct(order + "IBBHQQ")
    else:
        shoff, = struct.unpack_from(order + "I", data, 0x20)
        shentsize, shnum = struct.unpack_from(order + "HH", data, 0x2E)
        section = struct.Struct(order + "IIIIIIIIII")
        symbol = struct.Struct(order + "IIIBBH")
    sections = [_section(section.unpack_from(data, shoff + i * shentsize))
                for i in range(shnum)]
    found = Symbols("little" if order == "<" else "big")
    for kind, _, offset, size, link, entsize in sections:
        if kind != _SHT_SYMTAB or not entsize:
            continue
        names = sections[link]
        for at in range(offset, offset + size, entsize):
            fields = symbol.unpack_from(data, at)
            if wide:
                name_at, _, _, index, value, length = fields
            else:
                name_at, value, length, _, _, index = fields
            if index == _SHN_UNDEF or index >= _SHN_LORESERVE:
                continue
            name = _string(data, names[2] + name_at)
            if not name.startswith(prefix):
                continue
            home = sections[index]
            if home[0] == _SHT_NOBITS:
                found[name] = bytes(length)
            else:
                start = home[2] + value
                found[name] = data[start:start + length]
    return found


def _section(fields):
    """(type, flags, file offset, size, link, entry size) of a section header."""
    _, kind, flags, _, offset, size, link, _, _, entsize = fields
    return kind, flags, offset, size, link, entsize


def _string(data, at):
    end = data.find(b"\0", at)
    if end < 0:
        raise ObjectFileError("a symbol name runs past the end of the file")
    return data[at:end].decode("utf-8", "replace")
