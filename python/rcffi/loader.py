"""Loading API-mode modules built by ``FFI.compile()``.

An API-mode module is a small Python file next to a shared library. The library
holds the user's C code and rcffi's glue (no Python headers: it works with any
Python); the Python file holds the declarations in compact binary form and calls
:func:`load_api_module` to rebuild ``ffi`` and make ``lib``.
"""

import importlib
import os
import sys

from . import _backend

__all__ = ["load_api_module", "attach_library", "included_declarations"]


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


def load_api_module(module_name, module_file, library_name, table_symbol, blob, includes=()):
    """Returns ``(ffi, lib)`` for the API-mode module ``module_name``, whose
    types are shared with the modules named in ``includes``."""
    from .api import FFI

    path = os.path.join(os.path.dirname(os.path.abspath(module_file)), library_name)
    included = included_declarations(includes)
    # The library's table is laid out for the module's own declarations; the
    # included ones join after it is read.
    ffi = FFI(_decls=_backend.Declarations.deserialize(blob, included))
    ffi._module_name = module_name
    ffi._included_names = tuple(includes)
    lib = attach_library(ffi, path, table_symbol, module_name, included)
    sys.modules[module_name + ".lib"] = lib
    return ffi, lib


def attach_library(ffi, path, table_symbol, module_name, included=()):
    """Opens the compiled library at ``path``, completes ``ffi``'s declarations
    from its table, adds the ``included`` declarations and returns the ``lib``."""
    handle = _backend.load_library(path, _backend.RTLD_NOW)
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
        members = vars(type(lib))
        for name in module.ffi._decls.names():
            if name in contents:
                continue
            member = members.get(name)
            if member is not None and hasattr(member, "__set__"):
                contents[name] = member
                continue
            try:
                contents[name] = getattr(lib, name)
            except AttributeError:
                pass


def _make_api_lib(module_name, ffi, objects):
    """The ``lib`` of an API-mode module: functions and constants in its dict,
    global variables as descriptors reading and writing the C variable."""
    contents = dict(objects)
    _add_included(ffi, contents)
    for name in ffi._decls.names():
        if name in contents:
            continue
        found = ffi._decls.lookup(name)
        if found is not None and found[0] == "int":
            contents[name] = found[1]
    return _backend.make_lib("<Lib object for %r>" % (module_name,), module_name, contents,
                             None, module_name, ffi, qualified_name=module_name + ".lib")
