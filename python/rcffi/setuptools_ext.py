"""setuptools integration: ``setup(..., rcffi_modules=["path/build.py:ffibuilder"])``,
and ``cffi_modules=`` too when no real cffi is installed.

Each entry names a build script and the FFI object in it that has had
``set_source()`` called. An API-mode module becomes one of the project's
extension modules: its C file is written into ``build_ext``'s temporary
directory when that command runs, and setuptools compiles it like any other
extension (``ext_package``, static libraries of ``setup(libraries=[...])``,
``build_ext --inplace`` and platform wheels all as for hand-written ones).
An out-of-line ABI module (one Python file) is written by ``build_py`` into
the build directory, or by ``build_ext --inplace`` into the source tree. A
build command of the project's own with a ``pre_run(ext, ffi)`` method has it
called before the C file is written, as cffi does. Only the module files (and
their ``.pyi`` stubs, in the build directory) are installed.

Both keywords are registered through the ``distutils.setup_keywords`` entry point in
rcffi's metadata, so ``pip install`` of a project using it only needs rcffi
installed in the build environment.
"""

import os
import sys

from . import recompiler

__all__ = ["rcffi_modules", "cffi_modules"]

# Where an extension's C file goes in its sources until build_ext writes it.
_C_FILE_PENDING = "$rcffi-generated-c-file$"


def _load_builder(spec):
    """The FFI object named by ``"path/to/build.py:name"``."""
    if not isinstance(spec, str) or ":" not in spec:
        raise ValueError("rcffi_modules entries must look like 'path/build.py:ffibuilder', "
                         "not %r" % (spec,))
    path, name = spec.rsplit(":", 1)
    if not os.path.exists(path):
        raise FileNotFoundError("rcffi_modules: build script %r not found" % (path,))
    namespace = {"__name__": "rcffi_build", "__file__": path}
    with open(path) as f:
        code = compile(f.read(), path, "exec")
    exec(code, namespace)
    builder = namespace.get(name)
    if builder is None:
        raise ValueError("rcffi_modules: %r defines no %r" % (path, name))
    if callable(builder) and not hasattr(builder, "compile"):
        builder = builder()
    if not hasattr(builder, "compile") or getattr(builder, "_source", None) is None:
        raise ValueError("rcffi_modules: %r in %r is not an FFI with set_source() called"
                         % (name, path))
    return builder


def _real_cffi_available():
    """Whether a real cffi is importable (rather than rcffi standing in for it)."""
    module = sys.modules.get("cffi")
    if module is not None:
        return not getattr(module, "__rcffi_stand_in__", False)
    if "cffi" in sys.modules:  # None there: imports of cffi are blocked
        return False
    import importlib.util

    return importlib.util.find_spec("cffi") is not None


def _command_base(dist, name):
    """The project's own class for command ``name``, or setuptools'."""
    base = dist.cmdclass.get(name)
    if base is None:
        import importlib

        base = getattr(importlib.import_module("setuptools.command." + name), name)
    return base


def _full_name(dist, name):
    return dist.ext_package + "." + name if dist.ext_package else name


def _write_stub(ffi, module_name, directory, with_lib):
    from . import stubs

    if not stubs.wanted():
        return
    path = recompiler.module_path(directory, module_name, ".pyi")
    recompiler.make_parent(path)
    recompiler.write_if_changed(path, stubs.module_stub(ffi, module_name, with_lib=with_lib))


def _add_extension(dist, ffi):
    """Makes ``ffi``'s API-mode module an extension of the project, its C file
    written when ``build_ext`` runs."""
    from setuptools import Extension

    name, _, _, kwds = ffi._source
    kwds = recompiler.extension_keywords(kwds)
    sources = list(kwds.pop("sources", ()))
    # The first source is the C file, known once build_ext knows its directory.
    ext = Extension(name=name, sources=[_C_FILE_PENDING] + sources, **kwds)
    if dist.ext_modules is None:
        dist.ext_modules = []
    dist.ext_modules.append(ext)
    base = _command_base(dist, "build_ext")

    class build_ext_with_rcffi(base):
        def run(self):
            if ext.sources[0] == _C_FILE_PENDING:
                # The hook finds the build directory made, as under cffi.
                os.makedirs(self.build_temp, exist_ok=True)
                pre_run = getattr(self, "pre_run", None)
                if pre_run is not None:
                    pre_run(ext, ffi)
                ext.sources[0] = recompiler.write_module_c(ffi, self.build_temp, self.verbose)
            super().run()
            if not self.inplace:
                fullname = self.get_ext_fullname(ext.name)
                _write_stub(ffi, fullname, self.build_lib, True)

    dist.cmdclass["build_ext"] = build_ext_with_rcffi


def _add_python_module(dist, ffi):
    """Writes ``ffi``'s out-of-line ABI module with the project's Python files
    (``build_py``), or into the source tree with ``build_ext --inplace``."""
    name = _full_name(dist, ffi._source[0])

    def write(directory, stub):
        path = recompiler.module_path(directory, name, ".py")
        recompiler.make_parent(path)
        ffi.emit_python_code(path)
        if stub:
            _write_stub(ffi, name, directory, False)

    build_py_base = _command_base(dist, "build_py")

    class build_py_with_rcffi(build_py_base):
        def run(self):
            super().run()
            write(self.build_lib, True)

    build_ext_base = _command_base(dist, "build_ext")

    class build_ext_with_rcffi(build_ext_base):
        def run(self):
            super().run()
            if self.inplace:
                package, _, last = name.rpartition(".")
                directory = self.get_finalized_command("build_py").get_package_dir(package)
                path = os.path.join(directory, last + ".py")
                recompiler.make_parent(path)
                ffi.emit_python_code(path)

    dist.cmdclass["build_py"] = build_py_with_rcffi
    dist.cmdclass["build_ext"] = build_ext_with_rcffi


def rcffi_modules(dist, attr, value):
    """The ``rcffi_modules`` setup keyword: the listed modules become part of
    the project's build."""
    if isinstance(value, str):
        value = [value]
    for spec in value:
        builder = _load_builder(spec)
        if builder._source[1] is None:
            _add_python_module(dist, builder)
        else:
            _add_extension(dist, builder)


def cffi_modules(dist, attr, value):
    """The ``cffi_modules`` setup keyword, served only when rcffi stands in for
    cffi: with a real cffi installed, cffi's own entry point builds the modules.
    The build scripts then run with ``import cffi`` giving rcffi."""
    if _real_cffi_available() or getattr(dist, "_rcffi_served_cffi_modules", False):
        return
    # Two entry points may name this keyword (rcffi's, and that of a package
    # standing in for cffi): the modules are built once.
    dist._rcffi_served_cffi_modules = True
    import rcffi

    rcffi.install_as_cffi()
    rcffi_modules(dist, attr, value)
