"""Differential tests of rcffi.ctypes: each operation runs on rcffi.ctypes and on
CPython's own ctypes (the behavioural reference) and must give the same."""

import ctypes as std_ctypes
import sys
from pathlib import Path

import pytest

import rcffi.ctypes as rc_ctypes

sys.path.insert(0, str(Path(__file__).parent.parent))

from differential import outcome  # noqa: E402


@pytest.fixture
def same():
    """``same(fn)``: asserts ``fn(module)`` has one outcome on both modules and
    returns it."""

    def check(fn):
        ours = outcome(lambda: fn(rc_ctypes))
        theirs = outcome(lambda: fn(std_ctypes))
        assert ours == theirs
        return ours

    return check


@pytest.fixture(params=["rcffi", "cpython"])
def ct(request):
    """Each module in turn, for tests that assert behaviour directly."""
    return rc_ctypes if request.param == "rcffi" else std_ctypes
