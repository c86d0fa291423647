"""An embedding library loaded into a running Python process: it attaches to
that interpreter (never starting a second one), and it is also importable as
its extension module."""

import ctypes
import importlib
import sys
import threading

import pytest

import rcffi

pytestmark = pytest.mark.timeout(180)


def init_code(module_name):
    return f"""
        import sys
        from {module_name} import ffi, lib
        sys.embedding_log.append(("init", {module_name!r}))

        @ffi.def_extern()
        def mul(x, y):
            sys.embedding_log.append(("mul", x, y))
            return x * y
    """


@pytest.fixture
def log(monkeypatch):
    entries = []
    monkeypatch.setattr(sys, "embedding_log", entries, raising=False)
    return entries


def test_loaded_with_ctypes_it_runs_in_this_interpreter(embed, log):
    built = embed("_att_ctypes_emb", "int mul(int, int);", init_code("_att_ctypes_emb"))
    library = ctypes.CDLL(built.library)
    library.mul.argtypes = [ctypes.c_int, ctypes.c_int]
    assert library.mul(6, 7) == 42
    assert library.mul(-2, 8) == -16
    assert log == [("init", "_att_ctypes_emb"), ("mul", 6, 7), ("mul", -2, 8)]
    assert sys.modules["_att_ctypes_emb"].lib.mul(3, 3) == 9


def test_threads_of_this_process_call_it_concurrently(embed, log):
    built = embed("_att_threads_emb", "int mul(int, int);", init_code("_att_threads_emb"))
    ffi = rcffi.FFI()
    ffi.cdef("int mul(int, int);")
    lib = ffi.dlopen(built.library)
    results = {}

    def work(k):
        results[k] = [lib.mul(k, i) for i in range(50)]

    threads = [threading.Thread(target=work, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == {k: [k * i for i in range(50)] for k in range(6)}
    assert log.count(("init", "_att_threads_emb")) == 1
    assert len(log) == 1 + 6 * 50


def test_imported_as_a_module_its_init_code_runs_on_the_first_call(embed, log, monkeypatch):
    built = embed("_att_import_emb", "int mul(int, int);", init_code("_att_import_emb"))
    monkeypatch.syspath_prepend(built.directory)
    importlib.invalidate_caches()
    module = importlib.import_module("_att_import_emb")
    assert module.__file__ == built.library
    assert log == []
    assert module.lib.mul(5, 4) == 20
    assert log == [("init", "_att_import_emb"), ("mul", 5, 4)]
    assert module.ffi.typeof(module.lib.mul) is module.ffi.typeof("int(*)(int, int)")
