"""cffi's ``recompiler`` entry points over rcffi's ``set_source()``/``compile()``.

The test suite calls ``recompile(ffi, name, preamble, ...)`` on an ``ffi`` that
may already have a source; each call here sets the source for its own duration.
"""

import contextlib
import io
import os

NativeIO = io.StringIO


@contextlib.contextmanager
def _source(ffi, module_name, preamble, source_extension=".c", **kwds):
    saved = ffi._source
    ffi._source = None
    try:
        ffi.set_source(module_name, preamble, source_extension, **kwds)
        yield
    finally:
        ffi._source = saved


def make_py_source(ffi, module_name, target_py_file, verbose=False):
    with _source(ffi, module_name, None):
        ffi.emit_python_code(target_py_file)


def make_c_source(ffi, module_name, preamble, target_c_file, verbose=False):
    with _source(ffi, module_name, preamble):
        ffi.emit_c_code(target_c_file)


def recompile(ffi, module_name, preamble, tmpdir=".", call_c_compiler=True,
              c_file=None, source_extension=".c", extradir=None,
              compiler_verbose=1, target=None, debug=None,
              uses_ffiplatform=True, **kwds):
    if extradir:
        tmpdir = os.path.join(tmpdir, extradir)
    with _source(ffi, module_name, preamble, source_extension, **kwds):
        if not call_c_compiler:
            if preamble is None:
                path = c_file or os.path.join(tmpdir, module_name + ".py")
                ffi.emit_python_code(path)
            else:
                path = c_file or os.path.join(tmpdir, module_name + source_extension)
                ffi.emit_c_code(path)
            return path
        return ffi.compile(tmpdir=tmpdir, verbose=False,
                           target=target, debug=debug)
