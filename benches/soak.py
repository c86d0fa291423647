"""Soak: the resident memory of long loops of what programs repeat (ffi.new,
ffi.gc, callbacks made and dropped, handles, whole FFI objects with cdef()),
printed as growth per million cycles (for the cdef loop, per million structs
declared: 20,000 cycles). `make soak` runs the full counts;
`--short` (CI) runs fewer and `--check` fails on growth above the bound for
the loops that must be flat."""

import argparse
import gc
import os
import sys

import rcffi

# Growth allowed per million cycles with --check, in MiB. A cycle of the cdef
# loop declares 50 structs: a million of those (20,000 cycles) is its million,
# and its bound is the goal (#17: types freed when nothing uses them).
BOUND_MIB = 8.0
BOUNDS_MIB = {"FFI().cdef(50 structs)": 1.0}


def rss_kib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    raise RuntimeError("no VmRSS in /proc/self/status")


def cases(ffi):
    ffi.cdef("typedef struct { int x, y; } point_t; void free(void *); void *malloc(size_t);")
    lib = ffi.dlopen(None)
    structs = " ".join("struct s%d { int a; double b[%d]; };" % (k, k + 1) for k in range(50))

    def new():
        ffi.new("point_t *", [1, 2])

    def gc_():
        ffi.gc(lib.malloc(16), lib.free)

    def callback():
        ffi.callback("int(int)", lambda x: x)

    def handle():
        ffi.from_handle(ffi.new_handle(object()))

    def cdef_loop():
        rcffi.FFI().cdef(structs)

    return [("ffi.new", new, 1), ("ffi.gc", gc_, 1), ("ffi.callback", callback, 1),
            ("new_handle/from_handle", handle, 1), ("FFI().cdef(50 structs)", cdef_loop, 50)]


def soak(run, cycles):
    for _ in range(min(cycles, 10000)):  # warm-up: caches and free lists fill
        run()
    gc.collect()
    before = rss_kib()
    for _ in range(cycles):
        run()
    gc.collect()
    return rss_kib() - before


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--short", action="store_true", help="fewer cycles (CI)")
    parser.add_argument("--check", action="store_true", help="fail above the bound")
    args = parser.parse_args()
    million = 100_000 if args.short else 1_000_000
    failed = []
    print("%-26s %10s %12s %14s" % ("loop", "cycles", "growth KiB", "MiB/million"))
    for name, run, cost in cases(rcffi.FFI()):
        cycles = max(million // cost, 1000)
        grown = soak(run, cycles)
        per_million = grown / 1024 * 1_000_000 / (cycles * cost)
        print("%-26s %10d %12d %14.2f" % (name, cycles, grown, per_million))
        if args.check and per_million > BOUNDS_MIB.get(name, BOUND_MIB):
            failed.append(name)
    print("rcffi %s, pid %d, %s build" % (
        getattr(rcffi, "__version__", "?"), os.getpid(),
        "debug" if "debug" in str(getattr(rcffi._backend, "__file__", "")) else "as installed"))
    if failed:
        sys.exit("grew more than allowed per million cycles: %s" % ", ".join(failed))


if __name__ == "__main__":
    main()
