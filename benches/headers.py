#!/usr/bin/env python3
"""How long ``ffi.cdef("#include <header>")`` takes for real system headers,
and how long ``gcc -E`` takes to preprocess the same header (rcffi also
parses and lays out what it preprocessed; gcc -E only preprocesses).

Measures the extension that is installed: run ``make build-release`` first
(``make bench-headers`` does), a debug build is several times slower. The
compiler's search path and predefined macros are asked once and cached
before the timings, as in any process after the first. The minimum and the
median of the runs are printed; nothing is asserted.
"""

import argparse
import shutil
import statistics
import subprocess
import time
import warnings

import rcffi
from rcffi import _headers

HEADERS = ["stdio.h", "sys/stat.h", "pthread.h", "zlib.h", "sqlite3.h", "bzlib.h", "lzma.h",
           "expat.h", "yaml.h", "png.h", "openssl/ssl.h", "sodium.h"]


def time_rcffi(header):
    ffi = rcffi.FFI()
    start = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ffi.cdef("#include <%s>" % header)
    return time.perf_counter() - start, len(ffi._decls.names())


def time_gcc(header, cc):
    start = time.perf_counter()
    subprocess.run([cc, "-E", "-x", "c", "-", "-o", "/dev/null"], input="#include <%s>\n" % header,
                   text=True, check=True)
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("headers", nargs="*", default=HEADERS)
    args = parser.parse_args()
    _headers.system_config()
    cc = shutil.which("cc")
    print("%-16s %8s %8s %8s %8s %7s" % ("header", "min ms", "med ms", "gcc -E", "gcc med", "names"))
    for header in args.headers:
        ours, names = [], 0
        for _ in range(args.runs):
            t, names = time_rcffi(header)
            ours.append(t * 1000)
        theirs = [time_gcc(header, cc) * 1000 for _ in range(max(3, args.runs // 3))] if cc else [0]
        print("%-16s %8.1f %8.1f %8.1f %8.1f %7d" % (header, min(ours), statistics.median(ours),
                                                      min(theirs), statistics.median(theirs), names))


if __name__ == "__main__":
    main()
