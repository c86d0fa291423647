"""Reading constant data out of an ELF object file the C compiler wrote.

A probe whose answers are compile-time constants (sizes, offsets, macro values)
need not be linked or run: the compiler stores each answer in an initialised
``const`` array, and this module reads those arrays back from the relocatable
object by symbol name. That costs one compiler run without the linker, and it
works for a cross compiler, whose programs could not run here.
"""

import struct

__all__ = ["ObjectFileError", "read_symbols"]

_SHT_SYMTAB = 2
_SHT_NOBITS = 8
_SHN_UNDEF = 0
_SHN_LORESERVE = 0xFF00


class ObjectFileError(ValueError):
    """The file is not an ELF object this reader understands."""


def read_symbols(path, prefix):
    """``{name: bytes}`` for every defined data symbol of the object at ``path``
    whose name starts with ``prefix``: the bytes its initialiser stored."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:4] != b"\x7fELF" or len(data) < 64:
        raise ObjectFileError("%s is not an ELF object file" % path)
    wide = {1: False, 2: True}.get(data[4])
    order = {1: "<", 2: ">"}.get(data[5])
    if wide is None or order is None:
        raise ObjectFileError("%s: unknown ELF class or byte order" % path)
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
    found = {}
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
    end = data.index(b"\0", at)
    return data[at:end].decode("utf-8", "replace")
