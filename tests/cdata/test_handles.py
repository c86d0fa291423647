"""ffi.new_handle / ffi.from_handle."""

import gc

import pytest

from differential import outcome


def test_roundtrip_and_repr(both):
    for ffi in both:
        obj = [1]
        h = ffi.new_handle(obj)
        assert repr(h) == "<cdata 'void *' handle to [1]>"
        assert ffi.from_handle(h) is obj
        assert ffi.from_handle(ffi.cast("char *", h)) is obj
        stored = ffi.new("void *[1]", [h])
        assert ffi.from_handle(stored[0]) is obj


def test_each_handle_is_unique(ffi):
    obj = object()
    h1, h2 = ffi.new_handle(obj), ffi.new_handle(obj)
    assert h1 != h2
    assert len({h1, h2}) == 2


def test_handle_keeps_the_object_alive(ffi):
    class Thing:
        pass

    h = ffi.new_handle(Thing())
    gc.collect()
    assert isinstance(ffi.from_handle(h), Thing)


ERRORS = ["ffi.from_handle(ffi.NULL)", "ffi.from_handle(5)",
          "ffi.from_handle(ffi.cast('int *', h))", "ffi.from_handle(ffi.cast('intptr_t', h))",
          "ffi.release(h)", "ffi.new_handle()"]


@pytest.mark.parametrize("expr", ERRORS)
def test_errors_match_cffi(both, expr):
    def run(ffi):
        return eval(expr, {"ffi": ffi, "h": ffi.new_handle(1)})

    r, c = both
    assert outcome(lambda: run(r)) == outcome(lambda: run(c))


def test_pointer_that_is_not_a_handle_raises(ffi):
    with pytest.raises(RuntimeError):
        ffi.from_handle(ffi.cast("void *", ffi.new("long[2]")))


def test_an_object_holding_its_own_handle_is_collected(ffi):
    import gc
    import weakref

    class Holder:
        pass

    o = Holder()
    o.handle = ffi.new_handle(o)
    ref = weakref.ref(o)
    del o
    gc.collect()
    assert ref() is None


def test_a_handle_keeps_its_object_while_it_lives(ffi):
    import gc

    class Payload:
        pass

    h = ffi.new_handle(Payload())
    gc.collect()
    assert type(ffi.from_handle(h)).__name__ == "Payload"
    assert isinstance(h, ffi.CData)


def test_cdata_cannot_be_subclassed():
    import rcffi._backend

    with pytest.raises(TypeError):
        type("Sub", (rcffi._backend.CData,), {})


@pytest.mark.parametrize("use", [
    "ffi.memmove(h, b'abcd', 4)",
    "ffi.memmove(ffi.new('char[16]'), h, 16)",
    "ffi.buffer(h, 16)",
])
def test_no_memory_is_read_or_written_through_a_handle(ffi, use):
    # A handle's address is rcffi's record of its object: overwriting it
    # would make from_handle() return garbage.
    h = ffi.new_handle([1, 2])
    with pytest.raises(TypeError, match="handle"):
        eval(use, {"ffi": ffi, "h": h})
    assert ffi.from_handle(h) == [1, 2]
