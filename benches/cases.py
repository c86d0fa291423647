"""The benchmarked operations: one `Op` per row of the table.

A maker receives what its implementation's loader returned (see backends.py)
and returns a `Case`: a statement and the names it uses. The statement is
compiled straight into the timing loop with those names as fast locals. Calls
appear twice: as users write them (`lib.add(1, 2)`, which pays the attribute
lookup on the lib object) and pre-bound (`f = lib.add; f(1, 2)`).
"""

from __future__ import annotations

import ctypes
import functools
from dataclasses import dataclass
from typing import Any, Callable

from backends import CTYPES_COMPARATOR, load_ctypes

UNROLL = 10

IMPLS = ("rcffi-ABI", "rcffi-API", "cffi-ABI", "cffi-API", "ctypes", "floor", "floor-GIL")
CDEF_STYLE = ("rcffi-ABI", "rcffi-API", "cffi-ABI", "cffi-API")
LIB_STYLE = CDEF_STYLE + ("ctypes",)


@dataclass(frozen=True)
class Case:
    """A statement to time and the local names it uses.

    The statement is compiled into the timing loop itself (not wrapped in a
    Python function), so no extra call frame is added to what is measured.
    `imported` names the locals that the timing module also imports, as code
    that did `from _mod import lib` (see `harness.make_timer`).
    """

    stmt: str
    env: dict[str, Any]
    imported: tuple[str, ...] = ()


def case(stmt: str, **env: Any) -> Case:
    return Case(stmt, env)


@dataclass(frozen=True)
class Op:
    """One benchmarked operation: a name, a description, and one maker per
    implementation. `expect`, when not None, is the value the statement must
    produce, checked once before timing so that a wrong binding cannot post a
    good time. `unroll` is how many times the statement is repeated per loop
    iteration: 1 for ops that take milliseconds, whose loop cost is nothing.
    `per` divides the time of one statement (or gives the divisor when called),
    for ops reported per inner event, like ns per callback of a sort."""

    name: str
    doc: str
    makers: dict[str, Callable[[Any], Case]]
    expect: Any = None
    unroll: int = UNROLL
    per: Callable[[], int] | int = 1


def same_for(impls: tuple[str, ...], maker: Callable[[Any], Case]) -> dict[str, Callable]:
    """Use one maker for several implementations that share an API."""
    return dict.fromkeys(impls, maker)


def call_op(label: str, args: str, expect: Any = None, floor_gil: bool = False,
            name: str | None = None, imported: bool = False, **env: Any) -> list[Op]:
    """Rows for calling C function `name` (default `label`) with `args`:
    `lib.name(args)` as users write it, and `f(args)` with `f = lib.name` bound
    beforehand. The floor module plays the lib (`m.add(1, 2)`); `floor_gil`
    adds its `name_gil` twin, which keeps the GIL. `imported` adds a third row:
    `lib.name(args)` in a module that imported `lib` (`from _mod import lib`,
    the usual API-mode line), which CPython 3.11 compiles differently."""
    name = name or label
    doc = f"{name}({args})"

    def written(attr: str) -> Callable[[Any], Case]:
        return lambda b: case(f"lib.{attr}({args})", lib=b, **env)

    def written_imported(attr: str) -> Callable[[Any], Case]:
        return lambda b: Case(f"lib.{attr}({args})", dict(lib=b, **env), imported=("lib",))

    def bound(attr: str) -> Callable[[Any], Case]:
        return lambda b: case(f"f({args})", f=getattr(b, attr), **env)

    forms = [("as users write it", "", written),
             ("pre-bound f = lib." + name, " bound", bound)]
    if imported:
        forms.insert(1, ("in a module that imported lib", " imported", written_imported))
    rows = []
    for form, suffix, maker in forms:
        makers = {impl: (lambda mk: lambda b: mk(b.lib))(maker(name)) for impl in LIB_STYLE}
        makers["floor"] = maker(name)
        if floor_gil:
            makers["floor-GIL"] = maker(name + "_gil")
        rows.append(Op(label + suffix, f"{doc}, {form}", makers, expect=expect))
    return rows


def point_cdata(b: Any) -> Case:
    p = b.ffi.new("point_t *")
    p.x = 7
    return case("p.x", p=p)


def point_floor(m: Any) -> Case:
    p = m.Point()
    p.x = 7
    return case("p.x", p=p)


def int_array(ffi: Any) -> Any:
    return ffi.new("int[100]", list(range(100)))


def ctypes_int_array() -> Any:
    return (ctypes.c_int * 100)(*range(100))


SORT_N = 20_000


@functools.lru_cache(maxsize=None)
def sort_data() -> list[int]:
    """The same pseudo-random ints on every run (a fixed LCG, not `random`)."""
    x, out = 12345, []
    for _ in range(SORT_N):
        x = (x * 1103515245 + 12345) % 2**31
        out.append(x % 1_000_000)
    return out


@functools.lru_cache(maxsize=None)
def sort_comparisons() -> int:
    """How many times the C library's qsort calls the comparator on
    `sort_data()` (it is deterministic for a given input), counted once through
    ctypes, to report ns per callback."""
    count = [0]

    def compare(a: int, c: int) -> int:
        count[0] += 1
        x = ctypes.cast(a, ctypes.POINTER(ctypes.c_int))[0]
        y = ctypes.cast(c, ctypes.POINTER(ctypes.c_int))[0]
        return (x > y) - (x < y)

    lib = load_ctypes().lib
    src = (ctypes.c_int * SORT_N)(*sort_data())
    dst = (ctypes.c_int * SORT_N)()
    lib.sort_copy(dst, src, SORT_N, CTYPES_COMPARATOR(compare))
    return count[0]


def sort_cdata(b: Any) -> Case:
    """qsort of 20 000 ints through a Python comparator made with ffi.callback."""
    ffi = b.ffi
    cast = ffi.cast

    @ffi.callback("int(*)(void *, void *)")
    def cmp(a: Any, c: Any) -> int:
        x = cast("int *", a)[0]
        y = cast("int *", c)[0]
        return (x > y) - (x < y)

    src = ffi.new("int[]", sort_data())
    dst = ffi.new("int[]", SORT_N)
    return case("f(dst, src, n, cmp)", f=b.lib.sort_copy, dst=dst, src=src, n=SORT_N, cmp=cmp)


def sort_ctypes(b: Any) -> Case:
    as_int = ctypes.POINTER(ctypes.c_int)

    def compare(a: int, c: int) -> int:
        x = ctypes.cast(a, as_int)[0]
        y = ctypes.cast(c, as_int)[0]
        return (x > y) - (x < y)

    cmp = CTYPES_COMPARATOR(compare)
    src = (ctypes.c_int * SORT_N)(*sort_data())
    dst = (ctypes.c_int * SORT_N)()
    return case("f(dst, src, n, cmp)", f=b.lib.sort_copy, dst=dst, src=src, n=SORT_N, cmp=cmp)


def struct_arg_cdata(b: Any) -> Case:
    return case("lib.point_sum(p)", lib=b.lib, p=b.ffi.new("point_t *", [3, 4]))


def struct_arg_floor(m: Any) -> Case:
    p = m.Point()
    p.x, p.y = 3, 4
    return case("m.point_sum(p)", m=m, p=p)


OPS = [
    *call_op("add", "1, 2", expect=3, floor_gil=True, imported=True),
    *call_op("noop", "", floor_gil=True, imported=True),
    *call_op("sum6", "1, 2, 3, 4, 5, 6", expect=21),
    *call_op("dmul", "1.5, 2.0", expect=3.0),
    *call_op("strlen", "s", expect=11, name="bench_strlen", s=b"hello world"),
    Op(
        "constant",
        "lib.BENCH_ANSWER, an enum constant (the floor: a module's int constant)",
        {
            **same_for(CDEF_STYLE, lambda b: case("lib.BENCH_ANSWER", lib=b.lib)),
            "floor": lambda m: case("m.BENCH_ANSWER", m=m),
        },
        expect=42,
    ),
    Op(
        "struct*",
        "lib.point_sum(p) with a point_t * argument",
        {
            **same_for(CDEF_STYLE, struct_arg_cdata),
            "ctypes": lambda b: case("lib.point_sum(p)", lib=b.lib,
                                     p=ctypes.pointer(b.Point(3, 4))),
            "floor": struct_arg_floor,
        },
        expect=7,
    ),
    Op(
        "callback",
        "qsort of 20 000 ints with a Python comparator: ns per comparator call",
        {**same_for(CDEF_STYLE, sort_cdata), "ctypes": sort_ctypes},
        unroll=1,
        per=sort_comparisons,
    ),
    Op(
        "p.x",
        "reading the int field x of a point_t",
        {
            **same_for(CDEF_STYLE, point_cdata),
            "ctypes": lambda b: case("p.x", p=b.Point(7, 0)),
            "floor": point_floor,
        },
        expect=7,
    ),
    Op(
        "p.x = 5",
        "writing the int field x of a point_t",
        {
            **same_for(CDEF_STYLE, lambda b: case("p.x = 5", p=b.ffi.new("point_t *"))),
            "ctypes": lambda b: case("p.x = 5", p=b.Point(7, 0)),
            "floor": lambda m: case("p.x = 5", p=m.Point()),
        },
    ),
    Op(
        "arr[5]",
        "reading item 5 of an int[100]",
        {
            **same_for(CDEF_STYLE, lambda b: case("arr[5]", arr=int_array(b.ffi))),
            "ctypes": lambda b: case("arr[5]", arr=ctypes_int_array()),
        },
        expect=5,
    ),
    Op(
        "arr[5] = 7",
        "writing item 5 of an int[100]",
        {
            **same_for(CDEF_STYLE, lambda b: case("arr[5] = 7", arr=int_array(b.ffi))),
            "ctypes": lambda b: case("arr[5] = 7", arr=ctypes_int_array()),
        },
    ),
    Op(
        "arr[10:20]",
        "a slice of an int[100]: an int[] viewing 10 items",
        {
            **same_for(CDEF_STYLE, lambda b: case("arr[10:20]", arr=int_array(b.ffi))),
            "ctypes": lambda b: case("arr[10:20]", arr=ctypes_int_array()),
        },
    ),
    Op(
        "arr + 5",
        "pointer arithmetic on an int[100]: the int * to item 5",
        same_for(CDEF_STYLE, lambda b: case("arr + 5", arr=int_array(b.ffi))),
    ),
    Op(
        "new point_t",
        'ffi.new("point_t *"), a zeroed point_t owned by Python, then freed',
        {
            **same_for(CDEF_STYLE, lambda b: case('new("point_t *")', new=b.ffi.new)),
            "ctypes": lambda b: case("new()", new=b.Point),
            "floor": lambda m: case("new()", new=m.Point),
        },
    ),
    Op(
        "new int[100]",
        'ffi.new("int[100]"), 400 zeroed bytes owned by Python, then freed',
        {
            **same_for(CDEF_STYLE, lambda b: case('new("int[100]")', new=b.ffi.new)),
            "ctypes": lambda b: case("new()", new=ctypes.c_int * 100),
        },
    ),
    Op(
        "cast",
        'ffi.cast("int", 5)',
        {
            **same_for(CDEF_STYLE, lambda b: case('cast("int", 5)', cast=b.ffi.cast)),
            "ctypes": lambda b: case("c_int(5)", c_int=ctypes.c_int),
        },
    ),
    Op(
        "string",
        "ffi.string() of a char[64] holding 63 bytes",
        {
            **same_for(CDEF_STYLE, lambda b: case("string(s)", string=b.ffi.string,
                                                  s=b.ffi.new("char[64]", b"x" * 63))),
            "ctypes": lambda b: case("s.value", s=ctypes.create_string_buffer(b"x" * 63, 64)),
        },
        expect=b"x" * 63,
    ),
]

#: The loop with nothing in it: what callgrind.py subtracts from every count.
EMPTY = Op("empty", "the timing loop alone", same_for(IMPLS, lambda b: case("pass")))


def find_op(name: str) -> Op:
    for op in [*OPS, EMPTY]:
        if op.name == name:
            return op
    raise KeyError(f"no op named {name!r}; --list shows them")
