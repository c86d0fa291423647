"""The names of ``cffi.verifier`` that the test suite's module set-up touches.

``ffi.verify()`` is rcffi's own (``rcffi.api``); the suite only empties the
build directory through ``cleanup_tmpdir()`` and wraps ``Verifier._write_source``
to inspect cffi's generated C, which rcffi never calls.
"""

import os
import shutil
import sys
import sysconfig

_FORCE_GENERIC_ENGINE = False


class Verifier:
    def _write_source(self, file=None):
        raise NotImplementedError("rcffi's ffi.verify() writes its own source")


def _caller_dir_pycache():
    return os.path.join(os.path.dirname(os.path.abspath(sys._getframe(2).f_code.co_filename)),
                        "__pycache__")


def cleanup_tmpdir(tmpdir=None, keep_so=False):
    """Removes what earlier runs built next to the caller (its ``__pycache__``);
    with ``keep_so``, the built extension modules stay."""
    tmpdir = tmpdir or _caller_dir_pycache()
    if not keep_so:
        shutil.rmtree(tmpdir, ignore_errors=True)
        return
    suffix = sysconfig.get_config_var("EXT_SUFFIX")
    for name in os.listdir(tmpdir) if os.path.isdir(tmpdir) else ():
        path = os.path.join(tmpdir, name)
        if os.path.isdir(path):
            shutil.rmtree(path, ignore_errors=True)
        elif not name.endswith(suffix):
            os.unlink(path)
