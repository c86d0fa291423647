"""Fixtures of the embedding tests: an embedding library built with rcffi and
C programs linked with it, run in a subprocess (a process of their own, whose
Python the library starts)."""

import os
import subprocess

import pytest

import rcffi


class Built:
    """An embedding library in a temporary directory, and programs using it."""

    def __init__(self, directory, library):
        self.directory = directory
        self.library = library

    def program(self, name, c_text, threads=False, others=(), link=True):
        """Compiles ``c_text`` into the program ``name`` linked with the library
        (unless ``link`` is false: the program dlopen()s it) and the libraries
        of the ``others``."""
        source = os.path.join(self.directory, name + ".c")
        with open(source, "w") as f:
            f.write(c_text)
        exe = os.path.join(self.directory, name)
        command = [os.environ.get("CC", "cc"), "-o", exe, source]
        command += [self.library] if link else ["-ldl"]
        command += [other.library for other in others]
        if threads:
            command.insert(1, "-pthread")
        subprocess.run(command, check=True, capture_output=True, text=True)
        return exe

    def run(self, exe, expect_status=0, args=()):
        """Runs a program; returns its (stdout, stderr)."""
        env = dict(os.environ, LD_LIBRARY_PATH=self.directory)
        done = subprocess.run([exe, *args], capture_output=True, text=True, cwd=self.directory,
                              env=env, timeout=60)
        assert done.returncode == expect_status, (done.returncode, done.stdout, done.stderr)
        return done.stdout, done.stderr


@pytest.fixture
def embed(tmp_path):
    """``embed(module_name, api, init_code, source="", cdef=None)``: builds
    the library (``cdef`` declares what is shared with C but not exported)."""

    def make(module_name, api, init_code, source="", cdef=None, **kwargs):
        ffi = rcffi.FFI()
        if cdef is not None:
            ffi.cdef(cdef)
        ffi.embedding_api(api)
        if init_code is not None:
            ffi.embedding_init_code(init_code)
        ffi.set_source(module_name, source)
        library = ffi.compile(tmpdir=str(tmp_path), **kwargs)
        return Built(str(tmp_path), library)

    return make
