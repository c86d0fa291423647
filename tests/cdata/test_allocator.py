"""ffi.new_allocator: ffi.new with custom alloc and free."""

import gc

import pytest

from differential import outcome


@pytest.fixture
def libc(ffi):
    ffi.cdef("void *malloc(size_t); void free(void *); typedef struct { int a, b; } pt;")
    return ffi.dlopen(None)


def test_default_allocator_is_new(ffi):
    alloc = ffi.new_allocator()
    p = alloc("int[3]", [1, 2, 3])
    assert list(p) == [1, 2, 3]
    assert repr(p) == "<cdata 'int[3]' owning 12 bytes>"


def test_c_functions_as_alloc_and_free(ffi, libc):
    new = ffi.new_allocator(libc.malloc, libc.free)
    p = new("pt *", [1, 2])
    assert (p.a, p.b) == (1, 2)
    assert p[0].b == 2
    a = new("int[]", 4)
    assert list(a) == [0, 0, 0, 0]
    ffi.release(a)
    with pytest.raises(RuntimeError):
        a[0]


def test_python_functions_as_alloc_and_free(ffi, libc):
    freed = []
    new = ffi.new_allocator(lambda n: libc.malloc(n), lambda p: (freed.append(p), libc.free(p)))
    x = new("int[2]", [5, 6])
    addr = ffi.cast("void *", x)
    assert list(x) == [5, 6]
    ffi.release(x)
    ffi.release(x)
    assert freed == [addr]
    y = new("int *")
    del y
    gc.collect()
    assert len(freed) == 2


def test_free_gets_the_object_alloc_returned(ffi):
    given, freed = [], []

    def alloc(n):
        given.append(ffi.new("char[]", n))
        return given[-1]

    new = ffi.new_allocator(alloc, freed.append)
    p = new("int[3]")
    ffi.release(p)
    assert freed == given and freed[0] is given[0]


def test_the_default_allocator_without_clearing_owns_malloc_memory(ffi):
    new = ffi.new_allocator(should_clear_after_alloc=False)
    p = new("int[]", 1000)
    assert len(p) == 1000
    p[999] = 5
    assert p[999] == 5
    ffi.release(p)


ALLOCATORS = {
    "default": lambda ffi, lib: ffi.new_allocator(),
    "default without clearing": lambda ffi, lib: ffi.new_allocator(should_clear_after_alloc=False),
    "C alloc and free": lambda ffi, lib: ffi.new_allocator(lib.malloc, lib.free),
    "Python alloc": lambda ffi, lib: ffi.new_allocator(lambda n: lib.malloc(n), lib.free),
}


@pytest.mark.parametrize("kind", ALLOCATORS)
@pytest.mark.parametrize("cdecl", ["int *", "int[3]", "pt *"])
def test_allocator_results_show_and_index_as_in_cffi(both, kind, cdecl):
    def made(ffi):
        ffi.cdef("void *malloc(size_t); void free(void *); typedef struct { int a, b; } pt;")
        p = ALLOCATORS[kind](ffi, ffi.dlopen(None))(cdecl)
        return p, type(p).__name__

    (mine, mine_type), (theirs, their_type) = (made(ffi) for ffi in both)
    assert mine_type == their_type
    assert outcome(lambda: mine) == outcome(lambda: theirs)
    # Whether index 1 is refused (as for `new`'s one item), not what it reads:
    # malloc's memory is not cleared, and past one item it is malloc's slack.
    assert outcome(lambda: mine[1])[0] == outcome(lambda: theirs[1])[0]


def test_no_clearing_keeps_what_alloc_gave(ffi):
    buf = ffi.new("int[4]", [7, 7, 7, 7])
    new = ffi.new_allocator(lambda n: buf, None, should_clear_after_alloc=False)
    p = new("int[4]")
    assert list(p) == [7, 7, 7, 7]
    cleared = ffi.new_allocator(lambda n: buf, None)("int[4]")
    assert list(cleared) == [0, 0, 0, 0]


def test_errors(ffi, libc):
    with pytest.raises(TypeError):
        ffi.new_allocator(None, libc.free)
    with pytest.raises(MemoryError):
        ffi.new_allocator(lambda n: ffi.NULL)("int *")
    with pytest.raises(TypeError):
        ffi.new_allocator(lambda n: 5)("int *")
    with pytest.raises(TypeError):
        ffi.new_allocator(libc.free, libc.free)
    with pytest.raises(TypeError):
        ffi.new_allocator(5)


def test_with_statement_frees(ffi, libc):
    freed = []
    new = ffi.new_allocator(libc.malloc, lambda p: (freed.append(p), libc.free(p)))
    with new("int[]", 3) as arr:
        arr[2] = 1
    assert len(freed) == 1
