"""setuptools integration: ``setup(..., rcffi_modules=["path/build.py:ffibuilder"])``,
and ``cffi_modules=`` too when no real cffi is installed.

Each entry names a build script and the FFI object in it that has had
``set_source()`` called. When the project is built, the modules are generated
into the build directory (an API-mode module is a Python file plus the shared
library it loads; out-of-line ABI mode is one Python file) and installed with the
project's other modules.

``ext_package`` prefixes the module names, as for extensions; static libraries of
``setup(libraries=[...])`` are built first and linked into API-mode modules.
Both keywords are registered through the ``distutils.setup_keywords`` entry point in
rcffi's metadata, so ``pip install`` of a project using it only needs rcffi
installed in the build environment.
"""

import os
import shutil
import sys
import tempfile

from . import recompiler

__all__ = ["rcffi_modules", "cffi_modules"]


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


def _copy(source, target):
    os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
    shutil.copy2(source, target)


def rcffi_modules(dist, attr, value):
    """The ``rcffi_modules`` setup keyword: build the listed modules with the
    project's ``build_py`` step."""
    if isinstance(value, str):
        value = [value]
    builders = [_load_builder(spec) for spec in value]
    base = dist.cmdclass.get("build_py")
    if base is None:
        from setuptools.command.build_py import build_py as base

    class build_py_with_rcffi(base):
        def run(self):
            super().run()
            clib = None
            if dist.has_c_libraries():
                # Static libraries of setup(libraries=...) are linked into
                # every API-mode module, as build_ext links them into extensions.
                self.run_command("build_clib")
                clib = self.get_finalized_command("build_clib")
            for builder in builders:
                built = self._build(builder, clib)
                self.announce("rcffi: built %s" % built, level=2)

        def _build(self, builder, clib):
            name, source, extension, kwds = builder._source
            if dist.ext_package:
                name = dist.ext_package + "." + name
            kwds = dict(kwds)
            if clib is not None and source is not None:
                kwds["libraries"] = list(clib.get_library_names() or []) + list(
                    kwds.get("libraries", []))
                kwds["library_dirs"] = [clib.build_clib] + list(kwds.get("library_dirs", []))
            builder._source = (name, source, extension, kwds)
            # Built aside, so that only the module files (not the C file or the
            # compiler's leftovers) reach build_lib and the installation.
            with tempfile.TemporaryDirectory() as tmp:
                built = builder.compile(tmpdir=tmp, verbose=self.verbose)
                module = recompiler.module_path(self.build_lib, name, ".py")
                _copy(built, module)
                _copy(built[:-len(".py")] + ".pyi", module[:-len(".py")] + ".pyi")
                if source is not None:
                    library = name.rsplit(".", 1)[-1] + ".rcffi.so"
                    _copy(os.path.join(os.path.dirname(built), library),
                          os.path.join(os.path.dirname(module), library))
            return module

    dist.cmdclass["build_py"] = build_py_with_rcffi


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
