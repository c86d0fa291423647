#!/usr/bin/env python3
"""The import circles between the modules of each Rust crate.

Data should flow one way (text -> declarations -> types -> cdata -> calls);
a module that names `crate::other` depends on it, and a set of modules that
all reach each other through such names is one circle: none of them can be
read, tested or changed alone. This prints every circle of more than one
module (the strongly connected components of the `crate::` graph, top-level
modules only: `parse/lexer.rs` counts as `parse`) and, with `--max N`, fails
when a crate has a circle of more than N modules, so that circles can only
shrink (`make lint` runs it with the current figures). `--max NAME=N` sets
the figure of the crate whose directory is `crates/NAME` alone.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CRATES = ("crates/rcffi-core/src", "crates/rcffi-py/src")
REFERENCE = re.compile(r"\bcrate::([a-z_0-9]+)")
COMMENT = re.compile(r"//.*")


def module_graph(src: Path) -> dict[str, set[str]]:
    """`{module: modules it names}` for the top-level modules under `src`."""
    graph: dict[str, set[str]] = {}
    for path in sorted(src.rglob("*.rs")):
        module = path.relative_to(src).parts[0].removesuffix(".rs")
        text = COMMENT.sub("", path.read_text())
        graph.setdefault(module, set()).update(REFERENCE.findall(text))
    return {m: {d for d in deps if d in graph and d != m} for m, deps in graph.items()}


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan's
    algorithm, iterative so that deep graphs need no recursion limit)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, deps = work[-1]
            step = next(deps, None)
            if step is None:
                work.pop()
                if work:
                    low[work[-1][0]] = min(low[work[-1][0]], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        top = stack.pop()
                        on_stack.discard(top)
                        component.append(top)
                        if top == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))
            elif step not in index:
                index[step] = low[step] = len(index)
                stack.append(step)
                on_stack.add(step)
                work.append((step, iter(sorted(graph[step]))))
            elif step in on_stack:
                low[node] = min(low[node], index[step])
    return sorted(found, key=len, reverse=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max", nargs="+", default=[], metavar="[NAME=]N",
                        help="fail when a crate (every crate, or crates/NAME) has a circle "
                             "of more than N modules")
    args = parser.parse_args(argv)
    limits = limits_of(args.max)
    failed = False
    for crate in CRATES:
        graph = module_graph(ROOT / crate)
        found = circles(graph)
        print(f"{crate}: {len(graph)} modules, {len(found)} circles")
        for component in found:
            print(f"  {len(component)}: {' '.join(component)}")
        worst = max([0] + [len(c) for c in found])
        allowed = limits.get(Path(crate).parent.name, limits.get(None))
        if allowed is not None and worst > allowed:
            print(f"{crate}: a circle of {worst} modules: more than the allowed {allowed}",
                  file=sys.stderr)
            failed = True
    return 1 if failed else 0


def limits_of(specs: list[str]) -> dict[str | None, int]:
    """`{crate name, or None for every crate: largest circle allowed}` from
    `--max` arguments `N` and `NAME=N`."""
    limits: dict[str | None, int] = {}
    for spec in specs:
        name, _, figure = spec.rpartition("=")
        limits[name or None] = int(figure)
    return limits


if __name__ == "__main__":
    sys.exit(main())
