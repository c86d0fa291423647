"""rcffi: a C foreign-function interface for Python, written in Rust.

``from rcffi import FFI`` gives the cffi-compatible front end; ``rcffi._backend``
holds the low-level primitives it is built on.
"""

from . import _backend
from .api import FFI
from .error import CDefError, FFIError, VerificationError, VerificationMissing

__version__ = _backend.__version__
__version_info__ = tuple(int(x) for x in __version__.split("."))

__all__ = [
    "FFI",
    "FFIError",
    "CDefError",
    "VerificationError",
    "VerificationMissing",
    "__version__",
]
