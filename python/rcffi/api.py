"""The high-level, cffi-compatible ``FFI`` class.

``FFI`` is a thin front over ``rcffi._backend``: declarations are parsed and laid
out by the Rust core, type strings resolve to interned ``CType`` objects, and
every memory or call operation is one backend primitive.
"""

import ctypes.util
import os
import threading
import warnings

from . import _backend
from .error import CDefError

__all__ = ["FFI"]

_MISSING = object()


class FFI(_backend.FFI):
    """The entry point: declare C with ``cdef()``, then use libraries and memory.

    Code written for ``cffi.FFI`` runs unchanged. The type and memory operations
    (``typeof``, ``sizeof``, ``alignof``, ``offsetof``, ``getctype``, ``new``,
    ``cast``, ``string``, ``NULL``, ``errno``, ...) come from the backend's
    ``FFI`` in Rust; this class adds declarations, libraries and modules.
    """

    def __init__(self, backend=None, _decls=None):
        if backend is not None and backend is not _backend:
            raise ValueError("rcffi.FFI only runs on rcffi._backend")
        self._backend = _backend
        self._out_of_line = _decls is not None
        self._source = None
        self._api_objects = None
        self._init_once_lock = threading.Lock()
        self._init_once = {}
        self._lock = threading.Lock()
        self._libs = []
        for name in dir(_backend):
            if name.startswith("RTLD_"):
                setattr(self, name, getattr(_backend, name))

    # ----- declarations --------------------------------------------------------

    def cdef(self, csource, override=False, packed=False, pack=None):
        """Parses C declarations and adds them to this FFI."""
        if not isinstance(csource, str):
            raise TypeError("cdef() argument must be a string, not %s" % type(csource).__name__)
        if pack == 0:
            pack = None  # cffi's spelling of "the default packing" too
        if pack is not None and packed:
            raise ValueError("'packed' and 'pack' cannot both be given")
        if pack is not None and (pack <= 0 or pack & (pack - 1)):
            raise ValueError("'pack' must be a power of two, not %r" % (pack,))
        with self._lock:
            found = self._decls.cdef(csource, override, bool(packed), pack or 0)
            self._types.clear()
        for message in found:
            warnings.warn(message, UserWarning, stacklevel=2)

    def _ctype(self, cdecl):
        if isinstance(cdecl, str):
            return self._typeof(cdecl)
        if isinstance(cdecl, _backend.CType):
            return cdecl
        raise TypeError("expected a type string or a ctype, not %s" % type(cdecl).__name__)

    def include(self, ffi_to_include):
        """Makes the types and constants of another FFI available here."""
        if not isinstance(ffi_to_include, FFI):
            raise TypeError("include() expects another FFI instance")
        if ffi_to_include is self:
            raise ValueError("an FFI cannot include itself")
        with self._lock:
            self._decls.include(ffi_to_include._decls)
            self._types.clear()

    def integer_const(self, name):
        """The value of the integer constant ``name`` (a ``#define``, an
        enumerator, a ``static const int X = 42;``), for code that has the
        ``ffi`` but not its ``lib``; ``#define X ...`` once the module is built."""
        found = self._decls.lookup(name)
        if found is None:
            raise AttributeError("integer constant %r not found" % (name,))
        kind, value = found
        if kind == "int":
            return value
        if kind == "unknown" and self._api_objects is not None:
            return self._api_objects[name]
        raise self.error("function, global variable or non-integer constant %r must be fetched "
                         "from its original 'lib' object" % (name,))

    @classmethod
    def _from_serialized(cls, blob):
        """The ``ffi`` of an out-of-line module: declarations rebuilt from a blob."""
        return cls(_decls=_backend.Declarations.deserialize(blob))

    # ----- out-of-line modules -------------------------------------------------

    def set_source(self, module_name, source, source_extension=".c", **kwds):
        """Names the module ``compile()`` will build.

        ``source=None`` is out-of-line ABI mode: a Python module giving ``ffi``,
        used with ``dlopen()``. Otherwise it is API mode: ``source`` is C code
        (usually ``#include`` lines) compiled with rcffi's glue into a module
        giving ``ffi`` and ``lib``; the keywords are those of distutils'
        ``Extension`` (``libraries``, ``include_dirs``, ...) plus ``pkgconfig``.
        """
        from . import recompiler

        if not isinstance(module_name, str):
            raise TypeError("module_name must be a str, not %s" % type(module_name).__name__)
        if self._source is not None:
            raise ValueError("set_source() cannot be called several times per ffi object")
        if source is not None and not isinstance(source, str):
            raise TypeError("source must be a str of C code or None")
        unknown = sorted(set(kwds) - recompiler.SOURCE_KEYWORDS)
        if unknown:
            raise TypeError("set_source() got unexpected keyword arguments: %s" % ", ".join(unknown))
        if source is None and kwds:
            raise TypeError("set_source(name, None) is ABI mode: it takes no compilation keywords")
        self._source = (module_name, source, source_extension, kwds)

    @property
    def _assigned_source(self):
        """What ``set_source()`` recorded, under cffi's name: code written for
        cffi deletes it to call ``set_source()`` again on the same ffi."""
        if self._source is None:
            raise AttributeError("_assigned_source: set_source() was not called")
        return self._source

    @_assigned_source.deleter
    def _assigned_source(self):
        if self._source is None:
            raise AttributeError("_assigned_source: set_source() was not called")
        self._source = None

    def _require_source(self):
        if self._source is None:
            raise ValueError("set_source() must be called before compile() or emit_*_code()")
        return self._source

    def emit_python_code(self, filename):
        """Writes the out-of-line ABI-mode module to ``filename``."""
        from . import recompiler

        module_name, source, _, _ = self._require_source()
        if source is not None:
            raise TypeError("emit_python_code() is for set_source(name, None); use emit_c_code()")
        recompiler.write_if_changed(
            filename, recompiler.python_module_source(module_name, self._decls.serialize()))

    def emit_c_code(self, filename):
        """Writes the C file of the API-mode module (user source, then glue)."""
        from . import recompiler

        module_name, source, _, _ = self._require_source()
        if source is None:
            raise TypeError("emit_c_code() is for API mode; use emit_python_code()")
        c_text, _ = self._decls.generate_c(module_name, source)
        recompiler.write_if_changed(filename, c_text)

    def compile(self, tmpdir=".", verbose=False, target=None, debug=None):
        """Builds the module set by ``set_source()`` under ``tmpdir`` (a package
        directory per dotted component) and returns the path of the module file."""
        from . import recompiler

        module_name, source, extension, kwds = self._require_source()
        if source is None:
            path = recompiler.module_path(tmpdir, module_name, ".py")
            self.emit_python_code(path)
        else:
            path = recompiler.build_api_module(
                self._decls, module_name, source, extension, kwds, tmpdir, verbose, debug, target)
        if verbose:
            print("generated %s" % path)
        return path

    def verify(self, source="", tmpdir=None, **kwargs):
        """Deprecated in-line API mode: compiles ``source`` with the declarations
        now and returns the ``lib``. Use ``set_source()`` and ``compile()``."""
        import hashlib
        import tempfile

        from . import loader, recompiler

        warnings.warn("ffi.verify() is deprecated: use ffi.set_source() and ffi.compile()",
                      DeprecationWarning, stacklevel=2)
        unknown = sorted(set(kwargs) - recompiler.SOURCE_KEYWORDS)
        if unknown:
            raise TypeError("verify() got unexpected keyword arguments: %s" % ", ".join(unknown))
        key = hashlib.sha256(self._decls.serialize() + source.encode() +
                             repr(sorted(kwargs.items())).encode()).hexdigest()[:20]
        name = "_rcffi_verify_" + key
        tmpdir = tmpdir or os.path.join(tempfile.gettempdir(), "rcffi-verify")
        c_path = os.path.join(tmpdir, name + ".c")
        library = os.path.join(tmpdir, name + ".rcffi.so")
        c_text, symbol = self._decls.generate_c(name, source)
        recompiler.write_if_changed(c_path, c_text)
        _backend.compile_module(c_path, library, recompiler.compile_options(kwargs))
        return loader.attach_library(self, library, symbol, name)

    # ----- memory --------------------------------------------------------------

    def new_allocator(self, alloc=None, free=None, should_clear_after_alloc=True):
        """An allocator: a callable like ``new()`` that gets memory from ``alloc(size)``
        and gives it back with ``free(ptr)``; both may be C functions or Python
        callables, ``None`` for both means the default."""
        return _backend.Allocator(self._types, self._decls, alloc, free,
                                  should_clear_after_alloc).allocate

    def from_buffer(self, cdecl, python_buffer=_MISSING, require_writable=False):
        """A cdata (``char[]`` by default) over the memory of a Python buffer object,
        which stays alive and locked while the cdata lives."""
        if python_buffer is _MISSING:
            cdecl, python_buffer = "char[]", cdecl
        return _backend.from_buffer(self._ctype(cdecl), python_buffer, require_writable)

    def memmove(self, dest, src, n):
        """Copies ``n`` bytes from ``src`` to ``dest`` (cdata or buffer objects); the
        areas may overlap."""
        return _backend.memmove(dest, src, n)

    def addressof(self, cdata, *fields_or_indexes):
        """``&cdata`` of a struct, union or array, or ``&cdata->field[index]...``;
        ``addressof(lib, "name")`` for a library's function or global."""
        if not isinstance(cdata, _backend.CData):
            if _is_lib(cdata):
                if len(fields_or_indexes) != 1 or not isinstance(fields_or_indexes[0], str):
                    raise TypeError("addressof(lib, name) takes exactly one name")
                return self._lib_addressof(cdata, fields_or_indexes[0])
            raise TypeError("expected a 'cdata' object, not %s" % type(cdata).__name__)
        ctype = _backend.typeof(cdata)
        offset = 0
        if not fields_or_indexes and ctype.kind == "pointer":
            raise TypeError("addressof(pointer)")
        for i, step in enumerate(fields_or_indexes):
            ctype, delta = _backend.typeoffsetof(ctype, step, i)
            offset += delta
        return _backend.rawaddressof(_backend.new_pointer_type(ctype), cdata, offset)

    def _lib_addressof(self, lib, name):
        """A function-pointer cdata for a function, a pointer to a global."""
        from .loader import _ApiLib

        if isinstance(lib, _ApiLib):
            objects = lib._ffi._api_objects
            found = objects.get("__cdata__" + name, objects.get(name))
            if isinstance(found, _backend.CData):
                return found
            if isinstance(found, _backend._Variable):
                return found.address_of()
            raise AttributeError("lib has no function or global variable named %r" % (name,))
        _check_open(lib, name)
        ffi = object.__getattribute__(lib, "_ffi")
        handle = object.__getattribute__(lib, "_handle")
        found = ffi._decls.lookup(name)
        if found is None or found[0] not in ("function", "variable", "constant"):
            raise AttributeError("lib has no function or global variable named %r" % (name,))
        kind, ctype = found
        if kind == "function":
            return handle.load_function(ctype, name)
        return _backend.cast(_backend.new_pointer_type(ctype), handle.symbol_address(name))

    def gc(self, cdata, destructor, size=0):
        """A new cdata for the same data; ``destructor(cdata)`` runs when it dies or
        is released. ``gc(p, None)`` removes the destructor of such a cdata."""
        return _backend.gcp(cdata, destructor, size)

    def release(self, cdata):
        """Gives back now what a cdata from new, gc, from_buffer or an allocator
        holds; the cdata must not be used afterwards (it raises)."""
        _backend.release(cdata)

    def new_handle(self, x):
        """A unique ``void *`` standing for ``x``, which it keeps alive."""
        return _backend.newp_handle(self._typeof("void *"), x)

    def from_handle(self, x):
        """The object of a handle from ``new_handle()`` (which must still be alive)."""
        return _backend.from_handle(x)

    def init_once(self, func, tag):
        """Runs ``func()`` the first time ``tag`` is seen and returns its result, then
        and afterwards. Concurrent callers wait; an exception is not remembered."""
        try:
            return self._init_once[tag][1]
        except (KeyError, IndexError):
            pass
        with self._init_once_lock:
            entry = self._init_once.setdefault(tag, [threading.Lock()])
        with entry[0]:
            if len(entry) == 1:
                entry.append(func())
            return entry[1]

    # ----- calls ---------------------------------------------------------------

    def callback(self, cdecl, python_callable=None, error=None, onerror=None):
        """A C function pointer that calls ``python_callable``; a decorator when
        ``python_callable`` is omitted.

        If the Python function raises, ``onerror(exc, value, tb)`` is called (its
        non-None result is returned to C), otherwise the exception is reported
        through ``sys.unraisablehook``; then ``error`` is returned to C.
        """
        if isinstance(cdecl, str):
            ctype = self._decls.parse_callback_type(cdecl)
        else:
            ctype = self._ctype(cdecl)
        if ctype.kind != "function":
            raise TypeError("expected a function type, not %r" % (ctype.cname,))
        if onerror is not None and not callable(onerror):
            raise TypeError("onerror must be callable, not %s" % type(onerror).__name__)

        def make(fn):
            if not callable(fn):
                raise TypeError("expected a callable object, not %s" % type(fn).__name__)
            return _backend.callback(ctype, fn, error, onerror)

        return make if python_callable is None else make(python_callable)

    def def_extern(self, name=None, error=None, onerror=None):
        """Decorator attaching a Python function to the ``extern "Python"``
        function of the same name (or ``name``) of this API-mode module; a later
        ``def_extern`` for the same name replaces the earlier one."""
        if self._api_objects is None:
            raise _backend.FFIError("def_extern() is only available on the ffi of a compiled "
                                    "API-mode module (set_source() with C source)")

        def attach(fn):
            if not callable(fn):
                raise TypeError("def_extern() decorates a callable, not %s" % type(fn).__name__)
            key = name if name is not None else fn.__name__
            slot = self._api_objects.get("__extern_slot__" + key)
            if slot is None:
                raise _backend.FFIError("ffi.def_extern(%r): no 'extern \"Python\"' function "
                                        "with this name in the cdef" % (key,))
            slot.attach(_backend.callback(slot.ctype, fn, error, onerror))
            return fn

        return attach

    # ----- libraries -----------------------------------------------------------

    def dlopen(self, name, flags=0):
        """Opens a shared library; its declared functions and globals become attributes."""
        if name is not None and not isinstance(name, str):
            raise TypeError("dlopen() expects a library name or path (str) or None")
        # Out-of-line modules pass the name to dlopen() as is, as documented.
        path = name if self._out_of_line else _find_library(name)
        handle = _backend.load_library(path, flags)
        lib = _make_lib(self, handle, name)
        self._libs.append(lib)
        return lib

    def dlclose(self, lib):
        """Closes a library opened with ``dlopen()``; using it afterwards raises."""
        object.__getattribute__(lib, "_handle").close_lib()
        object.__setattr__(lib, "_closed", True)
        # Functions already looked up are cached in the lib's __dict__: forget
        # them, so that using one raises instead of jumping into unmapped code.
        object.__getattribute__(lib, "__dict__").clear()


def _is_lib(obj):
    """Whether ``obj`` is a lib object (from ``dlopen()`` or an API-mode module)."""
    from .loader import _ApiLib

    return isinstance(obj, _ApiLib) or (type(obj).__name__ == "Lib" and type(obj).__module__ == "rcffi")


def _find_library(name):
    """Locates a bare library name (``"m"``, ``"c"``) as ctypes.util does."""
    if name is None:
        return None
    if os.sep in name or name.endswith((".so", ".dylib", ".dll")) or ".so." in name:
        return name
    found = ctypes.util.find_library(name)
    return found if found is not None else name


def _make_lib(ffi, handle, name):
    """A fresh lib object: attributes resolve through the FFI's declarations."""

    class Lib:
        __slots__ = ("_ffi", "_handle", "_closed", "_name", "__dict__")

        def __init__(self):
            object.__setattr__(self, "_ffi", ffi)
            object.__setattr__(self, "_handle", handle)
            object.__setattr__(self, "_closed", False)
            object.__setattr__(self, "_name", name)

        def __getattr__(self, attr):
            return _lib_getattr(self, attr)

        def __setattr__(self, attr, value):
            _lib_setattr(self, attr, value)

        def __dir__(self):
            return list(ffi._decls.names())

        def __repr__(self):
            return "<rcffi library %r>" % (name if name is not None else "<None>",)

    Lib.__module__ = "rcffi"
    Lib.__qualname__ = Lib.__name__ = "Lib"
    return Lib()


def _check_open(lib, attr):
    if object.__getattribute__(lib, "_closed"):
        raise ValueError("library %r has been closed (with ffi.dlclose()); cannot access %r"
                         % (object.__getattribute__(lib, "_name"), attr))


def _lib_getattr(lib, attr):
    _check_open(lib, attr)
    ffi = object.__getattribute__(lib, "_ffi")
    handle = object.__getattribute__(lib, "_handle")
    found = ffi._decls.lookup(attr)
    if found is None:
        raise AttributeError("lib has no function, global variable or constant named %r" % (attr,))
    kind, value = found
    if kind == "function":
        fn = handle.load_function(value, attr)
        lib.__dict__[attr] = fn
        return fn
    if kind == "variable":
        return handle.read_variable(value, attr)
    if kind == "constant":
        result = handle.read_variable(value, attr)
        lib.__dict__[attr] = result
        return result
    if kind == "int":
        lib.__dict__[attr] = value
        return value
    raise CDefError("constant %r is declared with '...': its value is only known in API mode "
                    "(set_source)" % (attr,))


def _lib_setattr(lib, attr, value):
    _check_open(lib, attr)
    ffi = object.__getattribute__(lib, "_ffi")
    found = ffi._decls.lookup(attr)
    if found is None or found[0] != "variable":
        raise AttributeError("cannot write to %r: it is not a global variable of the lib" % (attr,))
    object.__getattribute__(lib, "_handle").write_variable(found[1], attr, value)

