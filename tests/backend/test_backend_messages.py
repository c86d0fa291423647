"""The extension's messages live in one table: each text once, each class real."""

import builtins
import re

import pytest

import rcffi._backend as backend
from rcffi import FFI


def test_no_two_messages_share_a_text():
    seen = {}
    for name, _, text in backend._messages:
        assert text not in seen, f"{name} repeats {seen[text]}: {text!r}"
        seen[text] = name


def test_names_are_unique():
    names = [name for name, _, _ in backend._messages]
    assert len(names) == len(set(names))


def test_every_class_is_an_exception():
    for name, cls, _ in backend._messages:
        if cls.startswith("Py"):
            assert issubclass(getattr(builtins, cls[2:]), BaseException), name


def template(name):
    return next(text for n, _, text in backend._messages if n == name)


def matcher(name):
    """The table's template as a regex: each fact matches any text."""
    parts = re.split(r"\{\w+(?::[^}]*)?\}", template(name))
    return "^" + ".+".join(re.escape(p) for p in parts) + "$"


def test_a_raised_message_is_its_entry():
    ffi = FFI()
    p = ffi.new("int[3]")
    with pytest.raises(IndexError, match=matcher("IndexTooLarge")):
        p[5]
    with pytest.raises(IndexError, match=matcher("NegativeIndex")):
        p[-1]


def test_facts_fill_the_template():
    ffi = FFI()
    with pytest.raises(TypeError) as info:
        int(ffi.new("int[2]"))
    assert str(info.value) == template("NoInt").format(ctype="int[2]")
