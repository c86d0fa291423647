"""The exceptions rcffi raises, with cffi's names."""

from ._backend import CDefError, FFIError

__all__ = ["FFIError", "CDefError", "VerificationError", "VerificationMissing"]


class VerificationError(FFIError):
    """An API-mode module could not be generated or compiled."""


class VerificationMissing(FFIError):
    """An API-mode-only feature was used where no compiler filled it in."""
