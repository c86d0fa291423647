"""Threads against one FFI at once (issue #17): 16 Python threads and 16 C
threads through calls, callbacks, cdata, `init_once` and whole FFIs made and
dropped (whose types the process-wide table frees meanwhile). Every result is
checked; the counts keep each test within seconds (pytest-timeout bounds it)."""

import threading

import pytest

import rcffi

CDEF = """
struct pair { int a; int b; };
int add(int, int);
int run_threads(int (*cb)(struct pair *, int), int nthreads, int n, long *sums);
"""

SOURCE = r"""
#include <pthread.h>
struct pair { int a; int b; };
struct job { int (*cb)(struct pair *, int); int id; int n; long sum; };

static int add(int a, int b) { return a + b; }

static void *run(void *arg)
{
    struct job *j = arg;
    for (int i = 0; i < j->n; i++) {
        struct pair p = { j->id, i };
        j->sum += j->cb(&p, i);
    }
    return NULL;
}

/* nthreads C threads, each calling cb n times; their sums in sums[]. */
static int run_threads(int (*cb)(struct pair *, int), int nthreads, int n, long *sums)
{
    pthread_t th[16];
    struct job jobs[16];
    if (nthreads > 16)
        return -1;
    for (int i = 0; i < nthreads; i++) {
        jobs[i].cb = cb;
        jobs[i].id = i;
        jobs[i].n = n;
        jobs[i].sum = 0;
        if (pthread_create(&th[i], NULL, run, &jobs[i]) != 0)
            return -1;
    }
    for (int i = 0; i < nthreads; i++) {
        pthread_join(th[i], NULL);
        sums[i] = jobs[i].sum;
    }
    return 0;
}
"""

C_THREADS = 16
PY_THREADS = 16
CALLS_PER_C_THREAD = 300
ROUNDS_PER_PY_THREAD = 150


@pytest.fixture(scope="module")
def mod(tmp_path_factory, monkeypatch_module):
    import importlib

    tmp = tmp_path_factory.mktemp("stress")
    monkeypatch_module.syspath_prepend(str(tmp))
    ffi = rcffi.FFI()
    ffi.cdef(CDEF)
    ffi.set_source("_stress_mod", SOURCE, libraries=["pthread"])
    ffi.compile(tmpdir=str(tmp))
    importlib.invalidate_caches()
    return importlib.import_module("_stress_mod")


@pytest.fixture(scope="module")
def monkeypatch_module():
    mp = pytest.MonkeyPatch()
    yield mp
    mp.undo()


def expected_c_sum(thread_id):
    # The callback returns add(a, b) * 2 + i with a the thread's id, b = i.
    return sum((thread_id + i) * 2 + i for i in range(CALLS_PER_C_THREAD))


def python_worker(mod, index, once_calls, errors):
    ffi, lib = mod.ffi, mod.lib
    try:
        for r in range(ROUNDS_PER_PY_THREAD):
            assert lib.add(index, r) == index + r
            p = ffi.new("struct pair *", {"a": index, "b": r})
            p.b += 1
            assert (p.a, p.b) == (index, r + 1)
            arr = ffi.new("struct pair[]", 3)
            arr[2] = p[0]
            assert ffi.unpack(ffi.cast("int *", arr), 6)[4:] == [index, r + 1]

            def init():
                once_calls.append(index)
                return "ready"

            assert ffi.init_once(init, "shared") == "ready"
            # A whole FFI made and dropped: its struct is freed from the
            # process-wide table while the other threads use theirs.
            other = rcffi.FFI()
            other.cdef("struct t%d_%d { char c; long v[%d]; };" % (index, r, r % 5 + 1))
            assert other.sizeof("struct t%d_%d" % (index, r)) == 8 + 8 * (r % 5 + 1)
            assert other.new("struct t%d_%d *" % (index, r), {"c": b"x"}).c == b"x"
    except BaseException as e:  # reported by the main thread
        errors.append(e)


def test_python_and_c_threads_at_once(mod):
    ffi, lib = mod.ffi, mod.lib
    seen = {}
    lock = threading.Lock()

    @ffi.callback("int(struct pair *, int)")
    def cb(p, i):
        with lock:
            seen[threading.get_ident()] = seen.get(threading.get_ident(), 0) + 1
        return lib.add(p.a, p.b) * 2 + i

    once_calls, errors = [], []
    workers = [threading.Thread(target=python_worker, args=(mod, k, once_calls, errors))
               for k in range(PY_THREADS)]
    for w in workers:
        w.start()
    sums = ffi.new("long[]", C_THREADS)
    # The C threads call back while the Python threads run.
    assert lib.run_threads(cb, C_THREADS, CALLS_PER_C_THREAD, sums) == 0
    for w in workers:
        w.join()
    assert errors == []
    assert list(sums) == [expected_c_sum(t) for t in range(C_THREADS)]
    assert sorted(seen.values()) == [CALLS_PER_C_THREAD] * C_THREADS
    assert threading.get_ident() not in seen
    assert len(once_calls) == 1


def test_c_threads_started_from_many_python_threads(mod):
    ffi, lib = mod.ffi, mod.lib

    def cb(p, i):
        return lib.add(p.a, p.b) * 2 + i

    results, errors = {}, []

    def start(k):
        try:
            c_cb = ffi.callback("int(struct pair *, int)", cb)
            sums = ffi.new("long[]", 4)
            assert lib.run_threads(c_cb, 4, CALLS_PER_C_THREAD, sums) == 0
            results[k] = list(sums)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=start, args=(k,)) for k in range(PY_THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert results == {k: [expected_c_sum(t) for t in range(4)] for k in range(PY_THREADS)}
