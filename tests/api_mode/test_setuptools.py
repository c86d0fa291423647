"""setuptools integration: a project using rcffi_modules, installed with pip."""

import importlib.machinery
import os
import subprocess
import sys
import textwrap


def write_project(root):
    (root / "tinyproj").mkdir()
    (root / "tinyproj" / "__init__.py").write_text("")
    (root / "build_tiny.py").write_text(textwrap.dedent("""
        from rcffi import FFI

        ffibuilder = FFI()
        ffibuilder.cdef("int triple(int); #define TINY_VERSION ...".replace("; #", ";\\n#"))
        ffibuilder.set_source(
            "tinyproj._native",
            "#define TINY_VERSION 3\\nstatic int triple(int x) { return 3 * x; }",
        )
    """))
    (root / "build_tiny_abi.py").write_text(textwrap.dedent("""
        from rcffi import FFI

        ffibuilder = FFI()
        ffibuilder.cdef("int abs(int);")
        ffibuilder.set_source("tinyproj._abi", None)
    """))
    (root / "setup.py").write_text(textwrap.dedent("""
        from setuptools import setup

        setup(
            name="tinyproj",
            version="0.1",
            packages=["tinyproj"],
            rcffi_modules=["build_tiny.py:ffibuilder", "build_tiny_abi.py:ffibuilder"],
        )
    """))


def test_pip_install_builds_the_modules(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    write_project(project)
    target = tmp_path / "installed"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-build-isolation", "--no-deps",
         "--target", str(target), str(project)],
        check=True, cwd=str(project), timeout=300,
    )
    check = textwrap.dedent("""
        from tinyproj._native import ffi, lib
        from tinyproj._abi import ffi as abi_ffi
        assert lib.triple(14) == 42 and lib.TINY_VERSION == 3
        assert abi_ffi.dlopen(None).abs(-2) == 2
        print("ok")
    """)
    env = dict(os.environ, PYTHONPATH=str(target))
    out = subprocess.run([sys.executable, "-c", check], env=env, cwd=str(tmp_path),
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.strip() == "ok", out.stderr


def isolated_site(tmp_path):
    """A site directory holding setuptools and rcffi but no cffi: what a build
    environment looks like when rcffi stands in for cffi."""
    import rcffi
    import setuptools

    site = tmp_path / "site"
    site.mkdir()
    packages = os.path.dirname(os.path.dirname(setuptools.__file__))
    for name in os.listdir(packages):
        if name.startswith(("setuptools", "pkg_resources", "_distutils_hack", "rcffi-")):
            (site / name).symlink_to(os.path.join(packages, name))
    (site / "rcffi").symlink_to(os.path.dirname(rcffi.__file__))
    return site


def test_cffi_modules_builds_with_ext_package_and_static_libraries(tmp_path):
    project = tmp_path / "ecoproj"
    (project / "ecoproj").mkdir(parents=True)
    (project / "ecoproj" / "__init__.py").write_text("")
    (project / "helper.h").write_text("const char *eco_name(void);\nint eco_twice(int);\n")
    (project / "helper.c").write_text(
        '#include "helper.h"\nconst char *eco_name(void) { return "eco"; }\n'
        "int eco_twice(int x) { return 2 * x; }\n")
    (project / "build_eco.py").write_text(textwrap.dedent("""
        from cffi import FFI

        ffibuilder = FFI()
        ffibuilder.cdef("const char *eco_name(void); int eco_twice(int);")
        ffibuilder.set_source("_eco", '#include "helper.h"', include_dirs=["."],
                              extra_compile_args=["-Wall", "-Werror"])
    """))
    (project / "build_eco_abi.py").write_text(textwrap.dedent("""
        import cffi

        ffibuilder = cffi.FFI()
        ffibuilder.cdef("int abs(int);")
        ffibuilder.set_source("_eco_abi", None)
    """))
    (project / "setup.py").write_text(textwrap.dedent("""
        from setuptools import setup

        setup(name="ecoproj", version="0.1", packages=["ecoproj"], ext_package="ecoproj",
              libraries=[("ecohelper", {"sources": ["helper.c"]})],
              cffi_modules=["build_eco.py:ffibuilder", "build_eco_abi.py:ffibuilder"])
    """))
    build_lib = tmp_path / "lib"
    env = dict(os.environ, PYTHONPATH=str(isolated_site(tmp_path)))
    out = subprocess.run([sys.executable, "-S", "setup.py", "-q", "build", "--build-lib",
                          str(build_lib)], cwd=str(project), env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    # The API-mode module is one extension module; no C file or leftover.
    assert sorted(os.listdir(build_lib / "ecoproj")) == [
        "__init__.py", "_eco" + importlib.machinery.EXTENSION_SUFFIXES[0], "_eco.pyi",
        "_eco_abi.py", "_eco_abi.pyi"]
    check = textwrap.dedent("""
        from ecoproj._eco import ffi, lib
        from ecoproj._eco_abi import ffi as abi_ffi
        print(ffi.string(lib.eco_name()).decode(), lib.eco_twice(21),
              abi_ffi.dlopen(None).abs(-4))
    """)
    out = subprocess.run([sys.executable, "-c", check], cwd=str(tmp_path),
                         env=dict(os.environ, PYTHONPATH=str(build_lib)),
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["eco", "42", "4"], out.stderr


def test_cffi_modules_is_left_to_a_real_cffi():
    from rcffi import setuptools_ext

    class Dist:
        cmdclass = {}

    setuptools_ext.cffi_modules(Dist(), "cffi_modules", ["no/such/build.py:ffibuilder"])
    assert Dist.cmdclass == {}


def test_build_ext_inplace_writes_both_kinds_and_calls_pre_run(tmp_path):
    project = tmp_path / "inproj"
    (project / "src" / "inpkg").mkdir(parents=True)
    (project / "src" / "inpkg" / "__init__.py").write_text("")
    (project / "build_api.py").write_text(textwrap.dedent("""
        import cffi

        ffibuilder = cffi.FFI()
        ffibuilder.cdef("int seven(void);")
        ffibuilder.set_source("inpkg._api", "static int seven(void) { return 7; }")
        ffibuilder.marker = "mine"
    """))
    (project / "build_abi.py").write_text(textwrap.dedent("""
        import cffi

        ffibuilder = cffi.FFI()
        ffibuilder.cdef("int abs(int);")
        ffibuilder.set_source("inpkg._abi", None)
    """))
    (project / "setup.py").write_text(textwrap.dedent("""
        import os
        from setuptools import setup
        from setuptools.command.build_ext import build_ext

        class Hooked(build_ext):
            def pre_run(self, ext, ffi):
                assert ext.name == "inpkg._api" and ffi.marker == "mine"
                assert os.path.isdir(self.build_temp)
                open("pre_run_called", "w").close()

        setup(name="inproj", version="0.1", packages=["inpkg"], package_dir={"": "src"},
              cmdclass={"build_ext": Hooked},
              cffi_modules=["build_api.py:ffibuilder", "build_abi.py:ffibuilder"])
    """))
    env = dict(os.environ, PYTHONPATH=str(isolated_site(tmp_path)))
    out = subprocess.run([sys.executable, "-S", "setup.py", "-q", "build_ext", "--inplace"],
                         cwd=str(project), env=env, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stdout + out.stderr
    assert (project / "pre_run_called").exists()
    # In the source tree: the modules only (no C file, no stub).
    assert sorted(os.listdir(project / "src" / "inpkg")) == [
        "__init__.py", "_abi.py", "_api" + importlib.machinery.EXTENSION_SUFFIXES[0]]
    check = ("from inpkg._api import lib; from inpkg._abi import ffi; "
             "print(lib.seven(), ffi.dlopen(None).abs(-3))")
    out = subprocess.run([sys.executable, "-c", check], cwd=str(tmp_path),
                         env=dict(os.environ, PYTHONPATH=str(project / "src")),
                         capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["7", "3"], out.stderr
