"""setuptools integration: ``setup(..., rcffi_modules=["path/build.py:ffibuilder"])``.

Each entry names a build script and the FFI object in it that has had
``set_source()`` called. When the project is built, the modules are generated
into the build directory (an API-mode module is a Python file plus the shared
library it loads; out-of-line ABI mode is one Python file) and installed with the
project's other modules.

The keyword is registered through the ``distutils.setup_keywords`` entry point in
rcffi's metadata, so ``pip install`` of a project using it only needs rcffi
installed in the build environment.
"""

import os

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
            for builder in builders:
                built = builder.compile(tmpdir=self.build_lib, verbose=self.verbose)
                self.announce("rcffi: built %s" % built, level=2)

    dist.cmdclass["build_py"] = build_py_with_rcffi


#: The same keyword under cffi's name, for build scripts run after
#: ``rcffi.install_as_cffi()`` through cffi's own entry point.
cffi_modules = rcffi_modules
