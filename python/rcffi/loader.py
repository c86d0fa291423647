"""Loading API-mode modules built by ``FFI.compile()``.

An API-mode module is one CPython extension module: the user's C code, rcffi's
glue with its table, the declarations in compact binary form and a
``PyInit_<name>`` calling :func:`init_extension_module`, which rebuilds ``ffi``
from the declarations, completes them from the table and makes ``lib``.
"""

import importlib
import os
import sys

from . import _backend

__all__ = ["init_extension_module", "attach_library", "included_declarations"]


def included_declarations(module_names):
    """The declarations of the modules a module included (``ffi.include()``),
    imported by name, so the module shares their types."""
    found = []
    for name in module_names:
        ffi = getattr(importlib.import_module(name), "ffi", None)
        if ffi is None or not hasattr(ffi, "_decls"):
            raise ImportError("module %r, included by ffi.include(), has no rcffi 'ffi'" % (name,))
        found.append(ffi._decls)
    return found


def _report_not_attached(module_name, name):
    # To the process's stderr, as C code would (and cffi does): the call comes
    # from C, possibly where Python's sys.stderr is redirected or gone.
    message = ('extern "Python": function %s.%s() called, but no code was attached to it '
               "yet with @ffi.def_extern().  Returning 0.\n"
               % (module_name, name.decode("utf-8", "replace")))
    try:
        sys.stderr.flush()
    except (AttributeError, ValueError, OSError):
        pass
    os.write(2, message.encode("utf-8", "replace"))


def init_extension_module(module, path, blob, table_symbol, includes):
    """Gives ``module`` (made by the ``PyInit`` of the extension at ``path``)
    its ``ffi`` and ``lib``; the types are shared with the modules named in
    ``includes`` (space-separated), imported first."""
    from .api import FFI

    module_name = module.__name__
    names = tuple(includes.split())
    included = included_declarations(names)
    # The library's table is laid out for the module's own declarations; the
    # included ones join after it is read.
    ffi = FFI(_decls=_backend.Declarations.deserialize(blob, included))
    ffi._module_name = module_name
    ffi._included_names = names
    lib = attach_library(ffi, path, table_symbol, module_name, included)
    module.ffi = ffi
    module.lib = lib
    sys.modules[module_name + ".lib"] = lib


def attach_library(ffi, path, table_symbol, module_name, included=(), flags=_backend.RTLD_NOW):
    """Opens the compiled library at ``path`` with ``dlopen()`` ``flags``,
    completes ``ffi``'s declarations from its table, adds the ``included``
    declarations and returns the ``lib``."""
    handle = _backend.load_library(path, flags)
    reporter = ffi.callback("void(char *)",
                            lambda name: _report_not_attached(module_name, ffi.string(name)))
    objects = _backend.load_api_module(ffi._decls, handle, table_symbol, reporter, module_name)
    for other in included:
        ffi._decls.include(other)
    ffi._types.clear()
    lib = _make_api_lib(module_name, ffi, objects)
    ffi._api_objects = objects
    ffi._api_handle = handle
    return lib


def _add_included(ffi, contents):
    """What the libs of the included modules give, under the same names:
    their functions and constants themselves, their globals' descriptors."""
    for module_name in ffi._included_names:
        module = sys.modules.get(module_name) or importlib.import_module(module_name)
        lib = getattr(module, "lib", None)
        if lib is None:
            continue
        # Functions and constants by value, globals by their descriptor.
        members = lib.__dict__
        for name in module.ffi._decls.names():
            if name not in contents and name in members:
                contents[name] = members[name]


def _make_api_lib(module_name, ffi, objects):
    """The ``lib`` of an API-mode module: functions and constants in its slots,
    global variables as descriptors reading and writing the C variable."""
    contents = dict(objects)
    _add_included(ffi, contents)
    for name in ffi._decls.names():
        if name in contents:
            continue
        found = ffi._decls.lookup(name)
        # Macros of the cdef and its headers that are numbers or strings.
        if found is not None and found[0] in ("int", "float", "bytes"):
            contents[name] = found[1]
    return _backend.make_lib("<Lib object for %r>" % (module_name,), module_name, contents,
                             None, module_name, ffi, qualified_name=module_name + ".lib")
