"""Timing and reporting for run.py: every cell interleaved, minimum kept.

A cell is one op through one implementation. All cells are calibrated first;
then each round runs every cell once, op after op and implementation after
implementation, so a burst of load from the rest of the machine (the bench
machines are shared) hits all columns alike instead of one. The table keeps
each cell's minimum over the rounds, the run least disturbed, and a second
table shows the medians, to show how stable the minimum is.
"""

from __future__ import annotations

import gc
import itertools
import platform
import statistics
import sys
import time
from dataclasses import dataclass, field
from typing import Any, Callable

from backends import BackendError, Backends, describe_rcffi, log
from cases import IMPLS, UNROLL, Case, Op

# (label, numerator, denominator): rcffi's two modes against cffi's same mode
# and against the floor.
RATIOS = (
    ("ABI/cffi-ABI", "rcffi-ABI", "cffi-ABI"),
    ("API/cffi-API", "rcffi-API", "cffi-API"),
    ("ABI/floor", "rcffi-ABI", "floor"),
    ("API/floor", "rcffi-API", "floor"),
)
MISSING = "\u2014"


@dataclass(frozen=True)
class Settings:
    target_ns: int
    rounds: int


FULL = Settings(target_ns=50_000_000, rounds=7)
QUICK = Settings(target_ns=3_000_000, rounds=3)

TIMER_TEMPLATE = """{imports}
def timer(_n, {names}):
    _t0 = _perf_counter_ns()
    for _ in _repeat(None, _n):
{body}
    return _perf_counter_ns() - _t0
"""


def make_timer(c: Case, unroll: int) -> Callable[[int], int]:
    """Compile a loop running `c.stmt` `unroll` times per iteration.

    The names are parameters, hence fast locals; unrolling keeps the loop's own
    cost to a small fraction of each operation's. The names in `c.imported`
    are also imported at module level (by a statement that never runs): CPython
    3.11 then compiles `name.f(...)` as `LOAD_ATTR` instead of `LOAD_METHOD`,
    as in a module that did `from _mod import lib`.
    """
    names = sorted(c.env)
    body = "\n".join(f"        {c.stmt}" for _ in range(unroll))
    imports = "".join(f"\nif 0:\n    import {name}" for name in c.imported)
    source = TIMER_TEMPLATE.format(imports=imports, names=", ".join(names), body=body)
    namespace = {"_perf_counter_ns": time.perf_counter_ns, "_repeat": itertools.repeat}
    exec(compile(source, f"<timer {c.stmt}>", "exec"), namespace)
    timer = namespace["timer"]
    values = [c.env[name] for name in names]
    return lambda n: timer(n, *values)


def check(op: Op, c: Case) -> None:
    """Run the statement once and compare with the expected value.

    Assignments (`p.x = 5`) are statements: they run, and give None."""
    try:
        code = compile(c.stmt, "<check>", "eval")
    except SyntaxError:
        code = compile(c.stmt, "<check>", "exec")
    result = eval(code, {}, dict(c.env))
    if op.expect is not None and result != op.expect:
        raise AssertionError(f"{c.stmt} gave {result!r}, expected {op.expect!r}")


def calibrate(timer: Callable[[int], int], target_ns: int) -> int:
    """Loop count for one measurement of about target_ns.

    Grows the count until a run takes a tenth of the target, then scales it,
    so calibration costs little next to the measurements (and warms up).
    """
    n = 1
    while True:
        elapsed = timer(n)
        if elapsed >= target_ns // 10:
            return max(1, round(n * target_ns / elapsed))
        n *= 10 if elapsed < target_ns // 1000 else 2


@dataclass
class Cell:
    """One op through one implementation: its compiled loop and its samples
    (ns per operation, one per round)."""

    timer: Callable[[int], int]
    n: int
    per_run: float
    samples: list[float] = field(default_factory=list)

    def run(self) -> None:
        self.samples.append(self.timer(self.n) / self.per_run)


@dataclass(frozen=True)
class Failure:
    """A cell that could not be measured, with the reason printed under the table."""

    message: str


def prepare(op: Op, impl: str, backends: Backends, settings: Settings) -> Any:
    """The calibrated cell of one op and implementation; None when the
    implementation has no version of the op, a Failure when it broke."""
    maker = op.makers.get(impl)
    if maker is None:
        return None
    try:
        c = maker(backends.get(impl))
        check(op, c)
        per = op.per() if callable(op.per) else op.per
        timer = make_timer(c, op.unroll)
        n = calibrate(timer, settings.target_ns)
        return Cell(timer, n, n * op.unroll * per)
    except BackendError as exc:
        return Failure(str(exc))
    except Exception as exc:
        return Failure(f"{impl} {op.name}: {type(exc).__name__}: {exc}")


def run_ops(ops: list[Op], settings: Settings) -> dict[str, dict[str, Any]]:
    """Cells by op name and implementation, each measured once per round, with
    the GC off like timeit."""
    backends = Backends()
    cells: dict[str, dict[str, Any]] = {}
    for op in ops:
        log(f"calibrating {op.name}")
        cells[op.name] = {impl: prepare(op, impl, backends, settings) for impl in IMPLS}
    run_rounds(cells, settings.rounds)
    return cells


def run_rounds(cells: dict[str, dict[str, Any]], rounds: int) -> None:
    """Runs every measurable cell once per round, round-robin, with the GC off
    like timeit."""
    live = [cell for row in cells.values() for cell in row.values() if isinstance(cell, Cell)]
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for number in range(rounds):
            log(f"round {number + 1} of {rounds}")
            for cell in live:
                cell.run()
    finally:
        if was_enabled:
            gc.enable()


def summary(cell: Any, pick: Callable[[list[float]], float]) -> Any:
    return pick(cell.samples) if isinstance(cell, Cell) else cell


def format_ns(value: Any) -> str:
    if value is None:
        return MISSING
    if isinstance(value, Failure):
        return "error"
    return f"{value:.1f}"


def ratio(numerator: Any, denominator: Any) -> str:
    """Two decimals, or two significant digits for ratios far below 1."""
    if isinstance(numerator, float) and isinstance(denominator, float) and denominator > 0:
        value = numerator / denominator
        return f"{value:.2f}" if value >= 0.1 else f"{value:.2g}"
    return MISSING


def table_rows(cells: dict[str, dict[str, Any]],
               pick: Callable[[list[float]], float]) -> list[list[str]]:
    rows = [["op", *IMPLS, *(name for name, _, _ in RATIOS)]]
    for name, row in cells.items():
        values = {impl: summary(row[impl], pick) for impl in IMPLS}
        rows.append(
            [name]
            + [format_ns(values[impl]) for impl in IMPLS]
            + [ratio(values[top], values[bottom]) for _, top, bottom in RATIOS]
        )
    return rows


def render(rows: list[list[str]]) -> str:
    """Right-aligned columns, the op names left-aligned."""
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for row in rows:
        cells = [row[0].ljust(widths[0])]
        cells += [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        lines.append("  ".join(cells))
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def preamble(settings: Settings) -> str:
    import cffi

    return "\n".join([
        f"python {platform.python_version()} ({sys.executable}), {platform.machine()}",
        f"rcffi  {describe_rcffi()}",
        f"cffi   {cffi.__version__}",
        f"{settings.rounds} interleaved rounds, each cell run once per round for "
        f"~{settings.target_ns / 1e6:g} ms, {UNROLL} ops per loop iteration (1 for callback), "
        "GC off; ns/op, lower is better",
        "floor = C extension releasing the GIL (as rcffi does); floor-GIL keeps it; "
        "ABI = rcffi-ABI, API = rcffi-API; ratio < 1: rcffi faster",
    ])


def failures(cells: dict[str, dict[str, Any]]) -> list[str]:
    messages = (cell.message for row in cells.values() for cell in row.values()
                if isinstance(cell, Failure))
    return list(dict.fromkeys(messages))


def report(cells: dict[str, dict[str, Any]], settings: Settings) -> str:
    return "\n".join([
        preamble(settings),
        "",
        f"minimum of {settings.rounds} rounds",
        render(table_rows(cells, min)),
        "",
        f"median of {settings.rounds} rounds",
        render(table_rows(cells, statistics.median)),
    ])
