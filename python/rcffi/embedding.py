"""Embedding libraries: a shared library written in Python (cffi's embedding mode).

``ffi.embedding_api()`` declares what the library exports and
``ffi.compile()`` builds it, linked with the Python runtime. The library is
also the extension module named by ``set_source()``: its ``PyInit`` (called by
``import`` in a Python process, or by the library itself when its first
exported call starts Python) calls :func:`load_embedded_module`, which gives
the module its ``ffi`` and ``lib`` as API mode's loader does.
"""

import os
import sys
import sysconfig

from . import _backend

__all__ = ["load_embedded_module", "run_init_code", "add_link_options", "library_suffix",
           "rcffi_dir"]


def load_embedded_module(module, path, blob, table_symbol):
    """Fills ``module`` (made by the library's ``PyInit``) with ``ffi`` and
    ``lib``: the declarations from ``blob``, completed from the library's table."""
    from .api import FFI
    from .loader import attach_library

    name = module.__name__
    ffi = FFI(_decls=_backend.Declarations.deserialize(blob))
    lib = attach_library(ffi, path, table_symbol, name)
    module.ffi = ffi
    module.lib = lib
    module.__file__ = path
    sys.modules[name + ".lib"] = lib


def run_init_code(module, source):
    """Runs the init code of the library of ``module`` in a namespace of its
    own, its lines known to ``linecache`` so that tracebacks show them."""
    import linecache

    filename = "<init code for %r>" % (module.__name__,)
    lines = source.splitlines(True)
    linecache.cache[filename] = (len(source), None, lines, filename)
    namespace = {"__name__": module.__name__, "__builtins__": __builtins__}
    exec(compile(source, filename, "exec"), namespace)


def add_link_options(kwds):
    """Adds to set_source() keywords what links the Python runtime, as
    ``python3-config --embed --ldflags`` says (from sysconfig), with an rpath
    so that programs find it without ``LD_LIBRARY_PATH``."""
    var = sysconfig.get_config_var
    libdir = var("LIBDIR") if var("Py_ENABLE_SHARED") else var("LIBPL")
    extra = (var("LIBS") or "").split() + (var("SYSLIBS") or "").split()
    additions = {
        "libraries": ["python" + (var("LDVERSION") or var("VERSION"))],
        "library_dirs": [libdir] if libdir else [],
        "runtime_library_dirs": [libdir] if libdir else [],
        "extra_link_args": extra,
    }
    for key, values in additions.items():
        present = list(kwds.get(key) or ())
        kwds[key] = present + [v for v in values if v not in present]


def library_suffix():
    """What ``*`` in ``compile(target="name.*")`` becomes."""
    if sys.platform == "win32":
        return ".dll"
    if sys.platform == "darwin":
        return ".dylib"
    return ".so"


def rcffi_dir():
    """The directory holding the ``rcffi`` package."""
    return os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
