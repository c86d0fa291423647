"""Exported functions called from several C threads: during initialisation
(one thread runs the init code, the others wait), from threads Python never
saw, and with the GIL released between calls."""

import pytest

pytestmark = pytest.mark.timeout(180)

API = """
    int add(int, int);
    int thread_number(void);
    int ticks(void);
"""

INIT = """
    import sys, threading, time, itertools
    sys.stdout.write("init\\n")
    sys.stdout.flush()
    time.sleep(0.3)
    from _thr_emb import ffi
    numbers = itertools.count()
    local = threading.local()
    state = {"ticks": 0}

    def ticker():
        while True:
            state["ticks"] += 1
            time.sleep(0.001)

    threading.Thread(target=ticker, daemon=True).start()

    @ffi.def_extern()
    def add(x, y):
        return x + y

    @ffi.def_extern()
    def thread_number():
        if not hasattr(local, "n"):
            local.n = next(numbers)
        return local.n

    @ffi.def_extern()
    def ticks():
        return state["ticks"]
"""

PROGRAM = r"""
#include <pthread.h>
#include <stdio.h>
#include <unistd.h>
#define THREADS 8
int add(int, int);
int thread_number(void);
int ticks(void);
static int numbers[THREADS];
static long long sums[THREADS];

static void *run(void *arg)
{
    int k = (int)(long)arg, i, first;
    long long s = 0;
    for (i = 0; i < 2000; i++)
        s += add(i, k);
    first = thread_number();
    numbers[k] = thread_number() == first ? first : -1;
    sums[k] = s;
    return NULL;
}

int main(void)
{
    pthread_t t[THREADS];
    int k, before;
    for (k = 0; k < THREADS; k++)
        pthread_create(&t[k], NULL, run, (void *)(long)k);
    for (k = 0; k < THREADS; k++)
        pthread_join(t[k], NULL);
    for (k = 0; k < THREADS; k++)
        printf("%lld %d\n", sums[k], numbers[k]);
    before = ticks();
    usleep(200000);
    printf("ticked: %d\n", ticks() > before);
    return 0;
}
"""


def test_threads_calling_during_and_after_initialisation(embed):
    built = embed("_thr_emb", API, INIT)
    exe = built.program("threads", PROGRAM, threads=True)
    for _ in range(3):
        out, err = built.run(exe)
        lines = out.splitlines()
        assert lines[0] == "init" and lines.count("init") == 1, out
        rows = [line.split() for line in lines[1:9]]
        # sum(i + k for i < 2000) = 1999000 + 2000 k
        assert [int(r[0]) for r in rows] == [1999000 + 2000 * k for k in range(8)]
        numbers = [int(r[1]) for r in rows]
        # each thread kept its Python thread state (its threading.local) between calls
        assert sorted(numbers) == list(range(8)), numbers
        # the GIL is released between calls: Python's own thread ran meanwhile
        assert lines[9] == "ticked: 1"
        assert err == ""


def test_two_libraries_started_at_once_share_one_python(embed, tmp_path):
    first = embed("_one_emb", "int one(void);",
                  "import sys\nfrom _one_emb import ffi\n"
                  "sys.shared = getattr(sys, 'shared', 0) + 1\n"
                  "@ffi.def_extern()\ndef one():\n    return sys.shared\n")
    second = embed("_two_emb", "int two(void);",
                   "import sys\nfrom _two_emb import ffi\n"
                   "sys.shared = getattr(sys, 'shared', 0) + 1\n"
                   "@ffi.def_extern()\ndef two():\n    return sys.shared\n")
    program = r"""
    #include <pthread.h>
    #include <stdio.h>
    int one(void); int two(void);
    static int a, b;
    static void *run_one(void *x) { a = one(); return x; }
    static void *run_two(void *x) { b = two(); return x; }
    int main(void)
    {
        pthread_t t1, t2;
        pthread_create(&t1, NULL, run_one, NULL);
        pthread_create(&t2, NULL, run_two, NULL);
        pthread_join(t1, NULL);
        pthread_join(t2, NULL);
        printf("%d %d %d\n", a, b, one() + two());
        return 0;
    }
    """
    exe = first.program("both", program, threads=True, others=[second])
    for _ in range(5):
        out, _ = first.run(exe)
        a, b, total = map(int, out.split())
        # both init codes ran in the same interpreter, one after the other
        assert sorted([a, b]) in ([1, 2], [2, 2]) and total == 4, out
