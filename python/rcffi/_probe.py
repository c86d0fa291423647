"""Asking the C compiler: compile a probe, read its object file, keep the answers.

``ffi.configure()`` and ``rcffi.configure`` both learn platform facts by
compiling one C file whose answers are initialised constant arrays, and
reading them back out of the object file (``_objfile``): nothing is linked
(unless ``Works()`` asks) or run, so a cross ``$CC`` answers for its target.
Compiling costs tens of milliseconds, so the answers are cached on disk under
a key hashing the program,
the compile keywords and the compiler's identity: the same question asked again,
in any process, reads a file and runs nothing.

The compiler's identity is its resolved path, size and modification time plus
its ``--version`` output. The version is itself cached under the path, size and
time, so a cache hit does not start the compiler even for ``--version``.
"""

import os

from .error import VerificationError

# A cache hit must take well under 2 ms in a fresh process: the modules only a
# miss needs (subprocess, tempfile, shlex, re) are imported when it happens, the
# cache files are plain text rather than JSON, and the hash comes from _blake2
# (hashlib's own import loads OpenSSL, several milliseconds).
try:
    from _blake2 import blake2b as _hash
except ImportError:
    from hashlib import blake2b as _hash

__all__ = ["CompileInfo", "ProbeError", "cache_dir", "cached", "compile_and_read",
           "object_answers"]

# Bumped when the probe format or the cache layout changes.
_CACHE_VERSION = "3"


class ProbeError(VerificationError):
    """The probe did not compile or could not be read; ``output`` is what the
    compiler printed."""

    def __init__(self, message, output=""):
        super().__init__(message)
        self.output = output


def _strings(value, what):
    if isinstance(value, (str, bytes)):
        raise TypeError("%s must be a list of strings, not a single string" % what)
    items = list(value)
    for item in items:
        if not isinstance(item, str):
            raise TypeError("%s must be a list of strings, not %r" % (what, item))
    return items


class CompileInfo:
    """What a probe needs besides its own text: lines before the includes, the
    headers, where to find them, macros, libraries and raw flags."""

    _LISTS = ("pre_include_lines", "includes", "include_dirs", "post_include_lines",
              "libraries", "library_dirs", "extra_compile_args", "extra_link_args")

    def __init__(self, includes=(), include_dirs=(), pre_include_lines=(), libraries=(),
                 library_dirs=(), define_macros=(), post_include_lines=(),
                 extra_compile_args=(), extra_link_args=()):
        values = dict(includes=includes, include_dirs=include_dirs,
                      pre_include_lines=pre_include_lines, libraries=libraries,
                      library_dirs=library_dirs, post_include_lines=post_include_lines,
                      extra_compile_args=extra_compile_args, extra_link_args=extra_link_args)
        for name in self._LISTS:
            setattr(self, name, _strings(values[name], name))
        self.define_macros = define_macros_list(define_macros)

    def prelude(self):
        """The C text the probe starts with."""
        lines = list(self.pre_include_lines)
        lines += ["#include <%s>" % h for h in self.includes]
        lines += self.post_include_lines
        return "".join(line + "\n" for line in lines)

    def key(self):
        """Everything that changes what the compiler answers, as plain data."""
        return [getattr(self, name) for name in self._LISTS] + [self.define_macros]

    def arguments(self):
        """The compiler arguments besides the source and the output."""
        return self.compile_arguments() + self.link_arguments()

    def compile_arguments(self):
        """The arguments that compiling needs."""
        args = ["-I" + d for d in self.include_dirs]
        args += ["-D%s" % n if v is None else "-D%s=%s" % (n, v) for n, v in self.define_macros]
        return args + self.extra_compile_args

    def link_arguments(self):
        """The arguments that linking needs."""
        args = ["-L" + d for d in self.library_dirs]
        args += ["-l" + lib for lib in self.libraries]
        return args + self.extra_link_args


def cache_dir(override=None):
    """Where answers are kept: ``override``, else ``$RCFFI_CACHE_DIR``, else
    ``$XDG_CACHE_HOME/rcffi``, else ``~/.cache/rcffi``."""
    if override is not None:
        return os.fspath(override)
    if os.environ.get("RCFFI_CACHE_DIR"):
        return os.environ["RCFFI_CACHE_DIR"]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "rcffi")


def _which(program):
    if os.sep in program:
        return program if os.access(program, os.X_OK) else None
    for directory in os.get_exec_path():
        candidate = os.path.join(directory, program)
        if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
            return candidate
    return None


def _compiler():
    """``$CC`` split into words (default ``cc``) and the resolved program path."""
    command = os.environ.get("CC") or "cc"
    if "'" in command or '"' in command or "\\" in command:
        import shlex

        words = shlex.split(command)
    else:
        words = command.split()
    found = _which(words[0]) if words else None
    if found is None:
        raise ProbeError("C compiler %r not found: install one or set $CC to its command"
                         % (os.environ.get("CC") or "cc",))
    return words, os.path.realpath(found)


def _read(path, key):
    """The text stored at ``path`` under ``key`` (its first line), or None when
    the file is missing, unreadable or holds something else."""
    try:
        with open(path, "r", encoding="utf-8") as f:
            text = f.read()
    except (OSError, ValueError):
        return None
    head, sep, body = text.partition("\n")
    return body if sep and head == key else None


def _write_atomically(path, key, text):
    """Stores ``text`` under ``key`` at ``path`` through a temporary file renamed
    over it, so a reader sees the old file or the whole new one. A cache that
    cannot be written is no error: the answer was computed."""
    import tempfile

    directory = os.path.dirname(path)
    try:
        os.makedirs(directory, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=directory, prefix=".tmp-")
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(key + "\n" + text)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass


def _identity(words, path, directory):
    """The compiler's identity, its ``--version`` output cached by file stamp."""
    st = os.stat(path)
    stamp = repr([words, path, st.st_size, st.st_mtime_ns])
    name = _hash(stamp.encode()).hexdigest()
    version_file = os.path.join(directory, "compilers", name[:32] + ".txt")
    version = _read(version_file, name)
    if version is not None:
        return [stamp, version]
    import subprocess

    try:
        done = subprocess.run(words + ["--version"], capture_output=True, text=True, errors="replace")
    except OSError as e:
        raise compiler_not_run(words, e) from None
    version = done.stdout + done.stderr
    _write_atomically(version_file, name, version)
    return [stamp, version]


def cached(question, compute, directory=None):
    """The text answering ``question`` (a list of strings and lists of
    strings: the probe and its compile keywords): from the cache when this compiler answered it before,
    else ``compute(words)`` (run with the compiler's command words), stored."""
    directory = cache_dir(directory)
    words, path = _compiler()
    key_data = [_CACHE_VERSION, question, _identity(words, path, directory)]
    key = _hash(repr(key_data).encode()).hexdigest()
    answer_file = os.path.join(directory, "answers", key[:2], key + ".txt")
    output = _read(answer_file, key)
    if output is not None:
        return output
    output = compute(words)
    _write_atomically(answer_file, key, output)
    return output


_MISSING_HEADER = r"fatal error: '?([^':\s]+)'?(?::| file not found)"


def define_macros_list(define_macros):
    """`define_macros` as a list, checked: (name, value-or-None) pairs of str."""
    macros = list(define_macros)
    for item in macros:
        if (not isinstance(item, tuple) or len(item) != 2 or not isinstance(item[0], str)
                or not (item[1] is None or isinstance(item[1], str))):
            raise TypeError("define_macros must be a list of (name, value-or-None) pairs, "
                            "not %r" % (item,))
    return macros


def compiler_not_run(words, error):
    """The error for a compiler command `words` that could not be started."""
    return ProbeError("cannot run the C compiler %r: %s" % (" ".join(words), error))


def _run_compiler(command, words):
    import subprocess

    try:
        done = subprocess.run(command, capture_output=True, text=True, errors="replace")
    except OSError as e:
        raise compiler_not_run(words, e) from None
    return done.returncode, done.stdout + done.stderr


def _compile_failed(command, output):
    import re
    import shlex

    missing = re.search(_MISSING_HEADER, output)
    what = ("header '%s' not found" % missing.group(1)) if missing else "compilation failed"
    return ProbeError("configure: %s\ncommand: %s\n%s" % (what, shlex.join(command), output),
                      output)


def compile_and_read(words, source, info, prefix, link=False):
    """Compiles ``source`` with ``info`` to an object file and returns the bytes
    of its data symbols named ``prefix...`` (see ``_objfile``), and, when ``link``,
    whether the object links with ``info``'s libraries into a program. Nothing
    is run, so a cross compiler answers for its target."""
    import tempfile

    from . import _objfile

    with tempfile.TemporaryDirectory(prefix="rcffi-probe-") as tmp:
        c_path = os.path.join(tmp, "probe.c")
        obj = os.path.join(tmp, "probe.o")
        with open(c_path, "w", encoding="utf-8") as f:
            f.write(source)
        command = words + ["-c", c_path, "-o", obj] + info.compile_arguments()
        status, output = _run_compiler(command, words)
        if status != 0:
            raise _compile_failed(command, output)
        try:
            symbols = _objfile.read_symbols(obj, prefix)
        except (OSError, ValueError) as e:
            raise ProbeError("configure: cannot read the compiler's object file: %s" % e) from None
        if not link:
            return symbols, False
        status, _ = _run_compiler(words + [obj, "-o", os.path.join(tmp, "probe")]
                                  + info.link_arguments(), words)
        return symbols, status == 0


def object_answers(words, source, info):
    """Compiles the ``ffi.configure()`` probe ``source`` (see rcffi-core's
    ``probe``) to an object file and returns its answers as text: one line of
    integers per ``_rcffi_p<i>`` array, in order. Nothing is linked or run."""
    import re

    symbols, _ = compile_and_read(words, source, info, "_rcffi_p")
    count = sum(1 for name in symbols if re.fullmatch(r"_rcffi_p\d+", name))
    lines = []
    for i in range(count):
        name = "_rcffi_p%d" % i
        if name not in symbols:
            raise ProbeError("configure: the probe's object file has no %s" % name)
        lines.append(" ".join(str(n) for n in symbols.integers(name)))
    return "".join(line + "\n" for line in lines)
