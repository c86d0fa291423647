"""``load_dynamic(name, path)``: imports the module a shim ``recompile()`` built.

rcffi's API-mode modules are a Python file next to their compiled library, so
both kinds of path are accepted. ``find_module(name)`` answers where a
top-level module or package is, as the removed ``imp.find_module`` did
(the suite starts child interpreters with the directory of ``cffi``).
"""

import importlib.machinery
import importlib.util
import sys


def load_dynamic(name, path, file=None):
    if path.endswith(".py"):
        loader = importlib.machinery.SourceFileLoader(name, path)
    else:
        loader = importlib.machinery.ExtensionFileLoader(name, path)
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        loader.exec_module(module)
    except BaseException:
        del sys.modules[name]
        raise
    return module


#: imp's kinds of module, as find_module() reported them.
PY_SOURCE, C_EXTENSION, PKG_DIRECTORY = 1, 3, 5


def find_module(name, path=None):
    """``(None, location, (suffix, mode, kind))`` of top-level module ``name``."""
    finder = importlib.machinery.PathFinder
    spec = finder.find_spec(name, path)
    if spec is None or spec.origin is None:
        raise ImportError("No module named %r" % (name,))
    if spec.submodule_search_locations:
        return None, spec.submodule_search_locations[0], ("", "", PKG_DIRECTORY)
    kind = PY_SOURCE if spec.origin.endswith(".py") else C_EXTENSION
    return None, spec.origin, ("", "rb", kind)
