"""Backend primitives rcffi.ctypes needs: ``object_at`` (py_object reads a
``PyObject *`` back from memory) and ``ABI_KEEP_GIL`` (PyDLL calls Python's C
API, which must run with the GIL held)."""

import threading

import pytest

from rcffi import _backend as B


def test_object_at_gives_the_object_back():
    marker = object()
    assert B.object_at(id(marker)) is marker


def test_object_at_null_is_an_error():
    with pytest.raises(ValueError):
        B.object_at(0)


def test_keep_gil_function_type_is_named_and_callable():
    long_ = B.new_primitive_type("long")
    uintptr = B.new_primitive_type("uintptr_t")
    ftype = B.new_function_type((long_,), uintptr, 0, B.ABI_KEEP_GIL)
    assert "__keep_gil" in B.getcname(ftype, "")
    lib = B.load_library(None)
    from_long = lib.load_function(ftype, "PyLong_FromLong")
    assert B.object_at(from_long(4242)) == 4242


def test_default_abi_releases_the_gil_around_calls():
    # usleep under the default ABI lets another Python thread run meanwhile.
    uint = B.new_primitive_type("unsigned int")
    int_ = B.new_primitive_type("int")
    lib = B.load_library(None)
    usleep = lib.load_function(B.new_function_type((uint,), int_), "usleep")
    ticks = []
    stop = threading.Event()

    def spin():
        while not stop.is_set():
            ticks.append(1)

    t = threading.Thread(target=spin)
    t.start()
    try:
        before = len(ticks)
        usleep(200000)
        during = len(ticks) - before
    finally:
        stop.set()
        t.join()
    assert during > 0


class _Described(B._CtypesBufferBase):
    """A subclass that describes memory it owns through a backend cdata."""

    def __init__(self, data, readonly=False, fmt="B", shape=None, itemsize=None):
        self.mem = B.newp(B.new_array_type(B.new_pointer_type(B.new_primitive_type("char")),
                                           len(data)), data)
        self.address = int(B.cast(B.new_primitive_type("uintptr_t"), self.mem))
        self.size, self.readonly, self.fmt = len(data), readonly, fmt
        self.shape = (len(data),) if shape is None else shape
        count = 1
        for dim in self.shape:
            count *= dim
        self.itemsize = itemsize or (self.size // count if count else 1)

    def _b_buffer_(self):
        return self.address, self.size, self.readonly, self.fmt, self.shape, self.itemsize


def test_buffer_base_exports_what_the_subclass_describes():
    obj = _Described(b"abcd")
    view = memoryview(obj)
    assert (view.tobytes(), view.readonly, view.obj is obj) == (b"abcd", False, True)
    view[0] = ord("z")
    assert B.unpack(B.cast(B.new_pointer_type(B.new_primitive_type("char")), obj.address),
                    4) == b"zbcd"


def test_buffer_base_format_shape_and_readonly():
    view = memoryview(_Described(b"\x01\x00\x02\x00", fmt="h", shape=(2,)))
    assert (view.format, view.itemsize, view.shape, view.tolist()) == ("h", 2, (2,), [1, 2])
    scalar = memoryview(_Described(b"\x05\x00\x00\x00", readonly=True, fmt="<i", shape=()))
    assert (scalar.ndim, scalar.itemsize, scalar.readonly, scalar.tobytes()) == (
        0, 4, True, b"\x05\x00\x00\x00")
    # An empty array still has items of a size (the strides step by it).
    empty = memoryview(_Described(b"", fmt="<i", shape=(2, 0), itemsize=4))
    assert (empty.itemsize, empty.shape, empty.strides, empty.nbytes) == (4, (2, 0), (0, 4), 0)


def test_buffer_base_without_a_description_is_an_error():
    with pytest.raises(AttributeError):
        memoryview(B._CtypesBufferBase())


class _Sized(B._CtypesBufferBase):
    """An instance type whose shape says how much memory instances own."""

    _b_shape_ = B._CtypesShape(40)


def test_instances_own_zeroed_memory_of_their_shape():
    obj = _Sized()
    assert (obj._b_needsfree_, obj._b_owned_size_, obj._b_base_, obj._objects) == (
        True, 40, None, None)
    pchar = B.new_pointer_type(B.new_primitive_type("char"))
    assert B.unpack(B.cast(pchar, obj._b_addr), 40) == b"\0" * 40


def test_view_token_makes_a_view_of_anothers_memory():
    owner = _Sized()
    view = B._CtypesBufferBase.__new__(_Sized, B._CTYPES_VIEW, owner._b_addr + 8, owner, 3)
    assert (view._b_addr, view._b_base_ is owner, view._b_index, view._b_needsfree_) == (
        owner._b_addr + 8, True, 3, False)
    with pytest.raises(ValueError, match="doesn't own it"):
        view._b_resize_(80)


def test_resize_moves_the_contents():
    obj = _Sized()
    pchar = B.new_pointer_type(B.new_primitive_type("char"))
    B.memmove(B.cast(pchar, obj._b_addr), b"abc", 3)
    obj._b_resize_(100)
    assert (obj._b_owned_size_, B.unpack(B.cast(pchar, obj._b_addr), 4)) == (100, b"abc\0")


def test_shape_must_be_a_shape():
    class Wrong(B._CtypesBufferBase):
        _b_shape_ = 12

    with pytest.raises(TypeError, match="_CtypesShape"):
        Wrong()


def test_field_reads_and_writes_its_offset():
    class Record(B._CtypesBufferBase):
        _b_shape_ = B._CtypesShape(16)

    Record.second = B._CtypesField("second", 4, "i", Record)
    obj = Record()
    obj.second = -2
    pint = B.new_pointer_type(B.new_primitive_type("int"))
    assert (obj.second, B.cast(pint, obj._b_addr)[1]) == (-2, -2)
    with pytest.raises(TypeError, match="not a ctype instance"):
        Record.second.__get__(object())


def test_field_owner_must_be_a_ctypes_type():
    with pytest.raises(TypeError, match="owner"):
        B._CtypesField("x", 0, "i", int)


def test_init_slot_leaves_classes_with_their_own_init():
    class Own(B._CtypesBufferBase):
        def __init__(self, value):
            self.value = value

    B._ctypes_init_slot(Own)
    assert Own(5).value == 5
