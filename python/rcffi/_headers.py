"""What ``#include`` in ``cdef()`` needs from the C compiler: its default
header search list (``cc -E -v``) and its predefined macros (``cc -dM -E``).

Both are asked once per compiler and kept in the probe cache (see
``_probe.py``), so a process reading real headers runs no compiler after the
first one did; within a process the answer is also kept in memory.
"""

from . import _probe

__all__ = ["system_config"]

_SEPARATOR = "\n--- predefined macros ---\n"
_known = None


def _ask(words):
    import subprocess

    def run(args):
        try:
            done = subprocess.run(words + args, capture_output=True, text=True, errors="replace",
                                  stdin=subprocess.DEVNULL)
        except OSError as e:
            raise _probe.compiler_not_run(words, e)
        if done.returncode != 0:
            raise _probe.ProbeError("the C compiler failed: %s\n%s"
                                    % (" ".join(words + args), done.stderr))
        return done

    verbose = run(["-E", "-v", "-x", "c", "/dev/null", "-o", "/dev/null"]).stderr
    dirs = []
    inside = False
    for line in verbose.splitlines():
        if line.startswith("#include <...> search starts here:"):
            inside = True
        elif line.startswith("End of search list."):
            inside = False
        elif inside and line.startswith(" "):
            dirs.append(line.strip())
    macros = run(["-dM", "-E", "-x", "c", "/dev/null"]).stdout
    return "\n".join(dirs) + _SEPARATOR + macros


def system_config():
    """(system include directories, predefined ``#define`` lines) of ``$CC``;
    ([], "") when there is no compiler to ask."""
    global _known
    if _known is None:
        try:
            text = _probe.cached(["rcffi.headers", "1"], _ask)
        except _probe.ProbeError:
            text = _SEPARATOR
        dirs, _, macros = text.partition(_SEPARATOR)
        _known = ([d for d in dirs.split("\n") if d], macros)
    return _known
