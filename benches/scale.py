#!/usr/bin/env python3
"""What users wait for outside the hot loops, rcffi against cffi, each in
fresh processes:

  startup   interpreter start to the first call of a declared function:
            import, FFI(), cdef("int abs(int);"), dlopen(None).abs(-1)
  cdef      ffi.cdef() of a generated ~260 KB header and of one ten times
            larger: time, and peak memory added (ru_maxrss)
  import    importing an out-of-line ABI module (set_source(name, None))
            holding 3,000 declarations, rcffi's and cffi's own
  build     set_source + compile() of an API-mode module of 100 functions
  shapes    ffi.cdef() of one struct of 10,000 and 100,000 fields and of an
            array of 200 dimensions (the deepest type cdef accepts): time
            grows linearly with the count (issue #17)

Processes of the two implementations alternate, and the minimum and median of
the runs are printed. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

from backends import BUILD, build_once, fingerprint, log

PYTHON = sys.executable
#: Children write and reuse .pyc files, as installed packages do, whatever
#: the developer's PYTHONDONTWRITEBYTECODE says.
CHILD_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
IMPLS = ("rcffi", "cffi")

BIG_HEADER_TYPES = ("int", "unsigned long", "double", "char *", "const char *", "uint32_t",
                    "short", "float", "void *", "long long", "size_t", "unsigned char")
#: ~260 KB, and the same ten times over (~2.6 MB).
HEADER_SHAPES = {
    "260 KB": {"structs": 500, "enums": 100, "functions": 3000},
    "2.6 MB": {"structs": 5000, "enums": 1000, "functions": 30000},
}
#: 3,000 declarations for the out-of-line module.
MODULE_SHAPE = {"structs": 400, "enums": 100, "functions": 2500}


@functools.lru_cache(maxsize=None)
def big_header(structs: int, enums: int, functions: int) -> str:
    """A generated header, the same text on every run.

    It has what real headers have: enums with constant expressions, typedef'd
    structs with bitfields, arrays, pointers to earlier structs and enum members,
    and prototypes taking struct pointers and callbacks.
    """
    out = []
    for i in range(enums):
        values = ", ".join(f"E{i}_V{j} = {j} << 1" if j % 3 == 0 else f"E{i}_V{j}"
                           for j in range(10))
        out.append(f"enum enum_{i} {{ {values} }};")
    for i in range(structs):
        fields = [f"    {BIG_HEADER_TYPES[(i + j) % len(BIG_HEADER_TYPES)]} f{j};"
                  for j in range(4)]
        fields.append("    unsigned int flag_a : 3, flag_b : 5;")
        fields.append(f"    char name[{16 + i % 16}];")
        if i:
            fields.append(f"    struct rec_{i - 1} *prev;")
        fields.append(f"    enum enum_{i % enums} kind;")
        body = "\n".join(fields)
        out.append(f"typedef struct rec_{i} {{\n{body}\n}} rec_{i}_t;")
    for i in range(functions):
        result = BIG_HEADER_TYPES[i % len(BIG_HEADER_TYPES)]
        callback = ", int (*cb)(void *, int)" if i % 8 == 0 else ""
        out.append(f"{result} fn_{i}(rec_{i % structs}_t *self, size_t n{callback});")
    return "\n".join(out) + "\n"


def header_file(shape: dict[str, int]) -> Path:
    """The generated header on disk, for the child processes to read."""
    text = big_header(**shape)
    path = BUILD / f"big-{shape['functions']}.h"
    return build_once(path, fingerprint(text), lambda: path.write_text(text))


STARTUP = "import {m}; ffi = {m}.FFI(); ffi.cdef('int abs(int);'); ffi.dlopen(None).abs(-1)"

CDEF_CHILD = """
import json, resource, sys, time
import {m}
text = open(sys.argv[1]).read()
ffi = {m}.FFI()
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
t0 = time.perf_counter()
ffi.cdef(text)
t1 = time.perf_counter()
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({{"s": t1 - t0, "kb": after - before}}))
"""

IMPORT_CHILD = """
import json, sys, time
import {m}
sys.path.insert(0, sys.argv[1])
t0 = time.perf_counter()
import {module}
t1 = time.perf_counter()
print(json.dumps({{"s": t1 - t0}}))
"""


def child(code: str, *args: str) -> dict:
    """Run `code` in a fresh interpreter and return the JSON it prints."""
    done = subprocess.run([PYTHON, "-c", code, *args], check=True, capture_output=True,
                          text=True, env=CHILD_ENV)
    return json.loads(done.stdout)


def wall(code: str) -> float:
    """Seconds from spawning an interpreter running `code` to its exit."""
    t0 = time.perf_counter()
    subprocess.run([PYTHON, "-c", code], check=True, env=CHILD_ENV)
    return time.perf_counter() - t0


def alternate(runs: int, measures: dict[str, Callable[[], float]]) -> dict[str, list[float]]:
    """`runs` samples of each measure, taken in turn so that load from the rest
    of the machine falls on all of them alike, after one run of each that is
    not kept (it writes the .pyc files and fills the OS caches)."""
    for measure in measures.values():
        measure()
    samples: dict[str, list[float]] = {name: [] for name in measures}
    for _ in range(runs):
        for name, measure in measures.items():
            samples[name].append(measure())
    return samples


def line(label: str, samples: list[float], unit: float, suffix: str) -> str:
    return (f"  {label:24} min {min(samples) * unit:9.1f} {suffix}   "
            f"median {statistics.median(samples) * unit:9.1f} {suffix}")


def ratio_line(label: str, mine: list[float], theirs: list[float]) -> str:
    """Two decimals, or two significant digits for ratios far below 1."""
    def show(value: float) -> str:
        return f"{value:.2f}" if value >= 0.1 else f"{value:.2g}"

    return (f"  {label:24} min {show(min(mine) / min(theirs))}   "
            f"median {show(statistics.median(mine) / statistics.median(theirs))}")


def startup(runs: int) -> list[str]:
    samples = alternate(runs, {
        "python -c pass": lambda: wall("pass"),
        **{m: functools.partial(wall, STARTUP.format(m=m)) for m in IMPLS},
    })
    out = [f"startup: {STARTUP.format(m='<m>')}, {runs} fresh processes each"]
    out += [line(name, s, 1e3, "ms") for name, s in samples.items()]
    out.append(ratio_line("rcffi/cffi", samples["rcffi"], samples["cffi"]))
    base = min(samples["python -c pass"])
    out.append(ratio_line("rcffi/cffi minus python",
                          [s - base for s in samples["rcffi"]],
                          [s - base for s in samples["cffi"]]))
    return out


def cdef_scale(runs: int) -> list[str]:
    out = []
    for label, shape in HEADER_SHAPES.items():
        path = header_file(shape)
        log(f"cdef {label}")
        results: dict[str, list[dict]] = {m: [] for m in IMPLS}
        for _ in range(runs):
            for m in IMPLS:
                results[m].append(child(CDEF_CHILD.format(m=m), str(path)))
        size = path.stat().st_size / 1e3
        out.append(f"cdef of a {size:.0f} KB header, {runs} fresh processes each")
        for m in IMPLS:
            seconds = [r["s"] for r in results[m]]
            peak = max(r["kb"] for r in results[m]) / 1024
            out.append(line(m, seconds, 1e3, "ms") + f"   peak +{peak:.1f} MB")
        out.append(ratio_line("rcffi/cffi time", *([r["s"] for r in results[m]] for m in IMPLS)))
    return out


def build_out_of_line(m: str) -> Path:
    """The out-of-line module of MODULE_SHAPE written by `m` itself into its own
    directory; rebuilt when the header or the implementation's version changes."""
    text = big_header(**MODULE_SHAPE)
    directory = BUILD / f"ool-{m}"
    name = f"_bench_ool_{m}"
    code = (f"import {m}, sys; ffi = {m}.FFI(); ffi.cdef(open(sys.argv[1]).read()); "
            f"ffi.set_source({name!r}, None); ffi.compile(tmpdir=sys.argv[2])")
    header = header_file(MODULE_SHAPE)
    version = child(f"import json, {m}; print(json.dumps({m}.__version__))")

    def build() -> None:
        directory.mkdir(parents=True, exist_ok=True)
        subprocess.run([PYTHON, "-c", code, str(header), str(directory)], check=True,
                       env=CHILD_ENV)

    build_once(directory / f"{name}.py", fingerprint(text, version), build)
    return directory


def module_import(runs: int) -> list[str]:
    count = sum(MODULE_SHAPE.values())
    directories = {m: build_out_of_line(m) for m in IMPLS}
    samples = alternate(runs, {
        m: lambda m=m: child(IMPORT_CHILD.format(m=m, module=f"_bench_ool_{m}"),
                             str(directories[m]))["s"]
        for m in IMPLS
    })
    out = [f"import of an out-of-line module with {count} declarations "
           f"(package already imported), {runs} fresh processes each"]
    out += [line(m, samples[m], 1e3, "ms") for m in IMPLS]
    out.append(ratio_line("rcffi/cffi", samples["rcffi"], samples["cffi"]))
    return out


BUILD_CHILD = """
import sys, time
import {m}
ffi = {m}.FFI()
ffi.cdef("\\n".join(f"int f{{i}}(int);" for i in range(100)))
ffi.set_source(sys.argv[2], "\\n".join(f"static int f{{i}}(int x) {{{{ return x + {{i}}; }}}}"
                                       for i in range(100)))
t0 = time.perf_counter()
ffi.compile(tmpdir=sys.argv[1])
print(time.perf_counter() - t0)
"""


def build_module(runs: int) -> list[str]:
    """compile() of a fresh API-mode module (a new name each time, so that
    nothing is reused), C compiler included."""
    target = BUILD / "build-timing"
    shutil.rmtree(target, ignore_errors=True)
    numbers = iter(range(10**6))

    def measure(m: str) -> float:
        name = f"_bench_build_{m}_{os.getpid()}_{next(numbers)}"
        done = subprocess.run([PYTHON, "-c", BUILD_CHILD.format(m=m), str(target), name],
                              check=True, capture_output=True, text=True, env=CHILD_ENV)
        return float(done.stdout.split()[-1])

    samples = alternate(runs, {m: functools.partial(measure, m) for m in IMPLS})
    out = [f"compile() of an API-mode module of 100 functions, {runs} runs each"]
    out += [line(m, samples[m], 1e3, "ms") for m in IMPLS]
    out.append(ratio_line("rcffi/cffi", samples["rcffi"], samples["cffi"]))
    return out


#: Declarations of one extreme shape each, by label.
SHAPES = {
    "struct of 10,000 fields": lambda: "struct s { %s };" % " ".join(
        f"int f{i};" for i in range(10_000)),
    "struct of 100,000 fields": lambda: "struct s { %s };" % " ".join(
        f"int f{i};" for i in range(100_000)),
    "array of 200 dimensions": lambda: "int a" + "[1]" * 200 + ";",
}


def shapes(runs: int) -> list[str]:
    out = []
    for label, make in SHAPES.items():
        text = make()
        path = BUILD / f"shape-{fingerprint(label)[:12]}.h"
        build_once(path, fingerprint(text), lambda: path.write_text(text))
        log(f"cdef {label}")
        results: dict[str, list[float]] = {m: [] for m in IMPLS}
        for _ in range(runs):
            for m in IMPLS:
                results[m].append(child(CDEF_CHILD.format(m=m), str(path))["s"])
        out.append(f"cdef of one {label}, {runs} fresh processes each")
        out += [line(m, results[m], 1e3, "ms") for m in IMPLS]
        out.append(ratio_line("rcffi/cffi time", results["rcffi"], results["cffi"]))
    return out


SECTIONS = {"startup": (startup, 40), "cdef": (cdef_scale, 3), "import": (module_import, 15),
            "build": (build_module, 3), "shapes": (shapes, 3)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sections", nargs="*", choices=[[], *SECTIONS], default=[],
                        help="which measurements (default: all)")
    parser.add_argument("--runs", type=int, help="processes per implementation")
    args = parser.parse_args(argv)
    for name in args.sections or SECTIONS:
        section, runs = SECTIONS[name]
        log(f"measuring {name}")
        print("\n".join(section(args.runs or runs)))
        print()
    return 0


if __name__ == "__main__":
    sys.exit(main())
