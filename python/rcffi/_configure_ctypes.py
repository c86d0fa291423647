"""The ctypes form of configure's answers: the rcffi ``CType`` answers of
:func:`rcffi.configure.configure` turned into :mod:`rcffi.ctypes` types.

A struct answer becomes a ``Structure`` (a union answer a ``Union``) whose named
fields sit at the compiler's offsets: the gaps the question did not ask about
are filled with ``c_char`` arrays named ``_pad<N>``, and a struct whose offsets
natural alignment cannot reach is given ``_pack_ = 1``. The size always equals
the compiler's, which is checked, so a layout ctypes cannot express is an error
and never a silently different type.
"""

_BY_NAME = {
    "char": "c_char", "signed char": "c_byte", "unsigned char": "c_ubyte", "_Bool": "c_bool",
    "wchar_t": "c_wchar", "float": "c_float", "double": "c_double",
    "long double": "c_longdouble",
}
_INTEGERS = {(1, True): "c_int8", (1, False): "c_uint8", (2, True): "c_int16",
             (2, False): "c_uint16", (4, True): "c_int32", (4, False): "c_uint32",
             (8, True): "c_int64", (8, False): "c_uint64"}


def ctype_hint(hint):
    """The rcffi type string or ``CType`` that a ctypes type given as a hint
    stands for (pointer types hint ``void *``), or None if ``hint`` is none."""
    from . import ctypes

    if not isinstance(hint, type) or not issubclass(hint, ctypes._SimpleCData):
        if isinstance(hint, type) and issubclass(hint, ctypes._Pointer):
            return "void *"
        return None
    if hint is ctypes.c_void_p or hint is ctypes.c_char_p or hint is ctypes.c_wchar_p:
        return "void *"
    return hint._b_ctype_


class Converter:
    """Turns answers into ctypes types; one per ``configure()`` call, so a struct
    used by two answers is one class."""

    def __init__(self, types):
        from . import ctypes

        self._ctypes = ctypes
        self._types = types
        self._done = {}

    def convert(self, answer):
        """``answer`` in ctypes form: types converted, other answers unchanged."""
        from . import _backend

        if not isinstance(answer, _backend.CType):
            return answer
        key = id(answer)
        if key not in self._done:
            self._done[key] = (answer, self._convert(answer))
        return self._done[key][1]

    def _convert(self, ctype):
        ct = self._ctypes
        if ctype.kind in ("struct", "union"):
            return self._record(ctype)
        if ctype.kind == "array":
            return self.convert(ctype.item) * ctype.length
        if ctype.kind == "pointer":
            return ct.c_void_p
        name = _BY_NAME.get(ctype.cname)
        if name is None:
            size = self._types.sizeof(ctype)
            signed = int(self._types.cast(ctype, -1)) < 0
            name = _INTEGERS.get((size, signed))
        if name is None:
            raise TypeError("configure: no ctypes type matches '%s'" % (ctype.cname,))
        return getattr(ct, name)

    def _record(self, ctype):
        ct = self._ctypes
        size = self._types.sizeof(ctype)
        fields = sorted(((f.offset, name, self.convert(f.type)) for name, f in ctype.fields),
                        key=lambda item: item[0])
        is_union = ctype.kind == "union"
        laid, packed, pos = [], False, 0
        for offset, name, field in fields:
            if not is_union and offset > pos:
                laid.append(("_pad%d" % len(laid), ct.c_char * (offset - pos)))
            if offset % ct.alignment(field):
                packed = True
            laid.append((name, field))
            pos = max(pos, offset + ct.sizeof(field))
        if pos < size:
            # A union's members all start at 0: its filler spans the whole union.
            laid.append(("_pad%d" % len(laid), ct.c_char * (size if is_union else size - pos)))
        base = ct.Union if is_union else ct.Structure
        cls = self._class(ctype, base, laid, packed)
        if ct.sizeof(cls) != size and not packed:
            # Aligned offsets, yet a smaller size: the struct is packed.
            cls = self._class(ctype, base, laid, True)
        if ct.sizeof(cls) != size:
            raise TypeError("configure: '%s' has %d bytes, which a ctypes %s of these fields "
                            "cannot have (it would have %d)"
                            % (ctype.cname, size, base.__name__, ct.sizeof(cls)))
        return cls

    @staticmethod
    def _class(ctype, base, fields, packed):
        namespace = {"_fields_": fields}
        if packed:
            namespace["_pack_"] = 1
        return type(ctype.cname.split(" ")[-1], (base,), namespace)
