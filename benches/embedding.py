"""Embedding: an exported ``int add(int, int)`` written in Python, called from a
C loop, with rcffi and with cffi 2.0.0 (same source, same machine).

Run it with ``.venv/bin/python benches/embedding.py [--seconds S] [--rounds N]``.
Each library is built by its own builder in a subprocess (the cffi one imports
the real cffi, never the rcffi shim), linked with the same C program, and run
``--rounds`` times alternately; the best calls per second of each is printed,
and the ratio rcffi/cffi (above 1 when rcffi is faster).
"""

import argparse
import os
import re
import subprocess
import sys
import sysconfig
import tempfile

BUILDER = """
import sys
import {package} as cffi
ffi = cffi.FFI()
ffi.embedding_api("int add(int, int);")
ffi.embedding_init_code('''
from _bench_{name} import ffi

@ffi.def_extern()
def add(x, y):
    return x + y
''')
ffi.set_source("_bench_{name}", "")
print(ffi.compile(tmpdir=sys.argv[1]))
"""

PROGRAM = r"""
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
int add(int, int);

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

int main(int argc, char **argv)
{
    double seconds = atof(argv[1]), start, elapsed;
    long long calls = 0, i, batch = 10000, check = 0;
    add(0, 0);  /* starts Python and runs the init code: not timed */
    start = now();
    do {
        for (i = 0; i < batch; i++)
            check += add((int)i, 1);
        calls += batch;
        elapsed = now() - start;
    } while (elapsed < seconds);
    if (check != calls / batch * (batch * (batch - 1) / 2 + batch)) {
        printf("wrong results\n");
        return 1;
    }
    printf("%.0f\n", calls / elapsed);
    return 0;
}
"""


def build(name, package, directory):
    """The library built by ``package`` (rcffi or cffi) in ``directory``."""
    script = os.path.join(directory, "build_%s.py" % name)
    with open(script, "w") as f:
        f.write(BUILDER.format(package=package, name=name))
    out = subprocess.run([sys.executable, script, directory], check=True, capture_output=True,
                         text=True, cwd=directory).stdout
    library = out.strip().splitlines()[-1]
    exe = os.path.join(directory, "loop_%s" % name)
    source = os.path.join(directory, "loop.c")
    with open(source, "w") as f:
        f.write(PROGRAM)
    subprocess.run([os.environ.get("CC", "cc"), "-O2", "-o", exe, source, library], check=True)
    return exe


def run(exe, seconds, directory):
    # The interpreter the library starts finds cffi's _cffi_backend (and rcffi)
    # in this environment's site-packages.
    site = sysconfig.get_paths()["purelib"]
    env = dict(os.environ, LD_LIBRARY_PATH=directory, PYTHONPATH=site)
    out = subprocess.run([exe, str(seconds)], check=True, capture_output=True, text=True,
                         env=env).stdout
    match = re.fullmatch(r"(\d+)\n", out)
    if not match:
        sys.exit("%s printed %r" % (exe, out))
    return int(match.group(1))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=1.0, help="duration of one run")
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    import cffi

    with tempfile.TemporaryDirectory(prefix="rcffi-bench-embed-") as directory:
        programs = {"rcffi": build("rcffi", "rcffi", directory),
                    "cffi %s" % cffi.__version__: build("cffi", "cffi", directory)}
        best = {name: 0 for name in programs}
        for _ in range(args.rounds):
            for name, exe in programs.items():
                best[name] = max(best[name], run(exe, args.seconds, directory))
    for name, rate in best.items():
        print("%-12s %12.0f calls/s  %7.1f ns/call" % (name, rate, 1e9 / rate))
    rcffi_rate, cffi_rate = best.values()
    print("rcffi/cffi   %12.2f x" % (rcffi_rate / cffi_rate))


if __name__ == "__main__":
    main()
