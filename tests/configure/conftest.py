"""Fixtures for configure tests: a private answers cache per test, and the
compiler's own answers from a probe the test writes itself."""

import os
import subprocess
import sys

import pytest


@pytest.fixture(autouse=True)
def private_cache(tmp_path, monkeypatch):
    """Every test starts with an empty cache of its own (never ~/.cache)."""
    cache = tmp_path / "cache"
    monkeypatch.setenv("RCFFI_CACHE_DIR", str(cache))
    monkeypatch.delenv("CC", raising=False)
    return cache


@pytest.fixture
def gcc_answers(tmp_path):
    """Compiles and runs ``prelude`` + a main printing each expression of
    ``exprs`` (C integer expressions) with the system compiler; returns the
    values, the reference the configured answers are compared with."""

    def ask(prelude, exprs, include_dirs=()):
        body = "".join('    printf("%%lld\\n", (long long)(%s));\n' % e for e in exprs)
        src = tmp_path / "reference.c"
        src.write_text("#include <stdio.h>\n#include <stddef.h>\n%s\nint main(void) {\n%s"
                       "    return 0;\n}\n" % (prelude, body))
        exe = tmp_path / "reference"
        flags = ["-I" + d for d in include_dirs]
        subprocess.run(["cc", str(src), "-o", str(exe)] + flags, check=True)
        out = subprocess.run([str(exe)], check=True, capture_output=True, text=True).stdout
        return [int(x) for x in out.split()]

    return ask


@pytest.fixture
def run_python():
    """Runs code in a new interpreter (with extra environment variables) and
    returns its stdout; a failure fails the test with its stderr."""

    def run(code, env=None, cwd=None):
        full_env = dict(os.environ)
        full_env.update(env or {})
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              env=full_env, cwd=cwd)
        assert done.returncode == 0, done.stderr
        return done.stdout

    return run
