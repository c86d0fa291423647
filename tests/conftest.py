"""Shared fixtures: rcffi and, as the behavioural reference, cffi."""

import pytest

import rcffi


@pytest.fixture
def ffi():
    return rcffi.FFI()


@pytest.fixture
def both():
    """An rcffi FFI and a cffi FFI, for differential tests."""
    cffi = pytest.importorskip("cffi")
    return rcffi.FFI(), cffi.FFI()
