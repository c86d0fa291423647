"""The exceptions rcffi raises, with cffi's names."""

from ._backend import CDefError, FFIError, VerificationError, VerificationMissing

__all__ = ["FFIError", "CDefError", "CDefWarning", "VerificationError", "VerificationMissing"]


class CDefWarning(UserWarning):
    """What cdef() accepted but wants known: a global without a storage
    class, or declarations of included headers it skipped because rcffi
    cannot represent them (listed in the message)."""
