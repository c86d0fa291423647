"""The exceptions rcffi raises, with cffi's names."""

from ._backend import CDefError, FFIError, VerificationError, VerificationMissing

__all__ = ["FFIError", "CDefError", "VerificationError", "VerificationMissing"]
