#!/usr/bin/env python3
"""rcffi.ctypes against CPython's ctypes (and cffi where it has the same op).

Measures the release build (`make build-release`; the preamble says which build
it found). The same ctypes code runs twice, once with `import ctypes` and once
with `import rcffi.ctypes as ctypes`; cffi does what the op does its own way
(`lib.add(1, 2)`, `p.x` on a `point_t *`). The cells are timed in interleaved
rounds with harness.py's loops (minimum and median of the rounds); `--callgrind`
prints instructions per statement instead, the empty loop subtracted.
"""

from __future__ import annotations

import argparse
import ctypes as cpython_ctypes
import statistics
import sys
import types
from pathlib import Path
from typing import Any, Callable

from backends import (LIB_PATH, build_library, child_instructions, describe_rcffi,
                      load_cffi_abi, log)
from cases import Case, Op, case
from harness import (FULL, QUICK, Cell, Failure, calibrate, check, make_timer, render,
                     run_rounds)

HERE = Path(__file__).resolve().parent
IMPLS = ("rcffi.ctypes", "ctypes", "cffi")
#: The issue's targets: rcffi.ctypes' time over CPython ctypes' at most this.
TARGETS = {"argtypes call": 0.5, "field read": 1.0, "field write": 1.0, "array read": 1.0,
           "array write": 1.0, "Structure()": 1.0}
SORT_N = 2000
CALLGRIND_OPS = ("argtypes call", "field read")


def load_ctypes_like(module: types.ModuleType) -> types.SimpleNamespace:
    """The benchmark library and types through a ctypes-compatible module."""

    class Point(module.Structure):
        _fields_ = [("x", module.c_int), ("y", module.c_int)]

    class Line(module.Structure):
        _fields_ = [("start", Point), ("end", Point)]

    lib = module.CDLL(str(LIB_PATH))
    add = lib.add
    add.argtypes = [module.c_int, module.c_int]
    add.restype = module.c_int
    # A second handle: ctypes caches function objects per library object.
    untyped = module.CDLL(str(LIB_PATH)).add
    untyped.restype = module.c_int
    point_sum = lib.point_sum
    point_sum.argtypes = [module.POINTER(Point)]
    point_sum.restype = module.c_int
    comparator = module.CFUNCTYPE(module.c_int, module.c_void_p, module.c_void_p)
    sort_copy = lib.sort_copy
    sort_copy.argtypes = [module.POINTER(module.c_int), module.POINTER(module.c_int),
                          module.c_size_t, comparator]
    sort_copy.restype = None
    as_int = module.POINTER(module.c_int)

    def compare(a, b):
        x = module.cast(a, as_int)[0]
        y = module.cast(b, as_int)[0]
        return (x > y) - (x < y)

    data = [(i * 7919) % SORT_N for i in range(SORT_N)]
    return types.SimpleNamespace(
        m=module, Point=Point, add=add, untyped=untyped, point_sum=point_sum,
        sort_copy=sort_copy, cmp=comparator(compare), src=(module.c_int * SORT_N)(*data),
        dst=(module.c_int * SORT_N)(), arr=(module.c_int * 100)(*range(100)),
        line=Line(Point(1, 2), Point(3, 4)), text=module.c_char_p(b"hello world"),
        buf=module.create_string_buffer(b"hello world", 64),
        pp=module.pointer(Point(5, 6)),
    )


def cffi_sort(b: Any) -> Case:
    ffi = b.ffi

    @ffi.callback("int(const void *, const void *)")
    def compare(a, c):
        x = ffi.cast("int *", a)[0]
        y = ffi.cast("int *", c)[0]
        return (x > y) - (x < y)

    src = ffi.new("int[]", [(i * 7919) % SORT_N for i in range(SORT_N)])
    return case("sort(dst, src, n, cmp)", sort=b.lib.sort_copy, dst=ffi.new("int[]", SORT_N),
                src=src, n=SORT_N, cmp=compare)


def both(maker: Callable[[Any], Case]) -> dict[str, Callable[[Any], Case]]:
    return {"rcffi.ctypes": maker, "ctypes": maker}


def comparisons() -> int:
    """Comparator calls of one sort of the data (the same in every implementation:
    one qsort, one input)."""
    calls = [0]

    def compare(a, b):
        calls[0] += 1
        x, y = a[0], b[0]
        return (x > y) - (x < y)

    comparator = cpython_ctypes.CFUNCTYPE(cpython_ctypes.c_int, *[cpython_ctypes.POINTER(
        cpython_ctypes.c_int)] * 2)(compare)
    src = (cpython_ctypes.c_int * SORT_N)(*[(i * 7919) % SORT_N for i in range(SORT_N)])
    cpython_ctypes.CDLL(str(LIB_PATH)).sort_copy(
        (cpython_ctypes.c_int * SORT_N)(), src, cpython_ctypes.c_size_t(SORT_N), comparator)
    return calls[0]


OPS = [
    Op("argtypes call", "add(1, 2), argtypes and restype set",
       {**both(lambda b: case("add(1, 2)", add=b.add)),
        "cffi": lambda b: case("add(1, 2)", add=b.lib.add)}, expect=3),
    Op("restype call", "add(1, 2), restype set, no argtypes",
       both(lambda b: case("add(1, 2)", add=b.untyped)), expect=3),
    Op("field read", "p.x of a Structure",
       {**both(lambda b: case("p.x", p=b.Point(7, 0))),
        "cffi": lambda b: case("p.x", p=b.ffi.new("point_t *", [7, 0]))}, expect=7),
    Op("field write", "p.x = 5",
       {**both(lambda b: case("p.x = 5", p=b.Point(7, 0))),
        "cffi": lambda b: case("p.x = 5", p=b.ffi.new("point_t *", [7, 0]))}),
    Op("array read", "a[5] of c_int * 100",
       {**both(lambda b: case("a[5]", a=b.arr)),
        "cffi": lambda b: case("a[5]", a=b.ffi.new("int[]", list(range(100))))}, expect=5),
    Op("array write", "a[5] = 7",
       {**both(lambda b: case("a[5] = 7", a=b.arr)),
        "cffi": lambda b: case("a[5] = 7", a=b.ffi.new("int[]", 100))}),
    Op("nested field", "line.end.y, a Structure field of a Structure",
       both(lambda b: case("line.end.y", line=b.line)), expect=4),
    Op("contents", "pp.contents.x, pp = pointer(Point(5, 6))",
       both(lambda b: case("pp.contents.x", pp=b.pp)), expect=5),
    Op("array slice", "a[10:20] of c_int * 100, a list of 10 ints",
       {**both(lambda b: case("a[10:20]", a=b.arr)),
        "cffi": lambda b: case("a[10:20]", a=b.ffi.new("int[]", list(range(100))))}),
    Op("c_char_p value", "s.value of a c_char_p holding b'hello world'",
       both(lambda b: case("s.value", s=b.text)), expect=b"hello world"),
    Op("buffer value", "buf.value of create_string_buffer(b'hello world', 64)",
       both(lambda b: case("buf.value", buf=b.buf)), expect=b"hello world"),
    Op("memmove", "memmove(buf, b'abcdef', 6)",
       both(lambda b: case("memmove(buf, b'abcdef', 6)", memmove=b.m.memmove, buf=b.buf))),
    Op("Structure()", "Point(1, 2)",
       {**both(lambda b: case("P(1, 2)", P=b.Point)),
        "cffi": lambda b: case("new('point_t *', [1, 2])", new=b.ffi.new)}),
    Op("byref pass", "point_sum(byref(p)), argtypes POINTER(Point)",
       both(lambda b: case("f(byref(p))", f=b.point_sum, byref=b.m.byref, p=b.Point(3, 4))),
       expect=7),
    Op("pointer pass", "point_sum(pp), pp = pointer(p)",
       {**both(lambda b: case("f(pp)", f=b.point_sum, pp=b.m.pointer(b.Point(3, 4)))),
        "cffi": lambda b: case("f(p)", f=b.lib.point_sum,
                               p=b.ffi.new("point_t *", [3, 4]))}, expect=7),
    Op("callback", f"ns per comparator call of a qsort of {SORT_N} ints",
       {**both(lambda b: case("sort(dst, src, n, cmp)", sort=b.sort_copy, dst=b.dst, src=b.src,
                              n=SORT_N, cmp=b.cmp)),
        "cffi": cffi_sort}, unroll=1, per=comparisons),
]
EMPTY = Op("empty", "the timing loop alone", {impl: lambda b: case("pass") for impl in IMPLS})


def load(impl: str) -> Any:
    if impl == "ctypes":
        return load_ctypes_like(cpython_ctypes)
    if impl == "rcffi.ctypes":
        import rcffi.ctypes

        return load_ctypes_like(rcffi.ctypes)
    return load_cffi_abi()


def prepare(op: Op, impl: str, loaded: dict[str, Any], settings: Any) -> Any:
    maker = op.makers.get(impl)
    if maker is None:
        return None
    try:
        c = maker(loaded[impl])
        check(op, c)
        per = op.per() if callable(op.per) else op.per
        timer = make_timer(c, op.unroll)
        n = calibrate(timer, settings.target_ns)
        return Cell(timer, n, n * op.unroll * per)
    except Exception as exc:
        return Failure(f"{impl} {op.name}: {type(exc).__name__}: {exc}")


def measure(ops: list[Op], settings: Any) -> dict[str, dict[str, Any]]:
    loaded = {impl: load(impl) for impl in IMPLS}
    cells = {}
    for op in ops:
        log(f"calibrating {op.name}")
        cells[op.name] = {impl: prepare(op, impl, loaded, settings) for impl in IMPLS}
    run_rounds(cells, settings.rounds)
    return cells


def figure(cell: Any, pick: Callable[[list[float]], float]) -> float | None:
    return pick(cell.samples) if isinstance(cell, Cell) else None


def table(cells: dict[str, dict[str, Any]], pick: Callable[[list[float]], float]) -> str:
    rows = [["op", *IMPLS, "rcffi.ctypes/ctypes", "target"]]
    for name, row in cells.items():
        values = {impl: figure(row[impl], pick) for impl in IMPLS}
        mine, theirs = values["rcffi.ctypes"], values["ctypes"]
        rows.append([name] + [("error" if isinstance(row[impl], Failure) else "\u2014")
                              if values[impl] is None else f"{values[impl]:.1f}"
                              for impl in IMPLS]
                    + [f"{mine / theirs:.2f}" if mine and theirs else "\u2014",
                       f"<= {TARGETS[name]:.1f}" if name in TARGETS else ""])
    return render(rows)


def timings(ops: list[Op], quick: bool) -> int:
    settings = QUICK if quick else FULL
    cells = measure(ops, settings)
    print(f"python {sys.version.split()[0]}; rcffi {describe_rcffi()}")
    print(f"{settings.rounds} interleaved rounds, ~{settings.target_ns / 1e6:g} ms per cell "
          "per round, GC off; ns/op, lower is better")
    for label, pick in (("minimum", min), ("median", statistics.median)):
        print(f"\n{label} of {settings.rounds} rounds")
        print(table(cells, pick))
    errors = [cell.message for row in cells.values() for cell in row.values()
              if isinstance(cell, Failure)]
    for message in errors:
        print(f"error: {message}")
    return 1 if errors else 0


def find_op(name: str) -> Op:
    for op in [*OPS, EMPTY]:
        if op.name == name:
            return op
    raise KeyError(name)


def child(op_name: str, impl: str, n: int) -> None:
    """Inside valgrind: load one implementation, check the op, run its loop."""
    op = find_op(op_name)
    c = op.makers[impl](load(impl))
    check(op, c)
    make_timer(c, op.unroll)(n)


def instructions(op_name: str, impl: str, n: int) -> int:
    return child_instructions(Path(__file__), [op_name, impl, str(n)])


def per_statement(op_name: str, impl: str, short: int = 2_000, long: int = 12_000) -> float:
    unroll = find_op(op_name).unroll
    low, high = instructions(op_name, impl, short), instructions(op_name, impl, long)
    return (high - low) / ((long - short) * unroll)


def callgrind(op_names: list[str]) -> int:
    impls = ("rcffi.ctypes", "ctypes")
    print("instructions per statement (callgrind Ir, empty loop subtracted, PYTHONHASHSEED=0)")
    print(f"{'op':15} " + " ".join(f"{impl:>12}" for impl in impls) + f" {'ratio':>8}")
    loops = {impl: per_statement(EMPTY.name, impl) for impl in impls}
    for op_name in op_names:
        row = {}
        for impl in impls:
            log(f"callgrind {op_name} {impl}")
            row[impl] = per_statement(op_name, impl) - loops[impl]
        print(f"{op_name:15} " + " ".join(f"{row[impl]:12.0f}" for impl in impls)
              + f" {row['rcffi.ctypes'] / row['ctypes']:8.2f}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="short runs: rough figures")
    parser.add_argument("--filter", action="append", metavar="NAME",
                        help="only ops whose name contains NAME (repeatable)")
    parser.add_argument("--callgrind", nargs="*", metavar="OP",
                        help=f"instruction counts instead (default: {', '.join(CALLGRIND_OPS)})")
    parser.add_argument("--child", nargs=3, metavar=("OP", "IMPL", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    build_library()
    if args.child:
        op_name, impl, n = args.child
        child(op_name, impl, int(n))
        return 0
    if args.callgrind is not None:
        return callgrind(args.callgrind or list(CALLGRIND_OPS))
    ops = [op for op in OPS if not args.filter or any(f in op.name for f in args.filter)]
    return timings(ops, args.quick)


if __name__ == "__main__":
    sys.exit(main())
