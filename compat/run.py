"""Runs a peer's test suite against rcffi and compares it with the checked-in lists.

    python compat/run.py cffi        # cffi 2.0.0's own tests (sdist fetched now)
    python compat/run.py ctypes      # CPython's ctypes tests, from this interpreter

The cffi suite is fetched from the package index at run time into ``build/compat/``
(never committed), unpacked into a temporary directory and run with pytest-xdist
(a crashing test costs one worker, not the run) and a per-test timeout.  Then:

* a test that fails and is not in ``<suite>/expected-failures.txt`` is a
  regression, and a listed test that passes is a stale entry: both fail the run;
* tests in ``<suite>/out-of-scope.txt`` test the peer's internals and are not run;
  an entry naming no collected test fails the run too;
* an expected failure whose reason starts with ``not run:`` corrupts memory in a
  way that would crash a later test at random: it is not run, and counts as
  failed (the run fails if it is not collected, so the entry cannot go stale
  unnoticed; delete it to run the test again);
* an expected failure whose reason starts with ``flaky:`` passes or fails with
  the order tests share a worker in; its outcome is counted but compared with
  nothing (the reason says what state it depends on).

The ctypes suite is the ``ctypes/test`` package of the running interpreter's
standard library, copied at run time into the temporary directory as package
``ctypes_test`` (never committed); ``compat/ctypes/conftest.py`` makes
``import ctypes`` give rcffi.ctypes there.  Its out-of-scope list names whole
files, which are not copied.

Each list has one test id per line, then ``#`` and the reason.
``--update`` rewrites the expected failures from this run (reasons kept for the
tests already listed, the failure's message for new ones).
"""

import argparse
import collections
import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
CACHE = os.path.join(ROOT, "build", "compat")

CFFI_FILES = [
    "src/c/test_c.py",
    "testing/cffi0/test_ffi_backend.py",
    "testing/cffi0/test_parsing.py",
    "testing/cffi1/test_ffi_obj.py",
    "testing/cffi1/test_new_ffi_1.py",
    "testing/cffi1/test_dlopen.py",
    "testing/cffi1/test_re_python.py",
    "testing/cffi1/test_recompiler.py",
    "testing/cffi1/test_verify1.py",
    "testing/cffi0/test_verify.py",
    "testing/cffi0/test_verify2.py",
    "testing/cffi0/test_unicode_literals.py",
    "testing/cffi1/test_function_args.py",
    "testing/cffi1/test_commontypes.py",
    "testing/cffi1/test_unicode_literals.py",
    "testing/cffi1/test_dlopen_unicode_literals.py",
    "testing/cffi1/test_zdist.py",
    "testing/embedding/test_basic.py",
    "testing/embedding/test_recursive.py",
    "testing/embedding/test_thread.py",
    "testing/embedding/test_tlocal.py",
    "testing/embedding/test_performance.py",
]


def fetch_sdist(requirement, archive_prefix):
    """The path of the peer's sdist in the cache, downloaded if missing."""
    os.makedirs(CACHE, exist_ok=True)
    for name in os.listdir(CACHE):
        if name.startswith(archive_prefix) and name.endswith(".tar.gz"):
            return os.path.join(CACHE, name)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-binary", ":all:",
                    "--no-deps", "--no-build-isolation", requirement, "-d", CACHE], check=True)
    return fetch_sdist(requirement, archive_prefix)


def unpack(archive, into):
    with tarfile.open(archive) as tar:
        tar.extractall(into, filter="data")
    (top,) = os.listdir(into)
    return os.path.join(into, top)


def read_list(path):
    """``{test id: reason}`` from a list file (blank lines and ``#`` lines skipped)."""
    entries = {}
    if not os.path.exists(path):
        return entries
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            test_id, _, reason = line.partition(" # ")
            entries[test_id.strip()] = reason.strip()
    return entries


def write_list(path, header, entries):
    with open(path, "w", encoding="utf-8") as f:
        f.write(header)
        for test_id in sorted(entries):
            f.write("%s # %s\n" % (test_id, entries[test_id]))


def collect(tree, env, files):
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider",
         "-o", "addopts=", *files],
        cwd=tree, env=env, capture_output=True, text=True)
    return {line.strip() for line in done.stdout.splitlines() if "::" in line}


#: Test directories whose tests build into one directory they also empty (in
#: `setup_module`): they run one after another, in a pytest of their own
#: beside the one running the rest. (xdist's `loadgroup` cannot group them:
#: with pytest 9 the worker's renaming of a node id, which it groups by, is
#: lost, and it spreads the tests as `load` does.)
SHARED_BUILD_DIRS = ("testing/cffi0/",)


def run_pytest(tree, env, files, deselect, workers, timeout):
    """Runs the files' tests (all but `deselect`) and gives pytest's output."""
    shared = [f for f in files if f.startswith(SHARED_BUILD_DIRS)]
    rest = [f for f in files if f not in shared]
    if shared and workers != "auto":
        workers = max(1, int(workers) - 1)
    groups = [(shared, 1), (rest, workers)]
    runs = [subprocess.Popen(pytest_command(group, deselect, n, timeout), cwd=tree, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for group, n in groups if group]
    return "".join(run.communicate()[0] for run in runs)


def pytest_command(files, deselect, workers, timeout):
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-o", "addopts=",
               "-p", "rcffi_compat_plugin", "-n", str(workers),
               "--max-worker-restart", "10000",
               "--timeout", str(timeout), "--timeout-method", "thread",
               "-W", "ignore::DeprecationWarning"]
    for test_id in sorted(deselect):
        if test_id.split("::")[0] in files:
            command += ["--deselect", test_id]
    return command + files


def outcomes(path):
    """``{test id: (outcome, message)}`` from the plugin's records; outcome is
    passed, failed or skipped (a failure in any phase makes the test failed)."""
    rank = {"passed": 0, "skipped": 1, "failed": 2}
    results = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            test_id, outcome = record["id"], record["outcome"]
            if test_id not in results or rank[outcome] > rank[results[test_id][0]]:
                results[test_id] = (outcome, record["message"])
    return results


def first_line(message):
    """A message's first line, without the run's temporary directory in it."""
    for line in message.splitlines():
        line = re.sub(r"/\S*/rcffi-compat-[^/\s]+/", "<tmp>/", line.strip())
        if line:
            return line[:160]
    return "failed"


def report(results, files):
    per_file = collections.OrderedDict((f, collections.Counter()) for f in files)
    for test_id, (outcome, _) in results.items():
        per_file.setdefault(test_id.split("::")[0], collections.Counter())[outcome] += 1
    print("%-48s %7s %7s %7s" % ("file", "passed", "failed", "skipped"))
    total = collections.Counter()
    for name, counts in per_file.items():
        total.update(counts)
        print("%-48s %7d %7d %7d" % (name, counts["passed"], counts["failed"], counts["skipped"]))
    ran = total["passed"] + total["failed"]
    share = 100.0 * total["passed"] / ran if ran else 0.0
    print("%-48s %7d %7d %7d   %.1f %% of %d pass" % (
        "total", total["passed"], total["failed"], total["skipped"], share, ran))
    crashed = sorted(t for t, (_, message) in results.items() if "crashed while running" in message)
    timed_out = sorted(t for t, (_, message) in results.items() if "Timeout" in message)
    print("%d crashed the interpreter, %d timed out" % (len(crashed), len(timed_out)))
    for test_id in crashed + timed_out:
        print("    %s" % test_id)


def compare(results, expected):
    problems = []
    flaky = {t for t, r in expected.items() if r.startswith(FLAKY)}
    expected = {t: r for t, r in expected.items() if t not in flaky}
    results = {t: r for t, r in results.items() if t not in flaky}
    for test_id, (outcome, message) in sorted(results.items()):
        if outcome == "failed" and test_id not in expected:
            problems.append("REGRESSION %s\n    %s" % (test_id, first_line(message)))
        if outcome == "passed" and test_id in expected:
            problems.append("STALE %s (listed: %s) now passes" % (test_id, expected[test_id]))
    for test_id in sorted(set(expected) - set(results)):
        problems.append("STALE %s is listed but was not run" % test_id)
    return problems


def prepare_cffi(work, suite):
    """The cffi suite's tree, environment and default files in ``work``."""
    archive = fetch_sdist("cffi==2.0.0", "cffi-2.0.0")
    tree = unpack(archive, os.path.join(work, "sdist"))
    # The peer's own package must not be importable: the shim stands in for it.
    shutil.rmtree(os.path.join(tree, "src", "cffi"))
    shim = os.path.join(work, "shim")
    shutil.copytree(os.path.join(suite, "shim"), shim)
    testfuncs = os.path.join(work, "testfuncs.so")
    subprocess.run([os.environ.get("CC", "cc"), "-O1", "-shared", "-fPIC", "-o", testfuncs,
                    os.path.join(suite, "testfuncs.c")], check=True)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([shim, tree]),
               RCFFI_COMPAT_TESTFUNCS=testfuncs, PYTHONDONTWRITEBYTECODE="1", TMPDIR=work)
    return tree, env, CFFI_FILES, read_list(os.path.join(suite, "out-of-scope.txt"))


def prepare_ctypes(work, suite):
    """CPython's ctypes tests copied into ``work`` as package ``ctypes_test``,
    without the out-of-scope files (they test the C implementation's internals)."""
    source = os.path.join(sysconfig.get_paths()["stdlib"], "ctypes", "test")
    tree = os.path.join(work, "suite")
    package = os.path.join(tree, "ctypes_test")
    os.makedirs(package)
    out_of_scope = read_list(os.path.join(suite, "out-of-scope.txt"))
    files = []
    for name in sorted(os.listdir(source)):
        if not name.endswith(".py") or name in out_of_scope:
            continue
        shutil.copy(os.path.join(source, name), package)
        if name.startswith("test_"):
            files.append("ctypes_test/" + name)
    missing = sorted(set(out_of_scope) - set(os.listdir(source)))
    if missing:
        sys.exit("out-of-scope files not in the suite: %s" % ", ".join(missing))
    shutil.copy(os.path.join(suite, "conftest.py"), tree)
    plugin = os.path.join(HERE, "cffi", "shim", "rcffi_compat_plugin.py")
    shim = os.path.join(work, "shim")
    os.makedirs(shim)
    shutil.copy(plugin, shim)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([shim, tree]),
               PYTHONDONTWRITEBYTECODE="1", TMPDIR=work)
    return tree, env, files, {}


def run_suite(args):
    suite = os.path.join(HERE, args.suite)
    expected_path = os.path.join(suite, "expected-failures.txt")
    prepare = prepare_cffi if args.suite == "cffi" else prepare_ctypes
    with tempfile.TemporaryDirectory(prefix="rcffi-compat-") as work:
        tree, env, default_files, out_of_scope = prepare(work, suite)
        files = args.files or default_files
        collected = collect(tree, env, files)
        problems = ["STALE out-of-scope %s was not collected" % t
                    for t in sorted(set(out_of_scope) - collected) if not args.files]
        results_path = os.path.join(work, "results.jsonl")
        env["RCFFI_COMPAT_RESULTS"] = results_path
        started = time.monotonic()
        expected = read_list(expected_path)
        not_run = {t for t, r in expected.items() if r.startswith(NOT_RUN) and t in collected}
        problems += ["STALE not-run entry %s was not collected" % t
                     for t, r in sorted(expected.items())
                     if r.startswith(NOT_RUN) and t not in collected and not args.files]
        log = run_pytest(tree, env, files, (set(out_of_scope) & collected) | not_run,
                         args.workers, args.timeout)
        elapsed = time.monotonic() - started
        if not os.path.exists(results_path):
            print(log)
            sys.exit("pytest reported no test")
        results = outcomes(results_path)
        results.update((t, ("failed", expected[t])) for t in not_run)
    if args.verbose:
        print(log)
    report(results, files)
    print("%d collected, %d out of scope (not run), %.0f s" % (
        len(collected), len(set(out_of_scope) & collected), elapsed))
    if args.files:
        expected = {t: r for t, r in expected.items() if t.split("::")[0] in files}
    if args.update:
        kept = {t: r for t, r in read_list(expected_path).items()
                if t.split("::")[0] not in files}
        for test_id, (outcome, message) in results.items():
            if outcome == "failed" or expected.get(test_id, "").startswith(FLAKY):
                kept[test_id] = expected.get(test_id) or first_line(message)
        write_list(expected_path, EXPECTED_HEADER % PEERS[args.suite], kept)
        print("wrote %s (%d entries)" % (expected_path, len(kept)))
        return 0
    problems += compare(results, expected)
    for problem in problems:
        print(problem)
    if problems:
        print("%d problem(s) against %s" % (len(problems), os.path.relpath(expected_path, ROOT)))
        return 1
    print("matches %s" % os.path.relpath(expected_path, ROOT))
    return 0


NOT_RUN = "not run:"
FLAKY = "flaky:"

EXPECTED_HEADER = """\
# %s's tests that fail on rcffi today, one per line: test id # reason.
# compat/run.py fails when a test not listed here fails, or a listed one passes.
"""

PEERS = {"cffi": "cffi 2.0.0", "ctypes": "CPython %d.%d ctypes" % sys.version_info[:2]}


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("suite", choices=sorted(PEERS))
    parser.add_argument("files", nargs="*", help="only these test files (paths in the suite)")
    parser.add_argument("--workers", default="auto")
    parser.add_argument("--timeout", type=int, default=120)
    parser.add_argument("--update", action="store_true",
                        help="rewrite the expected failures from this run")
    parser.add_argument("-v", "--verbose", action="store_true", help="print pytest's output")
    args = parser.parse_args()
    sys.exit(run_suite(args))


if __name__ == "__main__":
    main()
