"""setuptools integration: a project using rcffi_modules, installed with pip."""

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
