"""Times configure: one class of 50 questions and one `ffi.configure()` of 50
`...` (each one compile to an object file, nothing linked or run) against one
bare `cc` compile and link of an empty program, and cached calls of both.

Run it with `.venv/bin/python benches/configure_timing.py`.
"""

import os
import statistics
import subprocess
import sys
import tempfile
import time

HEADERS = ["sys/types.h", "sys/stat.h", "fcntl.h", "stdio.h", "time.h", "unistd.h", "errno.h"]
CONSTANTS = ["O_RDONLY", "O_WRONLY", "O_RDWR", "O_CREAT", "O_EXCL", "O_TRUNC", "O_APPEND",
             "O_NONBLOCK", "SEEK_SET", "SEEK_CUR", "SEEK_END", "EOF", "BUFSIZ", "EINTR",
             "EAGAIN", "ENOENT", "EEXIST", "EPERM", "EACCES", "EINVAL", "S_IFMT", "S_IFREG",
             "S_IFDIR", "S_IRUSR", "S_IWUSR", "F_GETFL", "F_SETFL", "F_GETFD", "F_SETFD",
             "CLOCK_REALTIME", "CLOCK_MONOTONIC", "R_OK", "W_OK", "X_OK", "F_OK",
             "STDIN_FILENO", "STDOUT_FILENO", "STDERR_FILENO", "FILENAME_MAX", "L_tmpnam"]
TYPES = ["off_t", "mode_t", "pid_t", "uid_t", "gid_t", "ssize_t", "time_t", "dev_t"]

CONFIG = """
from rcffi.configure import *
class Fifty:
    _compilation_info_ = CompileInfo(includes=%r)
    stat = Struct("struct stat", [("st_size", "int"), ("st_mode", "int")])
    timespec = Struct("struct timespec", [("tv_sec", "int"), ("tv_nsec", "int")])
""" % (HEADERS,) + "".join("    %s = ConstantInteger(%r)\n" % (c, c) for c in CONSTANTS) + \
    "".join("    t_%s = SimpleType(%r)\n" % (t, t) for t in TYPES)

FFI_CDEF = ("typedef int... %s;\n" % ";\ntypedef int... ".join(TYPES)
            + "struct stat { off_t st_size; mode_t st_mode; ...; };\n"
            + "struct timespec { time_t tv_sec; long tv_nsec; ...; };\n"
            + "".join("#define %s ...\n" % c for c in CONSTANTS))


def best(fn, n=7):
    times = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return min(times), statistics.median(times)


def main():
    tmp = tempfile.mkdtemp()
    sys.path.insert(0, tmp)
    with open(os.path.join(tmp, "fifty_config.py"), "w") as f:
        f.write(CONFIG)
    import fifty_config

    from rcffi import configure

    count = sum(isinstance(v, configure._Question) for v in vars(fifty_config.Fifty).values())
    empty = os.path.join(tmp, "empty.c")
    with open(empty, "w") as f:
        f.write("int main(void) { return 0; }\n")
    cc = lambda: subprocess.run(["cc", empty, "-o", os.path.join(tmp, "empty")], check=True)  # noqa: E731
    runs = iter(range(1000))

    def uncached():
        configure.configure(fifty_config.Fifty, cache_dir=os.path.join(tmp, "c%d" % next(runs)))

    uncached()  # warm the compiler-version cache of the first directory only
    cc_best, cc_med = best(cc)
    cf_best, cf_med = best(uncached)
    cached_dir = os.path.join(tmp, "cached")
    configure.configure(fifty_config.Fifty, cache_dir=cached_dir)
    code = ("import time, rcffi; t0 = time.perf_counter(); from rcffi import configure; "
            "import fifty_config; t = time.perf_counter();"
            "a = configure.configure(fifty_config.Fifty, cache_dir=%r); "
            "print((t - t0) * 1000, (time.perf_counter() - t) * 1000)" % cached_dir)
    env = dict(os.environ, PYTHONPATH=tmp)
    fresh = [[float(x) for x in subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env,
        check=True).stdout.split()] for _ in range(5)]
    hot = best(lambda: configure.configure(fifty_config.Fifty, cache_dir=cached_dir), 50)
    ffi_best, ffi_med, ffi_fresh = time_ffi_configure(tmp, runs)
    print("questions: %d" % count)
    print("bare cc compile+link of an empty program: best %.1f ms, median %.1f ms"
          % (cc_best * 1e3, cc_med * 1e3))
    print("configure() of %d questions, uncached:  best %.1f ms, median %.1f ms  (%.2fx)"
          % (count, cf_best * 1e3, cf_med * 1e3, cf_best / cc_best))
    print("configure() cached, first call in a fresh process: best %.2f ms "
          "(importing rcffi.configure and the config module before it: best %.2f ms)"
          % (min(f[1] for f in fresh), min(f[0] for f in fresh)))
    print("configure() cached, in process: best %.2f ms, median %.2f ms"
          % (hot[0] * 1e3, hot[1] * 1e3))
    print("ffi.configure() of 50 '...', uncached: best %.1f ms, median %.1f ms  (%.2fx)"
          % (ffi_best * 1e3, ffi_med * 1e3, ffi_best / cc_best))
    print("ffi.configure() cached, first call in a fresh process: best %.2f ms" % ffi_fresh)


def time_ffi_configure(tmp, runs):
    """``ffi.configure()`` of the 50 ``...`` of FFI_CDEF: uncached (best and
    median seconds) and cached in a fresh process (best milliseconds)."""
    import rcffi

    def uncached():
        ffi = rcffi.FFI()
        ffi.cdef(FFI_CDEF)
        ffi.configure(includes=HEADERS, cache_dir=os.path.join(tmp, "f%d" % next(runs)))

    uncached()  # the preprocessor's search path, asked once per process
    found_best, found_med = best(uncached)
    cached_dir = os.path.join(tmp, "ffi-cached")
    code = ("import rcffi, time; ffi = rcffi.FFI(); ffi.cdef(%r); t = time.perf_counter();"
            "ffi.configure(includes=%r, cache_dir=%r); print((time.perf_counter() - t) * 1000)"
            % (FFI_CDEF, HEADERS, cached_dir))
    fresh = [float(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                                  check=True).stdout) for _ in range(6)]
    return found_best, found_med, min(fresh[1:])


if __name__ == "__main__":
    main()
