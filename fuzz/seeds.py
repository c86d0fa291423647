"""The driver the Python fuzzers share: one fresh interpreter per seed.

A fuzzer module gives `run_seed(seed, ops, log)`, which performs the seed's
operations writing each to `log` before it runs and returns its findings (a
list of lines; empty when the seed is clean). `main()` parses the command line,
runs each seed as `<script> --child SEED OPS` and reports: a finding or any
exit but a clean one (a signal, a panic, an unexpected exception) fails the
seed, printed with the last operation its log names.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
from pathlib import Path
from typing import Callable, TextIO

#: The exit status of a child that found differences (any other non-zero is a crash).
FINDINGS = 3


def resolve(value, side: int):
    """`value` as one side of a differential fuzzer sees it: a pair (anything
    with `objs`, one object per side) becomes that side's object, in lists and
    dicts too; plain Python values are the same on both sides."""
    if hasattr(value, "objs"):
        return value.objs[side]
    if isinstance(value, list):
        return [resolve(v, side) for v in value]
    if isinstance(value, dict):
        return {k: resolve(v, side) for k, v in value.items()}
    return value


def until_a_finding(run, ops: int) -> list[str]:
    """Steps a differential fuzzer's `run` up to `ops` times, stopping at its
    first finding: after it the two sides' memory differs, and what follows
    would only repeat it."""
    for _ in range(ops):
        run.step()
        if run.findings:
            break
    return run.findings


def seed_range(text: str) -> range:
    low, _, high = text.partition("-")
    return range(int(low), int(high or low) + 1)


def main(script: str, description: str, logs: Path, default_ops: int,
         run_seed: Callable[[int, int, TextIO], list[str]],
         argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--seeds", default="1-40", help="first-last (default 1-40)")
    parser.add_argument("--ops", type=int, default=default_ops, help="operations per seed")
    parser.add_argument("--child", nargs=2, type=int, metavar=("SEED", "OPS"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    logs.mkdir(parents=True, exist_ok=True)
    if args.child:
        seed, ops = args.child
        # A runaway operation is a MemoryError in this process, not the machine's.
        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
        with open(logs / f"{seed}.log", "w", encoding="utf-8") as log:
            findings = run_seed(seed, ops, log)
        for finding in findings:
            print(finding)
        return FINDINGS if findings else 0
    seeds = seed_range(args.seeds)
    failed = []
    for seed in seeds:
        done = subprocess.run([sys.executable, script, "--child", str(seed), str(args.ops)],
                              capture_output=True, text=True, timeout=300,
                              env={**os.environ, "PYTHONFAULTHANDLER": "1"})
        log = logs / f"{seed}.log"
        if done.returncode != 0:
            last = log.read_text(encoding="utf-8").splitlines()[-1:] if log.exists() else []
            failed.append(seed)
            what = "differences" if done.returncode == FINDINGS else f"exit {done.returncode}"
            print(f"seed {seed}: {what}, last operation: {last}")
            print(done.stdout[-3000:] + done.stderr[-2000:])
        else:
            log.unlink(missing_ok=True)
    print(f"{len(seeds) - len(failed)} of {len(seeds)} seeds clean"
          + (f"; failing: {failed}" if failed else ""))
    return 1 if failed else 0
