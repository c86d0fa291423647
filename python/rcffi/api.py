"""The high-level, cffi-compatible ``FFI`` class.

``FFI`` is a thin front over ``rcffi._backend``: declarations are parsed and laid
out by the Rust core, type strings resolve to interned ``CType`` objects, and
every memory or call operation is one backend primitive.
"""

# Only modules the interpreter has loaded at startup, or built in (_thread):
# `import rcffi` is part of every user's startup time, so threading, weakref
# and warnings (with functools, collections...) are not imported here.
import _thread
import os

from . import _backend, _headers, _probe
from .loader import included_declarations

__all__ = ["FFI"]

# Said by both the getter and the deleter of FFI._assigned_source.
_NO_SOURCE = "_assigned_source: set_source() was not called"


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
        self._included_names = ()
        # The module set_source() named: kept when code resets `_source`, so an
        # ffi that includes this one can name the module to share types with.
        self._module_name = None
        # The init code of an embedding library; "" once embedding_api() ran.
        self._embedding = None
        self._api_objects = None
        self._included = []
        self._lock = _thread.allocate_lock()
        # The libs dlopen() made: kept alive by the ffi (as in cffi; each lib
        # keeps its ffi too, a cycle the garbage collector frees), and extended
        # by later cdef() calls.
        self._libs = []
        # The libs verify() made, which the ffi keeps alive too (as in cffi).
        self._verified_libs = []
        # What set_unicode() chose: None before it is called.
        self._windows_unicode = None

    # ----- declarations --------------------------------------------------------

    def cdef(self, csource, override=False, packed=False, pack=None, include_dirs=(),
             define_macros=()):
        """Parses C declarations and adds them to this FFI. The text is
        preprocessed: ``#include`` finds headers in ``include_dirs`` and then
        where the C compiler looks; ``define_macros`` is a list of (name, value
        or None) pairs defined first."""
        self._declare("cdef", csource, override, packed, pack, False, include_dirs,
                      define_macros)

    def set_unicode(self, enabled_flag):
        """Declares Windows' character types over ``wchar_t`` (enabled) or
        ``char``: ``TBYTE``, ``TCHAR``, ``LPCTSTR``, ``PCTSTR``, ``LPTSTR``,
        ``PTSTR``, ``PTBYTE``, ``PTCHAR``; enabled, API-mode builds also define
        ``UNICODE`` and ``_UNICODE``. Once per ffi, as in cffi."""
        if self._windows_unicode is not None:
            raise ValueError("set_unicode() can only be called once")
        enabled = bool(enabled_flag)
        char = "wchar_t" if enabled else "char"
        self.cdef("typedef %s TBYTE; typedef %s TCHAR; typedef const %s *LPCTSTR; "
                  "typedef const %s *PCTSTR; typedef %s *LPTSTR; typedef %s *PTSTR; "
                  "typedef TBYTE *PTBYTE; typedef TCHAR *PTCHAR;" % ((char,) * 6))
        self._windows_unicode = enabled

    def _with_unicode_macros(self, kwds):
        """``kwds`` with ``UNICODE`` and ``_UNICODE`` defined after ``set_unicode(True)``."""
        if not self._windows_unicode:
            return kwds
        kwds = dict(kwds)
        kwds["define_macros"] = list(kwds.get("define_macros") or ()) + [
            ("UNICODE", "1"), ("_UNICODE", "1")]
        return kwds

    def embedding_api(self, csource, packed=False, pack=None):
        """Declares what an embedding library exports (``cdef()`` syntax): its
        functions become C symbols of the library, implemented in Python with
        ``@ffi.def_extern()``; its variables are defined by the C source."""
        self._declare("embedding_api", csource, False, packed, pack, True)
        if self._embedding is None:
            self._embedding = ""

    def embedding_init_code(self, pysource):
        """The Python code an embedding library runs once, when Python starts
        in it (the first call of an exported function); it typically imports
        the library's module (``from <name> import ffi``) and attaches the
        exported functions with ``@ffi.def_extern()``."""
        if self._embedding:
            raise ValueError("embedding_init_code() can only be called once")
        if not isinstance(pysource, str):
            raise TypeError("embedding_init_code() expects a str of Python code, not %s"
                            % type(pysource).__name__)
        import textwrap

        lines = pysource.splitlines(True)
        while lines and not lines[0].strip():
            del lines[0]
        code = textwrap.dedent("".join(lines))
        # Refused now rather than when the library first runs.
        compile(code, "<init code>", "exec")
        self._embedding = code

    def _apply_embedding_fix(self, kwds):
        """Adds to set_source() keywords ``kwds`` what links the Python runtime
        (cffi's name, which its tests call)."""
        from . import embedding

        embedding.add_link_options(kwds)

    def _declare(self, what, csource, override, packed, pack, exported, include_dirs=(),
                 define_macros=()):
        if not isinstance(csource, str):
            raise TypeError("%s() argument must be a string, not %s"
                            % (what, type(csource).__name__))
        if pack == 0:
            pack = None  # cffi's spelling of "the default packing" too
        if packed not in (False, True):
            # A flag, as in cffi: a packing width is given with 'pack'.
            raise ValueError("'packed' should be False or True; use 'pack' to give another value")
        if pack is not None and packed:
            raise ValueError("'packed' and 'pack' cannot both be given")
        if pack is not None and (pack <= 0 or pack & (pack - 1)):
            raise ValueError("'pack' must be a power of two, not %r" % (pack,))
        if isinstance(include_dirs, (str, bytes)):
            raise TypeError("include_dirs must be a list of directories, not a single string")
        include_dirs = [os.fspath(d) for d in include_dirs]
        defines = _probe.define_macros_list(define_macros)
        system_dirs, predefines = [], ""
        if "#" in csource or defines:
            system_dirs, predefines = _headers.system_config()
        with self._lock:
            found = self._decls.cdef(csource, override, bool(packed), pack or 0, exported,
                                     include_dirs, system_dirs, predefines, defines)
            self._types.clear()
            for lib in self._libs:
                _backend.extend_abi_lib(lib, self._decls)
        if found:
            import warnings

            from .error import CDefWarning

            for message in found:
                # cffi's own warnings keep cffi's category.
                skipped = message.startswith("cdef(): skipped")
                warnings.warn(message, CDefWarning if skipped else UserWarning, stacklevel=2)

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
            self._included.append(ffi_to_include)

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
    def _from_serialized(cls, blob, includes=(), module_name=None):
        """The ``ffi`` of an out-of-line module: declarations rebuilt from a blob,
        sharing the types of the modules it included (their names)."""
        included = included_declarations(includes)
        decls = _backend.Declarations.deserialize(blob, included)
        for other in included:
            decls.include(other)
        ffi = cls(_decls=decls)
        ffi._module_name = module_name
        ffi._included_names = tuple(includes)
        return ffi

    def _included_modules(self):
        """The modules whose types this ffi's module shares (the included ffis
        that name one): their names, and their declarations."""
        named = [ffi for ffi in self._included if ffi._module_name is not None]
        return tuple(ffi._module_name for ffi in named), [ffi._decls for ffi in named]

    def _own_declarations(self):
        """The declarations this ffi's module defines: its included modules
        define the rest (and share their types)."""
        names, decls = self._included_modules()
        own = self._decls.without_names_of(decls) if decls else self._decls
        return own, names, decls

    # ----- configure: ABI mode with `...` ----------------------------------------

    def configure(self, includes=(), source="", answers=None, cache_dir=None, **keywords):
        """Fills every ``...`` of the declarations (partial structs and unions,
        ``typedef int...``/``float...``, ``[...]`` lengths, ``#define X ...``,
        partial enums) with the C compiler's answers, as API mode does, but
        without building a module: ``dlopen()`` then uses the real layouts.

        ``includes`` are header names and ``source`` extra C text before the
        questions; the other keywords are ``rcffi.configure.CompileInfo``'s
        (``include_dirs``, ``define_macros``, ``libraries``, ...). The compiler
        is ``$CC`` (default ``cc``); it compiles one probe to an object file whose
        initialised data hold the answers, and nothing is linked or run, so a
        cross compiler answers for its target. The answers are cached in
        ``cache_dir`` (default: ``rcffi._probe.cache_dir()``).

        Returns the answers as text (one line of integers per question);
        ``answers=`` that text is used instead of any compiler, for a build
        machine that has none.
        """
        from . import _probe

        if not isinstance(source, str):
            raise TypeError("source must be a str of C code")
        info = _probe.CompileInfo(includes=includes, **keywords)
        if answers is None:
            probe = self.configure_probe(includes, source, **keywords)
            answers = _probe.cached(
                ["ffi.configure", probe, info.key()],
                lambda words: _probe.object_answers(words, probe, info), cache_dir)
        elif not isinstance(answers, str):
            raise TypeError("answers must be the text an earlier configure() returned")
        with self._lock:
            self._decls.complete_from_answers(answers)
            self._types.clear()
            for lib in self._libs:
                _backend.extend_abi_lib(lib, self._decls)
        return answers

    def configure_probe(self, includes=(), source="", **keywords):
        """The C file ``configure()`` compiles to an object file (it has no
        ``main``: its answers are the initialised arrays ``_rcffi_p<i>``)."""
        from . import _probe

        info = _probe.CompileInfo(includes=includes, **keywords)
        prelude = info.prelude() + (source + "\n" if source else "")
        return self._decls.probe_source(prelude)

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
        # The name becomes file paths under compile()'s tmpdir: anything but a
        # dotted name ("../x", "/x", "a/b") would write elsewhere.
        if not all(part.isidentifier() for part in module_name.split(".")):
            raise ValueError("module_name must be a dotted Python name such as 'pkg._mod', not %r"
                             % (module_name,))
        if self._source is not None:
            raise ValueError("set_source() cannot be called several times per ffi object")
        if source is not None and not isinstance(source, str):
            raise TypeError("source must be a str of C code or None")
        unknown = sorted(set(kwds) - recompiler.SOURCE_KEYWORDS)
        if unknown:
            raise TypeError("set_source() got unexpected keyword arguments: %s" % ", ".join(unknown))
        if source is None and kwds:
            raise TypeError("set_source(name, None) is ABI mode: it takes no compilation keywords")
        if source is not None:
            kwds = self._with_unicode_macros(kwds)
        self._source = (module_name, source, source_extension, kwds)
        self._module_name = module_name

    def set_source_pkgconfig(self, module_name, pkgconfig_libs, source, source_extension=".c",
                             **kwds):
        """``set_source()`` with the flags ``pkg-config`` gives for the packages
        ``pkgconfig_libs`` names (``"libfoo >= 1.2"`` works) after those in
        ``kwds``; ``PkgConfigError`` now if pkg-config fails or is missing."""
        if not isinstance(pkgconfig_libs, list):
            raise TypeError("the pkgconfig_libs argument must be a list of package names")
        merged = dict(kwds)
        if pkgconfig_libs:
            for key, values in _backend.pkg_config_options(pkgconfig_libs).items():
                if values:
                    merged[key] = list(merged.get(key) or ()) + list(values)
        self.set_source(module_name, source, source_extension, **merged)

    @property
    def _assigned_source(self):
        """What ``set_source()`` recorded, under cffi's name: code written for
        cffi deletes it to call ``set_source()`` again on the same ffi."""
        if self._source is None:
            raise AttributeError(_NO_SOURCE)
        return self._source

    @_assigned_source.deleter
    def _assigned_source(self):
        if self._source is None:
            raise AttributeError(_NO_SOURCE)
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
        self._check_abi_module()
        own, names, decls = self._own_declarations()
        recompiler.write_if_changed(filename, recompiler.python_module_source(
            module_name, own.serialize(decls), names))

    def _check_abi_module(self):
        """What an out-of-line ABI module cannot hold, refused when it is written
        rather than when it is used: `#define X ...` and partial enums (only a
        compiler knows their values), the types of an included API-mode ffi
        (its layouts come from its compiled module) and records with a member
        of an opaque type (cffi's TypeError)."""
        for included in self._included:
            if included._source is not None and included._source[1] is not None:
                raise _backend.VerificationError(
                    "an out-of-line ABI module cannot include the ffi of API-mode module %r "
                    "(set_source() with C source)" % (included._source[0],))
        unlaid = self._decls.unlaid_records()
        if unlaid:
            raise TypeError(unlaid[0])
        partial = self._decls.partial_enums()
        if partial:
            raise _backend.VerificationMissing(
                "%s: the values of an enum declared with '...' are only known to a C "
                "compiler: an out-of-line ABI module cannot hold them" % (partial[0],))
        unknown = self._decls.unknown_constants()
        if unknown:
            raise _backend.VerificationError(
                "macro %s: cannot use the syntax '...' in '#define %s ...' when using the "
                "ABI mode" % (unknown[0], unknown[0]))

    def emit_c_code(self, filename):
        """Writes the C file of the API-mode module (user source, then glue)."""
        from . import recompiler

        module_name, source, _, _ = self._require_source()
        if source is None:
            raise TypeError("emit_c_code() is for API mode; use emit_python_code()")
        if self._embedding is not None:
            c_text, _ = recompiler.embedded_c(self._decls, module_name, source, self._embedding)
        else:
            c_text = recompiler.api_module_c(self, module_name, source)
        recompiler.write_if_changed(filename, c_text)

    def distutils_extension(self, tmpdir="build", verbose=True):
        """Writes the C file of the API-mode module under ``tmpdir`` (if its
        text changed) and returns the setuptools ``Extension`` that builds it
        into the extension module, for ``setup(ext_modules=[...])``."""
        from . import recompiler

        if self._embedding is not None:
            raise TypeError("an embedding library is built by compile(), not as an Extension")
        return recompiler.distutils_extension(self, tmpdir, verbose)

    def compile(self, tmpdir=".", verbose=False, target=None, debug=None, stubs=None):
        """Builds the module set by ``set_source()`` under ``tmpdir`` (a package
        directory per dotted component) and returns the path of the module file:
        the Python file of an out-of-line ABI module, the absolute path of an
        API-mode extension module (``target`` in the package directory, default
        ``<last component>.*``, ``*`` being the interpreter's extension suffix);
        after ``embedding_api()``, the embedding library at ``tmpdir/target``
        (default ``<module name>.*``; ``*`` is the platform's suffix) and its path.
        A module gets its ``.pyi`` stub beside it (``rcffi.stubs``) unless
        ``stubs`` is false, or is None and ``RCFFI_STUBS=0`` is set."""
        from . import recompiler
        from . import stubs as stubs_module

        module_name, source, extension, kwds = self._require_source()
        if self._embedding is not None:
            if source is None:
                raise TypeError("an embedding library needs C source: set_source(name, '')")
            return recompiler.build_embedded_library(
                self._decls, module_name, source, extension, kwds, tmpdir, verbose, debug,
                target, self._embedding)
        if source is None:
            path = recompiler.module_path(tmpdir, module_name, ".py")
            recompiler.make_parent(path)
            self.emit_python_code(path)
        else:
            path = recompiler.build_api_module(
                self, module_name, source, extension, kwds, tmpdir, verbose, debug, target)
        # Beside the module, so type checkers that import it see its lib typed.
        if stubs_module.wanted(stubs):
            recompiler.write_if_changed(
                recompiler.module_path(tmpdir, module_name, ".pyi"),
                stubs_module.module_stub(self, module_name, with_lib=source is not None))
        if verbose:
            print("generated %s" % path)
        return path

    def verify(self, source="", tmpdir=None, **kwargs):
        """Deprecated in-line API mode: compiles ``source`` with the declarations
        now and returns the ``lib`` (``_verify.py``). Use ``set_source()`` and
        ``compile()``."""
        import sys
        import warnings

        from . import _verify

        warnings.warn("ffi.verify() is deprecated: use ffi.set_source() and ffi.compile()",
                      DeprecationWarning, stacklevel=2)
        caller = sys._getframe(1).f_code.co_filename
        return _verify.verify(self, source, tmpdir, caller, self._with_unicode_macros(kwargs))

    # ----- memory --------------------------------------------------------------

    def addressof(self, cdata, *fields_or_indexes):
        """``&cdata`` of a struct, union or array, or ``&cdata->field[index]...``;
        ``addressof(lib, "name")`` for a library's function or global."""
        if isinstance(cdata, _backend.Lib):
            if len(fields_or_indexes) != 1 or not isinstance(fields_or_indexes[0], str):
                raise TypeError("addressof(lib, name) takes exactly one name")
            # Through the base type: a C name "_address_of" is a member of the lib.
            return _backend.Lib._address_of(cdata, fields_or_indexes[0])
        return super().addressof(cdata, *fields_or_indexes)

    # ----- calls ---------------------------------------------------------------

    def def_extern(self, name=None, error=None, onerror=None):
        """Decorator attaching a Python function to the ``extern "Python"``
        function of the same name (or ``name``) of this API-mode module; a later
        ``def_extern`` for the same name replaces the earlier one."""
        if self._api_objects is None:
            raise _NotAnApiModule("def_extern() is only available on the ffi of a compiled "
                                  "API-mode module (set_source() with C source)")

        def attach(fn):
            if not callable(fn):
                raise TypeError("def_extern() decorates a callable, not %s" % type(fn).__name__)
            key = name if name is not None else fn.__name__
            slot = self._api_objects.get("__extern_slot__" + key)
            if slot is None:
                raise _backend.FFIError("ffi.def_extern(%r): no 'extern \"Python\"' function "
                                        "with this name" % (key,))
            # An exported function of numbers calls a plain function itself.
            direct = self._api_objects.get("__direct_callable__" + key)
            if direct is not None and error is None and onerror is None:
                direct.attach(fn)
                slot.detach()
                return fn
            slot.attach(_backend.callback(slot.ctype, fn, error, onerror))
            if direct is not None:
                direct.attach(None)
            return fn

        return attach

    # ----- libraries -----------------------------------------------------------

    def dlopen(self, name, flags=0):
        """Opens a shared library; its declared functions and globals become attributes."""
        if isinstance(name, _backend.CData):
            # A handle from the program's own dlopen(): used, never closed here.
            handle = _backend.load_library(name)
            shown = handle.name
        elif name is not None and not isinstance(name, str):
            raise TypeError("dlopen() expects a library name or path (str), None, or a "
                            "'void *' handle from dlopen(), not %s" % type(name).__name__)
        else:
            # Out-of-line modules pass the name to dlopen() as is, as documented.
            path = name if self._out_of_line else _find_library(name)
            handle = _backend.load_library(path, flags)
            shown = name if name is not None else "<None>"
        lib = _backend.make_lib("<rcffi library %r>" % (shown,), shown,
                                _backend.abi_contents(self._decls, handle), handle, ffi=self,
                                inline_abi=not self._out_of_line)
        with self._lock:
            self._libs.append(lib)
        return lib


class _NotAnApiModule(_backend.FFIError, ValueError):
    """An API-mode operation on an ffi that is no compiled module's: rcffi's
    FFIError, and the ValueError cffi raises."""


def _find_library(name):
    """Locates a bare library name (``"m"``, ``"c"``) as ctypes.util does."""
    if name is None:
        return None
    if os.sep in name or name.endswith((".so", ".dylib", ".dll")) or ".so." in name:
        return name
    import ctypes.util  # costly (subprocess, re): only imported when needed

    found = ctypes.util.find_library(name)
    return found if found is not None else name
