"""Arrays, pointers, casts, buffers and the memory functions."""

import array
import sys

from differential import error_of


def test_arrays(same):
    def run(m):
        a = (m.c_int * 5)(1, 2, 3)
        a[4] = 2**40 + 1
        return list(a), a[1:4], a[::-2], len(a), type(a).__name__, a[-1]
    same(run)


def test_array_errors(same):
    same(lambda m: (m.c_int * 2)(1, 2, 3))
    same(lambda m: (m.c_int * 2)()[2])
    same(lambda m: m.c_int * -1)


def test_char_arrays(same):
    def run(m):
        buf = m.create_string_buffer(b"hello", 8)
        buf.value = b"hi"
        out = [buf.value, buf.raw, buf[:3]]
        w = m.create_unicode_buffer("h\xe9llo")
        return out + [w.value, w[1], m.sizeof(w) // m.sizeof(m.c_wchar)]
    same(run)


def test_pointers(same):
    def run(m):
        x = m.c_int(10)
        p = m.pointer(x)
        p[0] = 11
        q = m.POINTER(m.c_int)()
        out = [x.value, p.contents.value, bool(p), bool(q)]
        try:
            q.contents
        except ValueError as e:
            out.append(str(e))
        arr = (m.c_int * 3)(5, 6, 7)
        r = m.cast(arr, m.POINTER(m.c_int))
        return out + [r[2], r[:3], m.POINTER(m.c_int) is m.POINTER(m.c_int)]
    same(run)


def test_cast_rules(same):
    same(lambda m: m.cast(m.c_int(1), m.c_int))
    same(lambda m: m.cast(0, m.c_char_p).value)
    same(lambda m: m.cast(b"abc", m.c_char_p).value)


def test_memory_functions(same):
    def run(m):
        buf = m.create_string_buffer(10)
        m.memmove(buf, b"abcdef", 6)
        m.memset(m.byref(buf, 2), ord("z"), 2)
        return buf.raw, m.string_at(buf), m.string_at(buf, 3), \
            m.wstring_at(m.create_unicode_buffer("wide"), 2)
    same(run)


def test_buffers(same):
    def run(m):
        data = bytearray(b"\x01\x00\x00\x00\x02\x00\x00\x00")
        view = (m.c_int * 2).from_buffer(data)
        view[1] = 5
        copy = m.c_int.from_buffer_copy(data, 4)
        data[0] = 9
        return list(view), copy.value, bytes(data)
    same(run)
    same(lambda m: m.c_int.from_buffer(b"1234"))
    same(lambda m: m.c_int.from_buffer(bytearray(2)))


def test_sizeof_errors(same):
    same(lambda m: m.sizeof(5))
    same(lambda m: m.addressof(5))
    same(lambda m: m.byref(5))


def test_resize(same):
    def run(m):
        x = m.c_int()
        m.resize(x, 32)
        try:
            m.resize(x, 2)
        except ValueError as e:
            return m.sizeof(x), str(e)
    same(run)


def test_deletions_are_refused(same):
    def run(m):
        outcomes = []
        for action in (lambda: delattr(m.c_int(1), "value"),
                       lambda: (m.c_int * 2)().__delitem__(0),
                       lambda: m.pointer(m.c_int()).__delitem__(0)):
            try:
                action()
            except TypeError as e:
                outcomes.append(str(e))
        return outcomes
    same(run)


def test_char_pointer_params_take_strings(same):
    def run(m, name, argtype, text):
        f = getattr(m.CDLL(None), name)
        f.argtypes = [m.POINTER(argtype)]
        return f(text)
    same(lambda m: run(m, "strlen", m.c_char, b"abcd"))
    same(lambda m: run(m, "wcslen", m.c_wchar, "abc"))
    same(lambda m: run(m, "strlen", m.c_int, b"abc"))


def test_in_dll_missing_symbol(same):
    same(lambda m: m.c_int.in_dll(m.pythonapi, "no_such_symbol_anywhere"))


def test_memoryview_of_instances(same):
    def run(m):
        class S(m.Structure):
            _fields_ = [("a", m.c_short), ("b", m.c_int)]

        out = []
        for obj in (m.c_int(-2), m.c_double(1.5), (m.c_short * 3)(1, 2, 3), S(7, 8),
                    m.create_string_buffer(b"ab", 4), m.pointer(m.c_int())):
            view = memoryview(obj)
            data = view.tobytes()
            out.append((view.nbytes, view.readonly, view.c_contiguous,
                        data if not isinstance(obj, m._Pointer) else len(data)))
        return out
    same(run)


def test_writes_through_a_memoryview(same):
    def run(m):
        x = m.c_int(0)
        memoryview(x).cast("B")[0] = 0x41
        s = (m.c_char * 3)()
        memoryview(s).cast("B")[1:3] = b"yz"
        return x.value, s.raw, m.c_int.from_buffer_copy(memoryview(m.c_int(99))).value
    same(run)


def test_arrays_of_empty_elements_have_no_size(same):
    def run(m):
        class Empty(m.Structure):
            _fields_ = []

        return m.sizeof((Empty * 2)()), m.sizeof((m.c_int * 0)()), m.sizeof((m.c_int * 0 * 3)())
    same(run)


def test_char_array_fields_take_strings_only(same):
    def field(m, item):
        return type("S", (m.Structure,), {"_fields_": [("a", item * 4)]})()

    same(lambda m: setattr(field(m, m.c_char), "a", 1))
    same(lambda m: setattr(field(m, m.c_wchar), "a", 1))
    same(lambda m: type("O", (m.Structure,), {"_fields_": [("s", type(field(m, m.c_char)))]})(
        (5,)))


def test_sizeof_addressof_and_raw_memory(same):
    def run(m):
        buf = m.create_string_buffer(b"hello", 8)
        m.memmove(m.addressof(buf) + 1, b"EL", 2)
        out = [m.sizeof(buf), m.sizeof(m.c_int * 3), m.sizeof(m.c_int(1)), buf.raw,
               buf.value, m.string_at(buf, 3), m.addressof(buf) == m.cast(buf, m.c_void_p).value]
        for bad in (lambda: m.sizeof(3), lambda: m.addressof(3)):
            try:
                bad()
            except TypeError as e:
                out.append(str(e))
        m.resize(buf, 32)
        out.append(m.sizeof(buf))
        return out
    same(run)


def test_a_char_pointer_from_bytes_points_into_them(same):
    def run(m):
        data = b"foo bar"
        arr = (m.c_char_p * 2)()
        empty = arr._objects
        arr[0] = data
        kept = arr._objects["0"] is data
        # bytes keep their characters at a fixed offset from the object's start.
        header = sys.getsizeof(data) - len(data) - 1
        address = m.cast(arr, m.POINTER(m.c_void_p))[0]
        return empty, kept, address == id(data) + header, arr[0]
    assert same(run) == ("gives", "(None, True, True, b'foo bar')")


def test_a_cast_shares_the_objects_it_keeps(same):
    def run(m):
        arr = (m.c_char_p * 3)()
        arr[0] = b"foo"
        p = m.cast(arr, m.POINTER(m.c_char_p))
        p[1] = b"bar"
        return (p._objects is arr._objects, sorted(k for k in p._objects if isinstance(k, str)),
                p._objects[id(arr)] is arr, p[1])
    assert same(run) == ("gives", "(True, ['0', '1'], True, b'bar')")


def test_a_cast_of_a_view_keeps_the_memory_alive():
    """A cast of an object that only views memory (a pointer's contents, an
    item, a field) keeps the view and so the memory's owner: the pointer reads
    what the array holds after every other reference is gone. CPython 3.11
    keeps nothing there and reads freed memory (fuzz/README.md), so this is
    rcffi's behaviour alone."""
    import gc

    import rcffi.ctypes as m

    class Rec(m.Structure):
        _fields_ = [("tag", m.c_int), ("arr", m.c_short * 64)]

    def make():
        buf = (m.c_short * 64)(*range(1, 65))
        rec = Rec(7, (m.c_short * 64)(*range(101, 165)))
        return (m.cast(m.pointer(buf).contents, m.POINTER(m.c_short)),
                m.cast(rec.arr, m.POINTER(m.c_short)))

    through_contents, through_field = make()
    gc.collect()
    junk = [bytes(range(256)) * 2 for _ in range(200)]
    assert [through_contents[i] for i in range(3)] == [1, 2, 3]
    assert [through_field[i] for i in range(3)] == [101, 102, 103]
    del junk


def test_from_buffer_keeps_a_memoryview_of_the_object(same):
    def run(m):
        data = array.array("i", range(4))
        x = (m.c_int * 4).from_buffer(data)
        views = [v for v in x._objects.values() if isinstance(v, memoryview)]
        return len(views), views[0].obj is data, len(x._objects), x[3]
    assert same(run) == ("gives", "(1, True, 1, 3)")


def test_memory_that_cannot_be_had_is_a_memoryerror_of(same):
    def run(m):
        out = []
        buf = m.create_string_buffer(b"abc", 8)
        m.resize(buf, 64)
        for attempt in (lambda: m.create_string_buffer(1 << 50), lambda: (m.c_char * (1 << 50))(),
                        lambda: m.resize(buf, 1 << 50)):
            try:
                attempt()
            except MemoryError:
                out.append("MemoryError")
        return out, m.sizeof(buf), buf.value
    assert same(run) == ("gives", "(['MemoryError', 'MemoryError', 'MemoryError'], 64, b'abc')")


def _buffer_description(obj):
    view = memoryview(obj)
    return view.format, view.itemsize, view.shape, view.ndim, view.strides, view.nbytes


def test_buffers_describe_their_items_in_pep_3118_format(same):
    """numpy and the struct module read these: the item format (native order
    as "<", an 8-byte long as "q"), the dimensions of nested arrays, "&" for a
    pointer, "T{...}" for a structure, "B" for what has no layout of its own."""
    def run(m):
        class Pt(m.Structure):
            _fields_ = [("x", m.c_int), ("y", m.c_int)]

        class U(m.Union):
            _fields_ = [("i", m.c_int), ("d", m.c_double)]

        class Packed(m.Structure):
            _pack_ = 1
            _fields_ = [("c", m.c_char), ("i", m.c_int)]

        class Big(m.BigEndianStructure):
            _fields_ = [("x", m.c_int), ("a", m.c_short * 2)]

        class Empty(m.Structure):
            _fields_ = []

        class Later(m.Structure):
            pass

        objects = [m.c_int(1), m.c_long(), m.c_ulonglong(), m.c_bool(), m.c_char(), m.c_wchar(),
                   m.c_double(), m.c_longdouble(), m.c_void_p(), m.c_char_p(), m.py_object(),
                   m.c_int.__ctype_be__(), (m.c_int * 3)(), ((m.c_int * 2) * 3)(),
                   (m.c_int * 0 * 2)(), (Pt * 2)(), (U * 2)(), m.pointer(m.c_int()),
                   m.pointer((m.c_int * 2)()), m.POINTER(Later)(), m.pointer(Pt()), Pt(), U(),
                   Packed(), Big(), Empty(), m.CFUNCTYPE(None)(), m.create_string_buffer(3)]
        return [_buffer_description(obj) for obj in objects]
    same(run)


def test_structure_formats_have_every_field_and_the_padding():
    """A structure's format places every field, inherited ones too, with the
    padding between and after them, so that its size is the structure's (numpy
    reads it so). CPython 3.11 writes no padding and only the class's own
    fields, which numpy corrects for its own ctypes objects alone: here the
    formats are rcffi's."""
    import rcffi.ctypes as m

    class Pt(m.Structure):
        _fields_ = [("x", m.c_int), ("y", m.c_long)]

    class Sub(Pt):
        _fields_ = [("z", m.c_char)]

    class Inner(m.Structure):
        _fields_ = [("a", m.c_int)]

    class Anon(m.Structure):
        _anonymous_ = ["i"]
        _fields_ = [("q", m.c_char), ("i", Inner)]

    class Bits(m.Structure):
        _fields_ = [("a", m.c_int, 3), ("b", m.c_int, 5), ("c", m.c_char), ("d", m.c_longlong, 40)]

    formats = [(memoryview(cls()).format, m.sizeof(cls)) for cls in (Pt, Sub, Anon, Bits)]
    assert formats == [("T{<i:x:4x<q:y:}", 16), ("T{<i:x:4x<q:y:<c:z:7x}", 24),
                       ("T{<c:q:3xT{<i:a:}:i:}", 8), ("T{<i:a:<c:c:3x<q:d:}", 16)]


def test_a_buffer_of_a_resized_instance_keeps_its_item(same):
    def run(m):
        x = m.c_int(5)
        m.resize(x, 32)
        return _buffer_description(x), bytes(memoryview(x))[:4]
    same(run)


def test_memory_functions_take_what_a_c_void_p_parameter_takes(same):
    """ctypes declares memmove, memset and string_at with c_void_p pointers and
    C integers: a record or a number object is its ArgumentError, naming the
    argument; arrays, pointers, byref() and addresses are taken."""
    def run(m):
        class Pt(m.Structure):
            _fields_ = [("x", m.c_int)]

        buf = m.create_string_buffer(b"abcd", 8)
        refused = [error_of(lambda: m.memmove(Pt(), buf, 1)), error_of(lambda: m.memset(m.c_int(), 0, 1)),
                   error_of(lambda: m.string_at(m.c_double(), 1)),
                   error_of(lambda: m.memmove(buf, Pt(), 1)), error_of(lambda: m.memset(buf, 1.5, 1)),
                   error_of(lambda: m.memmove(buf, buf, "2")), error_of(lambda: m.string_at(buf, 1.0))]
        m.memset(m.byref(buf, 1), ord("z"), 2)
        m.memset(m.pointer(buf), ord("y"), 1)
        m.memmove(m.addressof(buf) + 6, b"!", 1)
        return refused, buf.raw, m.string_at(buf, 2 ** 32 + 3), m.memset(buf, 0, 2 ** 64) == m.addressof(buf)
    same(run)


def test_instances_take_attributes_and_refuse_hashing(same):
    """Arrays and pointers have a __dict__, as records and simple instances do
    (``buf._keep = obj`` is the usual way to keep a Python object alive); none
    hashes, though the type still counts as Hashable."""
    import collections.abc

    def run(m):
        arr, ptr = (m.c_int * 2)(), m.pointer(m.c_int())
        arr.value, ptr.note = b"", 7
        hashes = [error_of(lambda obj=obj: hash(obj)) for obj in
                  (m.c_int(), arr, ptr, m.c_char_p(), m.create_string_buffer(2))]
        return arr.value, ptr.note, hashes, isinstance(arr, collections.abc.Hashable)
    same(run)


def test_array_values_are_stored_in_order(same):
    """A bad value stops the initialisation where it is; one past the end is
    an IndexError only when reached."""
    def run(m):
        return [error_of(lambda: (m.c_int * 1)((1, 2), b"x", 3)),
                error_of(lambda: (m.c_int * 1)(1, b"x", 3)), error_of(lambda: (m.c_int * 1)(1, 2))]
    same(run)


def test_slice_assignment_takes_a_sequence_of_the_slice_length(same):
    def run(m):
        a = (m.c_int * 4)()
        errors = [error_of(lambda v=v: a.__setitem__(slice(0, 1), v))
                  for v in (1j, {"x": 1}, (i for i in [1]), [1, 2])]
        a[1:3] = (5, 6)
        return errors, list(a)
    same(run)


def test_text_of_a_resized_character_array_covers_its_memory(same):
    def run(m):
        buf = m.create_string_buffer(b"abc", 4)
        m.resize(buf, 12)
        buf.raw = b"x" * 10
        wide = m.create_unicode_buffer(2)
        m.resize(wide, 4 * m.sizeof(m.c_wchar))
        wide.value = "wxyz"
        return buf.value, len(buf.raw), wide.value, error_of(lambda: setattr(buf, "raw", b"y" * 13))
    same(run)


def test_only_arrays_of_characters_have_text(same):
    """``value`` and ``raw`` belong to char arrays, ``value`` to wchar arrays;
    an item or a pointer's target of such a type takes instances, not text."""
    def run(m):
        out = [hasattr((m.c_int * 2)(), "value"), hasattr(m.create_unicode_buffer(2), "raw"),
               error_of(lambda: delattr(m.create_string_buffer(2), "raw"))]
        grid = ((m.c_char * 3) * 2)()
        out.append(error_of(lambda: grid.__setitem__(0, b"ab")))
        out.append(error_of(lambda: m.pointer((m.c_wchar * 3)()).__setitem__(0, "ab")))
        grid[1] = (m.c_char * 3)(b"h", b"i")
        return out, grid[1].value
    same(run)


def test_a_zero_sized_instance_grows_by_resize(same):
    def run(m):
        empty = (m.c_char * 0)()
        before = m.sizeof(empty)
        m.resize(empty, 1)
        return before, m.sizeof(empty), m.addressof((m.c_char * 0).from_buffer(bytearray())) != 0
    same(run)


def test_booleans_are_any_nonzero_byte(same):
    """Truth and c_bool reads, as C has them: a set byte is true whatever its
    value, and a simple instance is false only when all its bytes are zero."""
    def run(m):
        flags = (m.c_bool * 3)()
        m.memset(flags, 7, 2)
        return (flags[0:3], list(flags), m.cast(flags, m.POINTER(m.c_bool))[1],
                [bool(x) for x in (m.c_char(b"\0"), m.c_wchar("\0"), m.c_double(-0.0),
                                   m.c_double(0.0), m.c_ubyte(256), m.c_int(2))])
    same(run)


def test_a_pointer_item_initialised_by_a_bad_tuple(same):
    def run(m):
        class Pt(m.Structure):
            _fields_ = [("x", m.c_int)]

        return error_of(lambda: (m.POINTER(Pt) * 2)().__setitem__(0, (1, 2)))[0]
    same(run)


def test_what_the_backend_reads_for_slices_values_and_views(same):
    """Slices of arrays of simple types, c_char_p values, char-array text and
    record, array and pointer fields (read as views) are read in the backend;
    they give what ctypes gives, views keep their record alive."""
    import gc

    def run(m):
        out = []
        for t in (m.c_byte, m.c_ubyte, m.c_short, m.c_ushort, m.c_int, m.c_uint, m.c_long,
                  m.c_ulong, m.c_longlong, m.c_ulonglong, m.c_float, m.c_double, m.c_bool,
                  m.c_char, m.c_void_p):
            a = (t * 6)()
            m.memmove(a, bytes(range(200, 200 + m.sizeof(a))), m.sizeof(a))
            out.append([a[1:4], a[4:1], a[-2:], a[::2], a[-100:100]])

        class Inner(m.Structure):
            _fields_ = [("x", m.c_int), ("name", m.c_char_p)]

        class Outer(m.Structure):
            _fields_ = [("inner", Inner), ("arr", m.c_short * 3), ("p", m.POINTER(m.c_int)),
                        ("text", m.c_char * 4)]

        def make():
            o = Outer(Inner(7, b"seven"), (m.c_short * 3)(1, 2, 3), None, b"abcd")
            return o.inner, o.arr, o.p

        inner, arr, p = make()
        gc.collect()
        out += [inner.x, inner.name, list(arr), bool(p), m.c_char_p().value,
                m.c_char_p(b"x\0y").value, type(inner).__name__]
        buf = m.create_string_buffer(b"hi", 4)
        m.resize(buf, 8)
        m.memmove(m.addressof(buf) + 4, b"wxyz", 4)
        out += [buf.value, buf.raw]
        m.memset(buf, 0x41, 8)
        out += [buf.value, m.string_at(buf, 3), m.pointer(m.c_int(3)).contents.value]
        return out

    assert same(run)[0] == "gives"
