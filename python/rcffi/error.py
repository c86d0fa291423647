"""The exceptions rcffi raises, with cffi's names."""

from ._backend import CDefError, FFIError, PkgConfigError, VerificationError, VerificationMissing

__all__ = ["FFIError", "CDefError", "CDefWarning", "PkgConfigError", "VerificationError",
           "VerificationMissing"]


class CDefWarning(UserWarning):
    """cdef() skipped declarations of included headers that rcffi cannot
    represent; the message lists them with their file and line."""
