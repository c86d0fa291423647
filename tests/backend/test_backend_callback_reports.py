"""What sys.unraisablehook is told about a callback's failure: the message
names the Python function even when the failure is in converting its result,
where no frame of the function is in the traceback."""

import sys

import pytest

from rcffi import _backend as b


@pytest.fixture
def reports(monkeypatch):
    seen = []
    monkeypatch.setattr(sys, "unraisablehook", seen.append)
    return seen


def _short_function():
    short = b.new_primitive_type("short")
    return b.new_function_type((short,), short, False)


def test_result_that_does_not_fit_names_the_callback(reports):
    def triple(x):
        return x * 3

    f = b.callback(_short_function(), triple, -42)
    assert f(20000) == -42
    (report,) = reports
    assert report.exc_type is OverflowError
    assert "from cffi callback" in report.err_msg and repr(triple) in report.err_msg


def test_failing_onerror_reports_both_functions(reports):
    def triple(x):
        return x * 3

    def onerror(*exc):
        raise KeyError("handler")

    f = b.callback(_short_function(), triple, 7, onerror)
    assert f(20000) == 7
    assert [r.exc_type for r in reports] == [OverflowError, KeyError]
    assert repr(triple) in reports[0].err_msg and repr(onerror) in reports[1].err_msg


def test_function_referring_to_its_own_callback_is_collected():
    import gc
    import weakref

    class Payload:
        pass

    def make(payload):
        box = [payload]
        box.append(b.callback(_short_function(), lambda x: len(box)))
        return box[1]

    payload = Payload()
    cb = make(payload)
    alive = weakref.ref(payload)
    assert cb(0) == 2
    del cb, payload
    gc.collect()
    assert alive() is None
