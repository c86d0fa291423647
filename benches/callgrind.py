#!/usr/bin/env python3
"""Instructions per call under callgrind: rcffi against cffi and the floor.

Timings on a shared machine move by tens of percent; instruction counts do not.
For each op and implementation this runs a child interpreter under
`valgrind --tool=callgrind` (PYTHONHASHSEED=0, so dict layouts repeat) twice,
looping over the op's statement `short` and `long` times; the difference of
the two totals, divided by the difference of the counts, is the cost of one
statement with start-up, loading and warm-up cancelled out. The same figure
for the empty loop is then subtracted, which leaves the op alone.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from backends import Backends, build_library, child_instructions, log
from cases import EMPTY, find_op
from harness import check, make_timer

HERE = Path(__file__).resolve().parent
IMPLS = ("rcffi-ABI", "rcffi-API", "cffi-ABI", "cffi-API", "floor")
#: (op, loop counts): the callback op sorts 20 000 ints per statement, so two
#: statements already give ~300 000 comparator calls.
DEFAULT_OPS = {"add": (2_000, 12_000), "add imported": (2_000, 12_000),
               "add bound": (2_000, 12_000),
               "noop": (2_000, 12_000), "noop imported": (2_000, 12_000),
               "constant": (2_000, 12_000), "callback": (1, 2)}


def child(op_name: str, impl: str, n: int) -> None:
    """Inside valgrind: load the implementation, check the op, run the loop."""
    op = find_op(op_name)
    c = op.makers[impl](Backends().get(impl))
    check(op, c)
    make_timer(c, op.unroll)(n)


def instructions(op_name: str, impl: str, n: int) -> int:
    """Total instructions (Ir) of one child process running the op n times."""
    return child_instructions(Path(__file__), [op_name, impl, str(n)])


def per_statement(op_name: str, impl: str, counts: tuple[int, int]) -> float:
    short, long = counts
    unroll = find_op(op_name).unroll
    low, high = (instructions(op_name, impl, n) for n in counts)
    return (high - low) / ((long - short) * unroll)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("ops", nargs="*", default=list(DEFAULT_OPS),
                        help=f"ops of cases.py (default: {', '.join(DEFAULT_OPS)})")
    parser.add_argument("--child", nargs=3, metavar=("OP", "IMPL", "N"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        op_name, impl, n = args.child
        child(op_name, impl, int(n))
        return 0
    build_library()
    print("instructions per statement (callgrind Ir, empty loop subtracted, PYTHONHASHSEED=0)")
    print(f"{'op':10} " + " ".join(f"{impl:>10}" for impl in IMPLS)
          + f" {'ABI/floor':>10} {'API/floor':>10}")
    for op_name in args.ops:
        op = find_op(op_name)
        counts = DEFAULT_OPS.get(op_name, (2_000, 12_000))
        loop = per_statement(EMPTY.name, "floor", counts) if op.unroll > 1 else 0.0
        row = {}
        for impl in IMPLS:
            if impl in op.makers:
                log(f"callgrind {op_name} {impl}")
                row[impl] = per_statement(op_name, impl, counts) - loop
        if op.per != 1:
            per = op.per() if callable(op.per) else op.per
            row = {impl: value / per for impl, value in row.items()}
        cells = [f"{row[impl]:10.0f}" if impl in row else f"{'-':>10}" for impl in IMPLS]
        ratios = [f"{row[mine] / row['floor']:10.2f}" if "floor" in row else f"{'-':>10}"
                  for mine in ("rcffi-ABI", "rcffi-API")]
        print(f"{op_name:10} " + " ".join(cells + ratios), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
