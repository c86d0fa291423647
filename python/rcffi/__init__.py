"""rcffi: a C foreign-function interface for Python, written in Rust.

``from rcffi import FFI`` gives the cffi-compatible front end; ``rcffi._backend``
holds the low-level primitives it is built on.
"""

from . import _backend
from .api import FFI
from .error import CDefError, FFIError, VerificationError, VerificationMissing

__version__ = _backend.__version__
__version_info__ = tuple(int(x) for x in __version__.split("."))

#: The cffi version whose behaviour rcffi follows; what ``install_as_cffi()``
#: reports as ``cffi.__version__``.
CFFI_VERSION = "2.0.0"


def install_as_cffi():
    """Makes later ``import cffi`` (and ``import _cffi_backend``) give rcffi, so
    existing cffi code, build scripts included, runs unchanged on rcffi."""
    import sys
    import types

    from . import api, error, setuptools_ext

    shim = types.ModuleType("cffi", "rcffi standing in for cffi")
    for name in __all__:
        setattr(shim, name, globals()[name])
    shim.__version__ = CFFI_VERSION
    shim.__version_info__ = tuple(int(x) for x in CFFI_VERSION.split("."))
    shim.__path__ = []
    shim.api, shim.error, shim.setuptools_ext = api, error, setuptools_ext
    sys.modules["cffi"] = shim
    sys.modules["cffi.api"] = api
    sys.modules["cffi.error"] = error
    sys.modules["cffi.setuptools_ext"] = setuptools_ext
    sys.modules["_cffi_backend"] = _backend


def install_as_ctypes():
    """Makes later ``import ctypes`` (``ctypes.util``, ``ctypes.wintypes`` and the
    ``_ctypes`` names the standard module re-exports) give ``rcffi.ctypes``."""
    import sys

    from . import ctypes
    from .ctypes import util, wintypes

    sys.modules["ctypes"] = ctypes
    sys.modules["ctypes.util"] = util
    sys.modules["ctypes.wintypes"] = wintypes
    sys.modules["_ctypes"] = ctypes


__all__ = [
    "FFI",
    "FFIError",
    "CDefError",
    "VerificationError",
    "VerificationMissing",
    "install_as_cffi",
    "install_as_ctypes",
    "__version__",
]
