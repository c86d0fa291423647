"""``import _cffi_backend`` in cffi's test suite gives ``rcffi._backend`` itself.

It reports the cffi version whose behaviour it follows (the suite checks it), and
the one addition is ``_testfunc(n)``: the address of the n-th C test function of
``compat/cffi/testfuncs.c``, compiled by the harness (``RCFFI_COMPAT_TESTFUNCS``).
"""

import os
import sys

import rcffi
from rcffi import _backend

_ffi = rcffi.FFI()
_ffi.cdef("uintptr_t rcffi_compat_testfunc(int);")
_testlib = _ffi.dlopen(os.environ["RCFFI_COMPAT_TESTFUNCS"])


def _testfunc(num):
    address = _testlib.rcffi_compat_testfunc(num)
    if not address:
        raise NotImplementedError("no C test function number %d" % num)
    return address


_backend._testfunc = _testfunc
_backend.__version__ = rcffi.CFFI_VERSION
sys.modules[__name__] = _backend
