"""Loading API-mode modules built by ``FFI.compile()``.

An API-mode module is a small Python file next to a shared library. The library
holds the user's C code and rcffi's glue (no Python headers: it works with any
Python); the Python file holds the declarations in compact binary form and calls
:func:`load_api_module` to rebuild ``ffi`` and make ``lib``.
"""

import os
import sys

from . import _backend

__all__ = ["load_api_module", "attach_library"]


def _report_not_attached(name):
    sys.stderr.write(
        'extern "Python": function %s() called, but no code was attached to it yet '
        "with @ffi.def_extern().  Returning 0.\n" % (name.decode("utf-8", "replace"),)
    )


def load_api_module(module_name, module_file, library_name, table_symbol, blob):
    """Returns ``(ffi, lib)`` for the API-mode module ``module_name``."""
    from .api import FFI

    path = os.path.join(os.path.dirname(os.path.abspath(module_file)), library_name)
    ffi = FFI(_decls=_backend.Declarations.deserialize(blob))
    lib = attach_library(ffi, path, table_symbol, module_name)
    sys.modules[module_name + ".lib"] = lib
    return ffi, lib


def attach_library(ffi, path, table_symbol, module_name):
    """Opens the compiled library at ``path``, completes ``ffi``'s declarations
    from its table and returns the ``lib`` object."""
    handle = _backend.load_library(path, _backend.RTLD_NOW)
    reporter = ffi.callback("void(char *)", lambda name: _report_not_attached(ffi.string(name)))
    objects = _backend.load_api_module(ffi._decls, handle, table_symbol, reporter, module_name)
    ffi._types.clear()
    lib = _make_api_lib(module_name, ffi, objects)
    ffi._api_objects = objects
    ffi._api_handle = handle
    return lib


def _make_api_lib(module_name, ffi, objects):
    """The ``lib`` of an API-mode module: functions and constants in its dict,
    global variables as descriptors reading and writing the C variable."""
    contents = dict(objects)
    for name in ffi._decls.names():
        found = ffi._decls.lookup(name)
        if found is not None and found[0] == "int" and name not in contents:
            contents[name] = found[1]
    return _backend.make_lib("<Lib object for %r>" % (module_name,), module_name, contents,
                             None, module_name, ffi)
