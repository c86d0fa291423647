"""conftest of the ctypes compatibility run, copied next to CPython's ctypes tests.

``import ctypes`` gives ``rcffi.ctypes`` (through ``rcffi.install_as_ctypes()``),
and ``ctypes.test`` is the copied test package, so the suite's own
``from ctypes.test import need_symbol`` works unchanged.
"""

import importlib
import sys

import rcffi

rcffi.install_as_ctypes()
_tests = importlib.import_module("ctypes_test")
sys.modules["ctypes.test"] = _tests
sys.modules["ctypes"].test = _tests
