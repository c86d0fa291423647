"""Building a plain C shared library, as the test suite asks of ``ffiplatform``."""

import os
import shlex
import subprocess
import sysconfig

from rcffi import VerificationError


class _Extension:
    def __init__(self, srcfilename, modname, sources=(), **kwds):
        self.name = modname
        self.sources = [srcfilename] + list(sources)
        self.kwds = kwds


def get_extension(srcfilename, modname, sources=(), **kwds):
    return _Extension(srcfilename, modname, sources, **kwds)


def compile(tmpdir, ext, compiler_verbose=0, debug=None):
    suffix = sysconfig.get_config_var("EXT_SUFFIX") or ".so"
    output = os.path.join(tmpdir, ext.name + suffix)
    command = shlex.split(os.environ.get("CC", "cc")) + ["-shared", "-fPIC", "-o", output]
    command += ext.sources
    command += ["-I" + d for d in ext.kwds.get("include_dirs", [])]
    command += ["-L" + d for d in ext.kwds.get("library_dirs", [])]
    command += ["-l" + lib for lib in ext.kwds.get("libraries", [])]
    done = subprocess.run(command, capture_output=True, text=True)
    if done.returncode:
        raise VerificationError("compiling %s failed:\n%s" % (ext.name, done.stderr))
    return output
