"""What an embedding library does when Python code fails: a message on
stderr and 0 (or the declared error value) returned, never a crash."""

import pytest

pytestmark = pytest.mark.timeout(180)

PROGRAM = r"""
#include <stdio.h>
int add(int, int);
int main(void)
{
    int x = add(40, 2);
    int y = add(1, 2);
    printf("got: %d %d\n", x, y);
    return 0;
}
"""


def test_an_exception_in_the_init_code_is_printed_and_calls_return_zero(embed):
    built = embed("_initerr_emb", "int add(int, int);",
                  "def fails():\n    raise KeyError('boom')\nfails()\n")
    out, err = built.run(built.program("initerror", PROGRAM))
    assert out == "got: 0 0\n"
    assert "Traceback (most recent call last)" in err
    assert "in fails" in err and "KeyError: 'boom'" in err
    # the traceback shows the lines of the init code
    assert "    raise KeyError('boom')" in err
    # the init code ran once; each call says why it returns 0
    assert err.count("KeyError: 'boom'") == 1
    assert err.count("function add() called, but initialization code failed") == 2


def test_sys_exit_in_the_init_code_does_not_end_the_program(embed):
    built = embed("_exit_emb", "int add(int, int);", "import sys\nsys.exit(3)\n")
    out, err = built.run(built.program("exiting", PROGRAM))
    assert out == "got: 0 0\n"
    assert "SystemExit: 3" in err


def test_a_function_without_def_extern_prints_its_name(embed):
    built = embed("_noattach_emb", "int add(int, int); char *name(int);", "x = 1\n")
    program = "#include <stdio.h>\nint add(int, int); char *name(int);\n" \
              "int main(void) { printf(\"%d %p\\n\", add(1, 2), (void *)name(3)); return 0; }\n"
    out, err = built.run(built.program("noattach", program))
    assert out == "0 (nil)\n"
    assert "function add() called, but no code was attached to it yet" in err
    assert "function name() called, but no code was attached to it yet" in err


INIT = """
    from _raise_emb import ffi

    @ffi.def_extern()
    def divide(x, y):
        return x // y

    @ffi.def_extern()
    def too_big(x):
        return 2 ** 40

    @ffi.def_extern()
    def not_a_number(x):
        return "seven"

    @ffi.def_extern()
    def not_none(x):
        return 1

    @ffi.def_extern(error=-1)
    def with_error_value(x):
        raise ValueError(x)
"""

API = """
    int divide(int, int);
    int too_big(int);
    double not_a_number(int);
    void not_none(int);
    int with_error_value(int);
"""


def test_exceptions_and_bad_results_of_python_functions(embed):
    built = embed("_raise_emb", API, INIT)
    program = r"""
    #include <stdio.h>
    int divide(int, int); int too_big(int); double not_a_number(int);
    void not_none(int); int with_error_value(int);
    int main(void)
    {
        printf("%d %d\n", divide(7, 2), divide(1, 0));
        printf("%d %g\n", too_big(1), not_a_number(1));
        not_none(1);
        printf("%d\n", with_error_value(5));
        return 0;
    }
    """
    out, err = built.run(built.program("raising", program))
    assert out == "3 0\n0 0\n-1\n"
    assert "ZeroDivisionError" in err
    assert "OverflowError: integer 1099511627776 does not fit 'int'" in err
    assert "TypeError" in err and "must return None" in err
    assert "ValueError: 5" in err
