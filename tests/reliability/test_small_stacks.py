"""The preprocessor's recursions (`#if` expressions, macro arguments) stop
before a small thread's stack runs out, as the parser's do (issue #17): just
under the nesting limit, a 256 KiB thread either parses the input or raises
CDefError, whatever the build's frame sizes; it never overflows (found by
`make sanitize`, whose frames are larger still)."""

import threading

import pytest

import rcffi
from rcffi import CDefError

DEPTH = 199  # the fixed limit is 200 levels

DEEP_IF = "#if %s1%s\ntypedef int deep_t;\n#endif\n" % ("(" * DEPTH, ")" * DEPTH)
DEEP_MACRO = "#define F(x) (x)\ntypedef int deep_t[%s1%s];\n" % ("F(" * DEPTH, ")" * DEPTH)


def in_small_thread(source):
    outcome = []

    def run():
        ffi = rcffi.FFI()
        try:
            ffi.cdef(source)
            outcome.append(("parsed", ffi))
        except CDefError as e:
            outcome.append(("refused", str(e)))

    old = threading.stack_size(256 * 1024)
    try:
        t = threading.Thread(target=run)
        t.start()
        t.join()
    finally:
        threading.stack_size(old)
    assert len(outcome) == 1
    return outcome[0]


@pytest.mark.parametrize("source", [DEEP_IF, DEEP_MACRO], ids=["if", "macro"])
def test_deep_preprocessor_input_in_a_small_thread(source):
    kind, result = in_small_thread(source)
    if kind == "parsed":
        assert result.sizeof("deep_t") == 4
    else:
        assert "nested too deeply" in result
