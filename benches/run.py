#!/usr/bin/env python3
"""Comparative benchmarks: rcffi against cffi, ctypes and a hand-written C floor.

Every operation is timed in this one process through each implementation:

  rcffi-ABI  the product (`import rcffi`), in-line ABI mode: cdef + dlopen
  rcffi-API  rcffi API mode, its module compiled once into benches/build/
  cffi-ABI   cffi in-line ABI mode, the same cdef + dlopen
  cffi-API   cffi API mode, its module compiled once into benches/build/
  ctypes     ctypes.CDLL with argtypes/restype, ctypes.Structure for structs
  floor      a hand-written C extension releasing the GIL around C calls
  floor-GIL  the same extension keeping the GIL

in interleaved rounds (harness.py), and prints ns/op and the ratios of rcffi's
two modes to cffi's and to the floor. The figures are printed, never asserted.
The ops are in cases.py; startup, cdef scale and module import are in scale.py,
instruction counts in callgrind.py.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from backends import LIB_PATH, STANDIN_VAR, build_library, log
from cases import OPS, Op
from harness import FULL, QUICK, failures, report, run_ops


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Time the same operations through rcffi, cffi (ABI and API mode), "
        "ctypes and a hand-written C extension, and print ns/op and ratios.",
        epilog=f"development aid only: {STANDIN_VAR}=cffi makes the rcffi columns use cffi, "
        "to exercise this harness before rcffi is importable. "
        "Its figures say nothing about rcffi.",
    )
    parser.add_argument("--quick", action="store_true",
                        help="far shorter measurements: checks the harness, figures are rough")
    parser.add_argument("--filter", action="append", metavar="NAME",
                        help="run only ops whose name contains NAME (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the ops and exit")
    parser.add_argument("--markdown", metavar="PAGE",
                        help="also write the report into PAGE between its bench markers "
                        "(make bench: docs/performance.md)")
    return parser.parse_args(argv)


BEGIN, END = "<!-- bench:run begin -->", "<!-- bench:run end -->"


def write_markdown(page: str, text: str) -> None:
    """Replaces what stands between ``page``'s markers with ``text`` as a code block."""
    with open(page, encoding="utf-8") as f:
        content = f.read()
    head, begin, rest = content.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise SystemExit(f"{page} has no {BEGIN} ... {END} block to write the report into")
    with open(page, "w", encoding="utf-8") as f:
        f.write(f"{head}{BEGIN}\n```text\n{text}\n```\n{END}{tail}")


def select_ops(filters: list[str] | None) -> list[Op]:
    if not filters:
        return list(OPS)
    return [op for op in OPS if any(f in op.name for f in filters)]


def main(argv: list[str] | None = None) -> int:
    """Exit status: 0 when every cell ran, 1 when some failed, 2 on setup errors."""
    args = parse_args(argv)
    if args.list:
        for op in OPS:
            print(f"{op.name:14} {op.doc}")
        return 0
    ops = select_ops(args.filter)
    if not ops:
        log(f"no op matches {args.filter}; --list shows them")
        return 2
    try:
        build_library()
    except (OSError, subprocess.CalledProcessError) as exc:
        log(f"cannot build {LIB_PATH.name}: {exc}")
        return 2
    settings = QUICK if args.quick else FULL
    cells = run_ops(ops, settings)
    text = report(cells, settings)
    print(text)
    if args.markdown:
        write_markdown(args.markdown, text)
    errors = failures(cells)
    if errors:
        print("\nerrors:")
        print("\n".join(f"  {message}" for message in errors))
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
