"""python/rcffi/api.pyi types every public method of rcffi.FFI that api.py defines."""

import ast
import inspect
import pathlib

import rcffi.api

STUB = pathlib.Path(rcffi.api.__file__).with_suffix(".pyi")


def stub_methods():
    tree = ast.parse(STUB.read_text())
    (ffi,) = [node for node in tree.body if isinstance(node, ast.ClassDef) and node.name == "FFI"]
    return {node.name: node for node in ffi.body if isinstance(node, ast.FunctionDef)}


def defined_methods():
    return {name: value for name, value in vars(rcffi.api.FFI).items()
            if callable(getattr(value, "__func__", value)) and
            (not name.startswith("_") or name == "__init__")}


def test_every_public_method_is_in_the_stub():
    assert sorted(set(defined_methods()) - set(stub_methods())) == []


def test_the_stub_parameters_are_those_of_the_methods():
    stubbed = stub_methods()
    for name, method in defined_methods().items():
        function = getattr(method, "__func__", method)
        node = stubbed[name].args
        names = [a.arg for a in node.posonlyargs + node.args]
        names += ["*" + node.vararg.arg] if node.vararg else []
        names += [a.arg for a in node.kwonlyargs]
        names += ["**" + node.kwarg.arg] if node.kwarg else []
        shown = [("*" if p.kind is p.VAR_POSITIONAL else "**" if p.kind is p.VAR_KEYWORD else "")
                 + p.name for p in inspect.signature(function).parameters.values()]
        assert names == shown, name
