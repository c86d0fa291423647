"""Helpers for differential tests: the same operation on rcffi and cffi."""

import re


def outcome(fn):
    """What an operation gives, comparable across rcffi and cffi: the result's
    repr with addresses blanked, or the exception type."""
    try:
        value = fn()
    except Exception as e:  # noqa: BLE001 - the type is the outcome
        return ("raises", type(e).__name__)
    text = re.sub(r"0x[0-9a-f]+", "ADDR", repr(value))
    text = text.replace("_cffi_double_complex_t", "double _Complex")
    text = text.replace("_cffi_float_complex_t", "float _Complex")
    return ("gives", text)


def error_of(fn):
    """``(exception class name, text)`` of what ``fn()`` raises, or None: for
    comparisons where the message is behaviour too."""
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the class and text are compared
        return type(e).__name__, str(e)
    return None
