"""The names of ``cffi.verifier`` that the test suite's module set-up touches.

``ffi.verify()`` is rcffi's own (``rcffi.api``); the suite only empties the
build directory through ``cleanup_tmpdir()`` and wraps ``Verifier._write_source``
to inspect cffi's generated C, which rcffi never calls.
"""

import os
import shutil
import sys

_FORCE_GENERIC_ENGINE = False


class Verifier:
    def _write_source(self, file=None):
        raise NotImplementedError("rcffi's ffi.verify() writes its own source")


def _caller_dir_pycache():
    return os.path.join(os.path.dirname(os.path.abspath(sys._getframe(2).f_code.co_filename)),
                        "__pycache__")


def cleanup_tmpdir(tmpdir=None, keep_so=False):
    """Removes what earlier runs built next to the caller (its ``__pycache__``)."""
    shutil.rmtree(tmpdir or _caller_dir_pycache(), ignore_errors=True)
