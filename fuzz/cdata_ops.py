#!/usr/bin/env python3
"""Random cdata operations in fresh processes: none may crash the interpreter.

Each seed runs `--ops` random operations (new, cast, items, slices, fields,
string, unpack, buffer, from_buffer, memmove, gc, release, handles, callbacks,
type strings, cdef) on one process; Python exceptions are fine, a signal is a
finding. Forged addresses are never made (no cast of a non-zero value to a
pointer, array or function type; no pointer index but 0 unless `new` owns it),
since reading through them crashes in C too. Each operation is written to
`build/fuzz/cdata/<seed>.log` before it runs, so the last line of a crashing
seed names it; rerun that seed under `PYTHONMALLOC=malloc valgrind` to see the
first bad read or write.

    python fuzz/cdata_ops.py --seeds 1-40          # make fuzz-cdata
    python fuzz/cdata_ops.py --child 17 3000       # one seed, in this process
"""

from __future__ import annotations

import array
import random
import sys
from pathlib import Path

import seeds

LOGS = Path(__file__).resolve().parent.parent / "build" / "fuzz" / "cdata"

DECLS = """
struct pt { int x, y; };
struct bits { int a:3; unsigned b:5; char c; long long d:40; };
union u { int i; float f; char c[8]; };
enum color { RED, GREEN = 5, BLUE = -3 };
struct nest { struct pt p; struct pt *pp; int arr[4]; char name[8]; union u un; };
struct flex { int n; int data[]; };
typedef int (*cb_t)(int, int);
struct withfp { cb_t f; void *v; };
"""
TYPES = ["int", "char", "signed char", "unsigned char", "short", "unsigned long long",
         "float", "double", "long double", "_Bool", "wchar_t", "char16_t", "char32_t",
         "int8_t", "size_t", "float _Complex", "double _Complex", "void *", "char *",
         "int *", "struct pt", "struct pt *", "struct bits", "union u", "enum color",
         "struct nest", "struct nest *", "struct flex", "struct flex *", "int[3]", "int[]",
         "char[]", "char[5]", "struct pt[2]", "struct pt[]", "int[2][3]", "cb_t",
         "struct withfp", "wchar_t[]", "double[4]", "union u[2]", "enum color[]", "int **",
         "void"]
FIELDS = ["x", "y", "a", "b", "c", "d", "p", "pp", "arr", "name", "un", "i", "f", "n",
          "data", "v", "zz"]
INDEXES = [0, 1, 2, -1, 3, 100, 2**40, -2**40, slice(0, 2), slice(1, 5), slice(-1, 2),
           slice(0, 2**40), "x", None, 1.5]
#: What an operation may raise on bad input; anything else escapes and fails the seed.
EXPECTED = (TypeError, ValueError, OverflowError, IndexError, AttributeError, KeyError,
            RuntimeError, NotImplementedError, BufferError, UnicodeError, MemoryError)


class Run:
    """One seed's random state, live objects and log."""

    def __init__(self, seed: int, log) -> None:
        import rcffi

        self.rcffi = rcffi
        self.rng = random.Random(seed)
        self.log = log
        self.ffi = rcffi.FFI()
        self.ffi.cdef(DECLS)
        self.objs: list = []

    def value(self, depth: int = 0):
        rng = self.rng
        pick = rng.randrange(13)
        nested = depth < 3
        if pick == 0:
            return rng.choice([0, 1, -1, 2**31, -2**31 - 1, 2**63, 2**64, 2**200, 255])
        if pick == 1:
            return rng.choice([0.0, -0.0, 1e300, float("inf"), float("nan"), 3.5])
        if pick == 2:
            return rng.choice([b"", b"a", b"hello\0world", b"x" * 100])
        if pick == 3:
            return rng.choice(["", "a", "\u1234", "\U0001f600", "x" * 50])
        if pick == 4 and nested:
            return [self.value(depth + 1) for _ in range(rng.randrange(6))]
        if pick == 5 and nested:
            return {rng.choice(FIELDS): self.value(depth + 1) for _ in range(rng.randrange(4))}
        if pick == 6 and nested:
            return tuple(self.value(depth + 1) for _ in range(rng.randrange(4)))
        if pick == 7 and self.objs:
            return rng.choice(self.objs)
        if pick == 8:
            return rng.choice([True, None, complex(1, 2), object(), bytearray(b"abc"),
                               memoryview(b"xy"), "RED", self.ffi.NULL])
        return rng.randrange(-1000, 1000)

    def owned(self, o) -> bool:
        """Whether memory access through `o` stays in memory rcffi knows."""
        kind = self.ffi.typeof(o).kind
        text = repr(o)
        return kind not in ("pointer", "function") or any(
            word in text for word in ("owning", "buffer", "calling"))

    def small(self, o) -> bool:
        """Whether copying all of `o` into Python objects fits in memory (a
        `new("struct pt[]", 1 << 31)` is fine; a list of it is not)."""
        try:
            return self.ffi.sizeof(o) <= 1 << 20
        except EXPECTED + (self.rcffi.FFIError,):
            return True

    def note(self, what: str) -> None:
        self.log.write(what + "\n")
        self.log.flush()

    def step(self) -> None:
        ffi, rng, objs = self.ffi, self.rng, self.objs
        t = rng.choice(TYPES)
        o = rng.choice(objs) if objs else None
        kind = ffi.typeof(o).kind if o is not None else None
        index = rng.choice(INDEXES) if kind != "pointer" else 0
        op = rng.randrange(19)
        self.note(f"op {op} type {t!r} on {o!r} index {index!r}")
        if op == 0:
            target = t if t.endswith(("*", "]")) else t + " *"
            objs.append(ffi.new(target, self.value()) if rng.random() < 0.7 else ffi.new(target))
        elif op == 1:
            v = self.value()
            forged = t.endswith(("*", "]")) or t == "cb_t"
            if not forged or v is None or v is ffi.NULL or (type(v) is int and v == 0):
                objs.append(ffi.cast(t, v))
        elif o is None:
            return
        elif op == 2 and self.owned(o):
            objs.append(o[index])
        elif op == 3 and self.owned(o):
            o[index] = self.value()
        elif op == 4 and self.owned(o):
            objs.append(getattr(o, rng.choice(FIELDS)))
        elif op == 5 and self.owned(o):
            setattr(o, rng.choice(FIELDS), self.value())
        elif op == 6 and self.owned(o):
            ffi.string(o, rng.choice([-1, 0, 1, 5, 2**40]))
        elif op == 7 and self.owned(o):
            ffi.unpack(o, rng.choice([0, 1, 3]))
        elif op == 8 and self.owned(o) and self.small(o):
            buf = ffi.buffer(o)
            bytes(buf)
            buf[0:1] = b"\x01"
        elif op == 9:
            source = rng.choice([bytearray(16), b"abcd", memoryview(bytearray(8)),
                                 array.array("i", [1, 2])])
            ctype = rng.choice(["char[]", "int[]", "struct pt[]", "char[2]"])
            objs.append(ffi.from_buffer(ctype, source, require_writable=rng.random() < 0.5))
        elif op == 10:
            ffi.release(o)
        elif op == 11:
            other = rng.choice(objs)
            if self.owned(o) and self.owned(other):
                ffi.memmove(o, other, rng.choice([0, 1, 4]))
        elif op == 12 and self.small(o):
            for f in (int, float, bool, len, repr, hash, str, complex, list, iter):
                try:
                    f(o)
                except EXPECTED:
                    pass
            for other in (1, objs[0], ffi.NULL, None, 2.5):
                for combine in (lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a == b,
                                lambda a, b: a < b):
                    try:
                        combine(o, other)
                    except EXPECTED:
                        pass
        elif op == 13:
            ffi.sizeof(t)
            ffi.getctype(t, rng.choice(["", "*", "[5]", "(*)(int)"]))
        elif op == 14:
            destructor = rng.choice([lambda p: None, None])
            objs.append(ffi.gc(o, destructor, size=rng.choice([0, 10])))
        elif op == 15:
            v = self.value()
            handle = ffi.new_handle(v)
            assert ffi.from_handle(handle) is v
            objs.append(handle)
        elif op == 16:
            objs.append(ffi.addressof(o, *[rng.choice(INDEXES) for _ in range(rng.randrange(3))]))
        elif op == 17:
            cb = ffi.callback("int(int, int)", lambda a, b: self.value(),
                              error=rng.choice([0, -1]), onerror=rng.choice([None, lambda *a: 5]))
            objs.append(cb)
            cb(rng.randrange(10), rng.randrange(10))
        elif op == 18:
            words = ["struct ", "s", "{", "}", ";", "int ", "x", ":", "3", "[", "]", "typedef ",
                     "(*", ")", "(", "...", ",", "enum ", "=", "union ", "#define ", "\n",
                     "__attribute__((packed))", "long double ", "char", "const "]
            text = "".join(rng.choice(words) for _ in range(rng.randrange(12)))
            try:
                self.rcffi.FFI().cdef(text)
                ffi.typeof(text)
            except self.rcffi.FFIError:
                pass
        if len(objs) > 200:
            del objs[:100]

    def run(self, ops: int) -> None:
        for _ in range(ops):
            try:
                self.step()
            except EXPECTED + (self.rcffi.FFIError,):
                pass


def run_seed(seed: int, ops: int, log) -> list[str]:
    """No findings but crashes: an unexpected exception escapes, a signal kills."""
    Run(seed, log).run(ops)
    return []


if __name__ == "__main__":
    sys.exit(seeds.main(__file__, __doc__.splitlines()[0], LOGS, 3000, run_seed))
