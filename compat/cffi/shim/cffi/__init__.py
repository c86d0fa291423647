"""``import cffi`` in cffi's test suite gives rcffi's front end.

This package exists only for the compatibility run (``make compat``); it maps
the names the test suite imports onto rcffi and holds no cffi code.
"""

import os

import rcffi
from rcffi import CDefError, FFIError, PkgConfigError, VerificationError, VerificationMissing
from rcffi.api import FFI

# cffi's test_zdist.py checks the exact files a build leaves: no rcffi stubs
# (read at each build; the environment reaches the setup.py runs the suite
# starts too).
os.environ.setdefault("RCFFI_STUBS", "0")

#: rcffi's setuptools integration serves `cffi_modules=` for a stand-in.
__rcffi_stand_in__ = True
__version__ = rcffi.CFFI_VERSION
__version_info__ = tuple(int(x) for x in __version__.split("."))


__all__ = [
    "FFI",
    "CDefError",
    "FFIError",
    "VerificationError",
    "VerificationMissing",
    "PkgConfigError",
]
