"""``load_dynamic(name, path)``: imports the module a shim ``recompile()`` built.

rcffi's API-mode modules are a Python file next to their compiled library, so
both kinds of path are accepted.
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
