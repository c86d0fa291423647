"""python/rcffi/_backend.pyi lists what the compiled backend exports, and only that."""

import ast
import pathlib

import rcffi._backend

STUB = pathlib.Path(rcffi.__file__).with_name("_backend.pyi")
# Type aliases the stub defines for its own signatures.
STUB_ONLY = {"_Kind", "_TypeLike", "_CTypeBase"}


def stub_names():
    tree = ast.parse(STUB.read_text())
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names.add(node.target.id)
        elif isinstance(node, ast.Assign):
            names.update(t.id for t in node.targets if isinstance(t, ast.Name))
    return names - STUB_ONLY


def module_names():
    return {n for n in dir(rcffi._backend) if not n.startswith("__") or n == "__version__"}


def test_every_export_is_typed():
    assert sorted(module_names() - stub_names()) == []


def test_the_stub_names_nothing_the_module_lacks():
    assert sorted(stub_names() - module_names()) == []


def test_the_stub_parses_as_python():
    compile(STUB.read_text(), str(STUB), "exec")
