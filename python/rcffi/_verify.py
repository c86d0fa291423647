"""``ffi.verify()``: cffi's pre-1.0 in-line API mode, kept for the code that
still calls it.

It builds the same extension module as ``set_source()`` + ``compile()`` and
opens it as this ffi's library, with the differences cffi documents for it:
the files go to ``tmpdir``, else ``$CFFI_TMPDIR``, else the caller's
``__pycache__``; ``relative_to`` anchors relative paths; ``flags`` are
``dlopen()``'s; the ffi keeps the lib alive; and every disagreement between the
cdef and the compiler (a constant's or an enumerator's value, a record's
layout) is a ``VerificationError`` of ``verify()`` itself, where a compiled
module raises ``ffi.error`` only when the name or type is used.
"""

import hashlib
import os

from . import _backend, api, loader, recompiler
from .error import VerificationError

#: The keywords verify() takes besides set_source()'s.
VERIFY_KEYWORDS = frozenset([
    "modulename", "ext_package", "tag", "force_generic_engine", "source_extension",
    "flags", "relative_to",
])
#: The keywords holding paths that ``relative_to`` anchors.
_PATH_KEYWORDS = ("sources", "include_dirs", "library_dirs", "extra_objects", "depends")


def verify(ffi, source, tmpdir, caller_file, kwargs):
    """The lib of ``ffi`` compiled with ``source``; ``caller_file`` is the file
    of the code calling ``ffi.verify()``."""
    unknown = sorted(set(kwargs) - recompiler.SOURCE_KEYWORDS - VERIFY_KEYWORDS)
    if unknown:
        raise TypeError("verify() got unexpected keyword arguments: %s" % ", ".join(unknown))
    kwargs = dict(kwargs)
    options = {key: kwargs.pop(key) for key in VERIFY_KEYWORDS if key in kwargs}
    unsized = ffi._decls.unknown_numeric_typedefs()
    if unsized:
        name, floating = unsized[0]
        raise VerificationError("feature not supported with ffi.verify(), but only with "
                                "ffi.set_source(): 'typedef %s... %s'"
                                % ("float" if floating else "int", name))
    extension = options.get("source_extension", ".c")
    module_name = options.get("modulename") or _default_name(ffi, source, kwargs, options)
    tmpdir = tmpdir or os.environ.get("CFFI_TMPDIR") or os.path.join(
        os.path.dirname(os.path.abspath(caller_file)), "__pycache__")
    relative_to = options.get("relative_to")
    if relative_to:
        base = os.path.dirname(relative_to)
        for key in _PATH_KEYWORDS:
            if key in kwargs:
                kwargs[key] = [os.path.join(base, path) for path in kwargs[key]]
    declared = _declared_values(ffi)
    c_path = os.path.join(tmpdir, module_name + extension)
    library = recompiler.extension_path(tmpdir, module_name)
    c_text, symbol = ffi._decls.generate_module_c(module_name, source, ffi._decls.serialize(),
                                                  [])
    recompiler.make_parent(c_path)
    # As cffi: a module already built is loaded as it is (its name changes with
    # everything that changes it), so a second process, or a build directory
    # holding only the extension, compiles nothing; a library this process has
    # loaded is never rewritten under it.
    if not os.path.exists(library):
        _backend.compile_module(c_path, c_text, library, recompiler.compile_options(kwargs))
    flags = options.get("flags")
    flags = _backend.RTLD_NOW if flags is None else flags
    # Checked on a copy of the declarations first: loading completes them with
    # the compiler's values and layouts, and a refused module must leave the
    # ffi as it was (a later verify() compares with the cdef again).
    others = [other._decls for other in ffi._included]
    copy = _backend.Declarations.deserialize(ffi._decls.serialize(others), others)
    for other in others:
        copy.include(other)
    trial = api.FFI(_decls=copy)
    loader.attach_library(trial, library, symbol, module_name, flags=flags)
    _check(trial, declared)
    lib = loader.attach_library(ffi, library, symbol, module_name, flags=flags)
    ffi._verified_libs.append(lib)
    return lib


def _default_name(ffi, source, kwargs, options):
    """A name that changes with everything that changes the module (not with
    ``relative_to``, so that an installed project finds what it built)."""
    key = hashlib.sha256(ffi._decls.serialize() + source.encode() +
                         repr(sorted(kwargs.items())).encode() +
                         repr(options.get("source_extension", ".c")).encode()).hexdigest()[:20]
    tag = options.get("tag")
    return "_rcffi_verify_%s%s" % (tag + "_" if tag else "", key)


def _declared_values(ffi):
    """``{name: (cdef value, enum C name or None)}`` of the integer constants
    and enumerators the cdef gives values, before the compiler completes them."""
    values, partial = {}, set()
    for enum, is_partial, members in ffi._decls.enums():
        for name, value in members:
            if is_partial:
                partial.add(name)
            else:
                values[name] = (value, enum)
    for name in ffi._decls.names():
        found = ffi._decls.declared(name)
        if name not in values and name not in partial and found is not None and \
                found[0] == "int":
            values[name] = (found[1], None)
    return values


def _check(ffi, declared):
    """Raises cffi's ``VerificationError`` for the first value or layout the
    compiler contradicts."""
    objects = ffi._api_objects
    for name, (cdef_value, enum) in declared.items():
        real = objects.get("__c_value__" + name, objects.get(name))
        if real is None:
            # Enumerators: the completed declarations hold the compiler's values.
            found = ffi._decls.lookup(name)
            real = found[1] if found is not None and found[0] == "int" else None
        if isinstance(real, int) and real != cdef_value:
            raise VerificationError("%s%s has the real value %d, not %d"
                                    % (enum + ": " if enum else "", name, real, cdef_value))
    for key, why in objects.items():
        if key.startswith("__layout_mismatch__"):
            # cffi's verify() words the cdef's side "we have".
            raise VerificationError(why.replace("(cdef says ", "(we have "))
