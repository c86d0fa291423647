"""``cffi_modules=`` in setup.py, as the suite's builds use it: rcffi's own."""

from rcffi.setuptools_ext import cffi_modules

__all__ = ["cffi_modules"]
