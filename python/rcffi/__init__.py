"""rcffi: a C foreign-function interface for Python, written in Rust.

``from rcffi import FFI`` gives the cffi-compatible front end; ``rcffi._backend``
holds the low-level primitives it is built on.
"""

from . import _backend
from .api import FFI
from .error import (CDefError, CDefWarning, FFIError, PkgConfigError, VerificationError,
                    VerificationMissing)

__version__ = _backend.__version__
__version_info__ = tuple(int(x) for x in __version__.split("."))

#: The cffi version whose behaviour rcffi follows; what ``install_as_cffi()``
#: reports as ``cffi.__version__``.
CFFI_VERSION = "2.0.0"


class _MissingCffiPart:
    """A last-resort import finder: a ``cffi.*`` submodule that rcffi standing
    in for cffi does not provide raises an ImportError saying so, instead of
    a bare "No module named" that hides who answered the import."""

    @staticmethod
    def find_spec(name, path=None, target=None):
        if name.startswith("cffi."):
            raise ImportError("rcffi standing in for cffi does not provide %r (one of cffi's "
                              "internal modules); only cffi.FFI, its errors, cffi.api, "
                              "cffi.error and cffi.setuptools_ext are available" % (name,),
                              name=name)
        return None


def install_as_cffi():
    """Makes later ``import cffi`` (and ``import _cffi_backend``) give rcffi, so
    existing cffi code, build scripts included, runs unchanged on rcffi.

    Extension modules compiled by cffi and out-of-line modules it generated
    then load on rcffi's backend. A real ``_cffi_backend`` already imported is
    kept: the modules already loaded hold its objects, which do not mix with
    rcffi's.
    """
    import sys
    import types

    from . import api, error, setuptools_ext

    shim = types.ModuleType("cffi", "rcffi standing in for cffi")
    for name in __all__:
        setattr(shim, name, globals()[name])
    shim.__version__ = CFFI_VERSION
    shim.__version_info__ = tuple(int(x) for x in CFFI_VERSION.split("."))
    shim.__path__ = []
    shim.__rcffi_stand_in__ = True
    shim.api, shim.error, shim.setuptools_ext = api, error, setuptools_ext
    sys.modules["cffi"] = shim
    sys.modules["cffi.api"] = api
    sys.modules["cffi.error"] = error
    sys.modules["cffi.setuptools_ext"] = setuptools_ext
    backend = sys.modules.get("_cffi_backend")
    if backend is None or backend is _backend:
        sys.modules["_cffi_backend"] = _backend
    if not any(isinstance(f, _MissingCffiPart) for f in sys.meta_path):
        sys.meta_path.append(_MissingCffiPart())


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
    "CDefWarning",
    "PkgConfigError",
    "VerificationError",
    "VerificationMissing",
    "install_as_cffi",
    "install_as_ctypes",
    "__version__",
]
