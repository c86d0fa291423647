#!/usr/bin/env python3
"""Random cdata operations, run on cffi 2.0.0 and on rcffi in step.

Each seed performs `--ops` random operations (new with initialisers, cast,
items, slices, fields, string, unpack, buffer, from_buffer, memmove, addressof,
sizeof/alignof/offsetof/typeof, handles, callbacks, conversions, equality,
repr, C type introspection, gc and release)
on an `FFI()` of each library with the same declarations, in one fresh
process. An operation's outcome on each side is its result, made comparable
(values and C types, never addresses), or the class of the exception it
raised; the first difference is a finding, and so is a crash. Addresses are
never forged: memory is reached only through what `new()` or `from_buffer()`
made, and through pointers to such memory of a type no larger than it. Where
rcffi does more than cffi on purpose (docs/migrating.md: complex numbers and
unions by value, float `#define`s, errors with a place) the fuzzer does not go.
Each operation is written to `build/fuzz/cffi/<seed>.log` before it runs.

    python fuzz/cffi_ops.py --seeds 1-40          # make fuzz-cffi
    python fuzz/cffi_ops.py --child 17 2000       # one seed, in this process
"""

from __future__ import annotations

import math
import random
import re
import sys
from pathlib import Path

import seeds

LOGS = Path(__file__).resolve().parent.parent / "build" / "fuzz" / "cffi"

DECLS = """
struct pt { int x, y; };
struct bits { int a:3; unsigned b:5; char c; long long d:40; };
union u { int i; float f; char c[8]; };
enum color { RED, GREEN = 5, BLUE = -3 };
struct nest { struct pt p; int arr[4]; char name[8]; union u un; short s; };
struct flex { int n; int data[]; };
typedef int (*cb_t)(int, int);
"""
#: Types with no pointer inside: their memory holds only values both sides agree on.
VALUE_TYPES = ["int", "char", "signed char", "unsigned char", "short", "unsigned long long",
               "float", "double", "_Bool", "wchar_t", "char16_t", "char32_t", "int8_t",
               "size_t", "struct pt", "struct bits", "union u", "enum color", "struct nest",
               "int[3]", "char[5]", "struct pt[2]", "int[2][3]", "double[4]", "wchar_t[3]"]
OPEN_TYPES = ["int[]", "char[]", "struct pt[]", "wchar_t[]", "enum color[]", "struct flex"]
FIELDS = ["x", "y", "a", "b", "c", "d", "p", "arr", "name", "un", "i", "f", "n", "data", "s",
          "zz"]
INDEXES = [0, 1, 2, -1, 3, 5, 100, 2**40, slice(0, 2), slice(1, 3), slice(-1, 2),
           slice(0, 2**40), slice(None, 2), "x", None, 1.5]
VALUES = [0, 1, -1, 7, 255, 256, 2**31, -2**31 - 1, 2**63, 2**64, 2**200, 0.0, -2.5, 1e300,
          float("inf"), float("nan"), True, None, b"", b"a", b"ab", b"hello\0world", "", "a",
          "\u1234", "\U0001f600", [1, 2], [3, 4, 5, 6, 7], (1,), {"x": 1, "y": 2}, {"zz": 3},
          [[1, 2], [3]], {"p": {"x": 4}}, 1j, object(), "RED", "GREEN", b"x" * 20]


class Pair:
    """The same cdata on both sides, with what its memory may be used for."""

    def __init__(self, cffi_obj, rcffi_obj, ctype: str, reach: int, origin: str,
                 parent: Pair | None) -> None:
        self.objs = (cffi_obj, rcffi_obj)
        #: what it was taken from (an item, field or slice of): cffi's views do
        #: not keep their array alive, so the fuzzer does
        self.parent = parent
        self.ctype = ctype
        #: how many bytes from its address are memory it owns or views (0: none)
        self.reach = reach
        self.origin = origin

    @property
    def owned(self) -> bool:
        return self.reach > 0

    @property
    def pointer(self) -> bool:
        return self.ctype.endswith("*")

    def __repr__(self) -> str:
        return f"<{self.ctype}>"


def comparable(ffi, x, depth: int = 0):
    """What both libraries must agree on: no address, no identity."""
    if isinstance(x, float):
        return "nan" if math.isnan(x) else x
    if x is None or isinstance(x, (bool, int, bytes, str)):
        return x
    if isinstance(x, (list, tuple)):
        return [comparable(ffi, v, depth + 1) for v in x[:64]]
    if isinstance(x, Raised):
        return x
    if isinstance(x, ffi.CData):
        t = ffi.typeof(x)
        if t.kind == "primitive" and depth < 2:
            if t.cname in ("char", "wchar_t", "char16_t", "char32_t"):
                return ("cdata", t.cname, Run.safely(ffi.string, x))
            if t.cname in ("float", "double", "long double"):
                return ("cdata", t.cname, comparable(ffi, float(x)))
            return ("cdata", t.cname, int(x))
        return ("cdata", t.cname, t.kind, bool(x) if t.kind == "pointer" else None)
    if isinstance(x, ffi.CType):
        return ("ctype", x.cname)
    if isinstance(x, ffi.buffer):
        return ("buffer", len(x))
    return ("other", type(x).__name__)


def without_addresses(text: str) -> str:
    return re.sub(r"0x[0-9a-fA-F]+", "<address>", text)


def describe(t, depth: int = 0):
    """A C type's introspection attributes, as cffi documents them."""
    out = [t.kind, t.cname]
    if depth > 2:
        return out
    if t.kind in ("pointer", "array"):
        out += [describe(t.item, depth + 1), getattr(t, "length", None)]
    elif t.kind in ("struct", "union"):
        out += [[(name, f.type.cname, f.offset, f.bitshift, f.bitsize, f.flags)
                 for name, f in (t.fields or [])]]
    elif t.kind == "enum":
        out += [sorted(t.elements.items()), sorted(t.relements.items())]
    elif t.kind == "function":
        out += [[a.cname for a in t.args], t.result.cname, t.ellipsis, t.abi]
    return out


def valid_text(text: str) -> bool:
    """Whether a str is one Python could make (cffi builds some holding code
    points past U+10FFFF, on which even ord() fails)."""
    try:
        return all(ord(c) <= 0x10FFFF for c in text)
    except SystemError:
        return False


class Raised:
    """An exception as an outcome: equal to another when one's class derives
    from the other's (rcffi's errors subclass cffi's: ImpossibleTypeError is a
    ValueError)."""

    def __init__(self, error: BaseException) -> None:
        self.names = [k.__name__ for k in type(error).__mro__]
        # rcffi refuses to read a wide character past U+10FFFF, which cffi
        # reads into a broken str (or a SystemError): no reference there.
        self.bad_char = isinstance(error, SystemError) or (
            isinstance(error, ValueError) and "not a valid Unicode code point" in str(error))

    def __eq__(self, other) -> bool:
        return isinstance(other, Raised) and (
            other.names[0] in self.names or self.names[0] in other.names
            or self.bad_char or other.bad_char)

    def __repr__(self) -> str:
        return self.names[0]


def outcome(ffi, thunk):
    try:
        value = thunk()
    except Exception as error:  # noqa: BLE001 - the exception's class is the outcome
        return ("raise", None, Raised(error))
    return ("ok", value, comparable(ffi, value))


class Run:
    """One seed: its random state, both FFIs and the pool of live pairs."""

    def __init__(self, seed: int, log) -> None:
        import cffi

        import rcffi

        self.rng = random.Random(seed)
        self.log = log
        self.ffis = (cffi.FFI(), rcffi.FFI())
        for ffi in self.ffis:
            ffi.cdef(DECLS)
        self.pool: list[Pair] = []
        self.findings: list[str] = []
        self.operand: Pair | None = None

    def note(self, what: str) -> None:
        self.log.write(what + "\n")
        self.log.flush()

    def value(self):
        rng = self.rng
        if self.pool and rng.random() < 0.15:
            return rng.choice(self.pool)
        return rng.choice(VALUES)

    resolve = staticmethod(seeds.resolve)

    def both(self, what: str, op, ctype=None, reach=None) -> None:
        """Runs `op(side, ffi)` on both sides and compares the outcomes; cdata
        they return join the pool, typed `ctype` (or their own type), with
        `reach` bytes of memory behind them (None: the size of an array or
        record result, nothing behind a pointer)."""
        self.note(what)
        results = [outcome(ffi, lambda i=i, ffi=ffi: op(i, ffi)) for i, ffi in enumerate(self.ffis)]
        views = [(kind, view) for kind, _, view in results]
        if views[0][0] == "raise" and views[0][1].names[0] == "SystemError" or (
                isinstance(results[0][1], str) and not valid_text(results[0][1])):
            # cffi's own bugs with a wchar_t beyond U+10FFFF (a SystemError, or
            # a str holding it, which Python cannot make): no reference.
            return
        if views[0] != views[1]:
            operand = self.operand
            source = f" [{operand.ctype} made by {operand.origin}]" if operand else ""
            self.findings.append(f"{what}: cffi {views[0]!r}, rcffi {views[1]!r}{source}")
            return
        (kind, theirs, _), (_, ours, _) = results
        ffi = self.ffis[0]
        if kind == "ok" and isinstance(theirs, ffi.CData):
            t = ffi.typeof(theirs)
            if reach is None:
                reach = ffi.sizeof(theirs) if t.kind in ("array", "struct", "union") else 0
            self.pool.append(Pair(theirs, ours, ctype or t.cname, reach, what, self.operand))

    def step(self) -> None:
        rng, pool = self.rng, self.pool
        p = self.operand = rng.choice(pool) if pool else None
        op = rng.randrange(26)
        if op == 0 or p is None:
            t = rng.choice(VALUE_TYPES + OPEN_TYPES)
            target = t if t.endswith("]") else t + " *"
            if t in OPEN_TYPES and t.endswith("]") and rng.random() < 0.5:
                init = rng.choice([0, 1, 3, 2**40, -1, 2**200])
            else:
                init = self.value() if rng.random() < 0.7 else None
            if type(init) is int and 1 << 20 < init < 1 << 40:
                return  # (two real allocations of gigabytes: the memory limit's, not a finding)
            self.both(f"new({target!r}, {init!r})",
                      lambda i, ffi: ffi.new(target, self.resolve(init, i)), None,
                      self.ffis[0].sizeof(t) if not t.endswith("[]") else None)
        elif op == 1:
            t = rng.choice(["int", "char", "unsigned char", "short", "double", "float", "_Bool",
                            "long long", "size_t", "enum color", "wchar_t", "char32_t", "void *",
                            "int *", "intptr_t"])
            v = self.value()
            if t.endswith("*") and not (v is None or v == 0 or isinstance(v, Pair)):
                return
            if isinstance(v, Pair) and not t.endswith("*") and self.ffis[0].typeof(
                    v.objs[0]).kind in ("pointer", "array", "function"):
                return  # (the integer would be an address, which differs)
            self.both(f"cast({t!r}, {v!r})", lambda i, ffi: ffi.cast(t, self.resolve(v, i)),
                      None, 0)
        elif op == 2 and p.owned:
            index = 0 if p.pointer else rng.choice(INDEXES)
            self.both(f"{p.ctype}[{index!r}]", lambda i, ffi: p.objs[i][index])
        elif op == 3 and p.owned:
            index, v = 0 if p.pointer else rng.choice(INDEXES), self.value()
            self.both(f"{p.ctype}[{index!r}] = {v!r}",
                      lambda i, ffi: p.objs[i].__setitem__(index, self.resolve(v, i)))
        elif op == 4 and p.owned:
            name = rng.choice(FIELDS)
            self.both(f"{p.ctype}.{name}", lambda i, ffi: getattr(p.objs[i], name))
        elif op == 5 and p.owned:
            # (not "data", a flexible array member: cffi writes a list into it
            # past the memory new() gave, and the heap breaks; rcffi refuses)
            name, v = rng.choice([f for f in FIELDS if f != "data"]), self.value()
            self.both(f"{p.ctype}.{name} = {v!r}",
                      lambda i, ffi: setattr(p.objs[i], name, self.resolve(v, i)))
        elif op == 6 and p.owned:
            # (through a pointer, no further than its memory: a string stops at a NUL)
            n = rng.choice([0, 1] if p.pointer else [-1, 0, 1, 3, 2**40])
            if "slice(" in p.origin and n not in (0, 1):
                return  # (cffi reads a slice's string past the slice: rcffi stops at its end)
            self.both(f"string({p.ctype}, {n})", lambda i, ffi: ffi.string(p.objs[i], n))
        elif op == 7 and p.owned:
            # (no further than an array's length: cffi reads on, rcffi refuses)
            n = rng.choice([0, 1] if p.pointer else [0, 1, 2, 3])
            if self.ffis[0].typeof(p.objs[0]).kind == "array" and n > len(p.objs[0]):
                return
            self.both(f"unpack({p.ctype}, {n})", lambda i, ffi: ffi.unpack(p.objs[i], n))
        elif op == 8 and p.owned:
            self.both(f"bytes(buffer({p.ctype}))", lambda i, ffi: ffi.buffer(p.objs[i])[:64])
        elif op == 9:
            size = rng.choice([0, 1, 4, 16, 64])
            t = rng.choice(["char[]", "int[]", "struct pt[]", "char[2]", "struct pt *", "int *"])
            self.both(f"from_buffer({t!r}, bytearray({size}))",
                      lambda i, ffi: ffi.from_buffer(t, bytearray(size)), None,
                      None if t.endswith("]") else size if size >= 8 else 0)
        elif op == 10 and p.owned:
            other = rng.choice(pool)
            n = rng.choice([0, 1, 4])
            if n > min(p.reach, other.reach):
                return
            self.both(f"memmove({p.ctype}, {other.ctype}, {n})",
                      lambda i, ffi: ffi.memmove(p.objs[i], other.objs[i], n))
        elif op == 11:
            t = rng.choice(VALUE_TYPES + OPEN_TYPES + ["void", "cb_t", "struct pt *", "int(*)[3]",
                                                       "struct nosuch", "int[-1]", "int x"])
            field = rng.choice(FIELDS)
            self.both(f"sizeof/alignof/offsetof/typeof {t!r} {field}",
                      lambda i, ffi: (self.safely(ffi.sizeof, t), self.safely(ffi.alignof, t),
                                      self.safely(ffi.offsetof, t, field),
                                      self.safely(ffi.typeof, t)))
        elif op == 12:
            self.both(f"sizeof/typeof({p.ctype}) and conversions",
                      lambda i, ffi: (self.safely(ffi.sizeof, p.objs[i]),
                                      ffi.typeof(p.objs[i]).cname,
                                      self.safely(int, p.objs[i]), self.safely(float, p.objs[i]),
                                      self.safely(bool, p.objs[i]), self.safely(len, p.objs[i])))
        elif op == 13 and p.owned:
            other = rng.choice(pool)
            self.both(f"{p.ctype} == {other.ctype}",
                      lambda i, ffi: (p.objs[i] == other.objs[i], p.objs[i] != 5,
                                      p.objs[i] == p.objs[i]))
        elif op == 14 and p.owned:
            path = [rng.choice(FIELDS + [0, 1]) for _ in range(rng.randrange(3))]
            self.both(f"addressof({p.ctype}, *{path!r})",
                      lambda i, ffi: ffi.addressof(p.objs[i], *path), None, 0)
        elif op == 15:
            v = self.value()

            def handle(i, ffi):
                value = self.resolve(v, i)
                return ffi.from_handle(ffi.new_handle(value)) is value
            self.both(f"from_handle(new_handle({v!r}))", handle)
        elif op == 16:
            result, args = self.value(), [self.value() for _ in range(rng.randrange(4))]
            error = rng.choice([0, -1, 7])

            def call(i, ffi):
                cb = ffi.callback("int(int, int)", lambda a, b: self.resolve(result, i),
                                  error=error)
                return cb(*self.resolve(args, i))
            self.both(f"callback(-> {result!r}, error={error})(*{args!r})", call)
        elif op == 17:
            t = rng.choice(["int", "double", "char", "_Bool", "enum color", "wchar_t",
                            "unsigned short", "float", "long double"])
            v = self.value()
            self.both(f"new({t!r} *, {v!r})[0]",
                      lambda i, ffi: ffi.new(t + " *", self.resolve(v, i))[0])
        elif op == 18 and p.owned and not p.pointer:
            # pointer arithmetic inside an array: p + k for k within it
            k = rng.choice([0, 1, 2])
            self.both(f"({p.ctype} + {k})[0] and differences",
                      lambda i, ffi: self.safely(lambda: ((p.objs[i] + k)[0] if k < len(p.objs[i])
                                                          else None,
                                                          (p.objs[i] + k) - p.objs[i],
                                                          p.objs[i] + k > p.objs[i])))
        elif op == 19:
            t = rng.choice(VALUE_TYPES + ["int *", "struct pt *", "char *"])
            extra = rng.choice(["", "*", "[5]", "(*)(int)", " const", "&", "[]"])
            self.both(f"getctype({t!r}, {extra!r})", lambda i, ffi: ffi.getctype(t, extra))
        elif op == 20 and p.owned:
            size, piece = rng.choice([0, 1, 2]), rng.choice([b"", b"z", b"zz", b"zzzz"])
            self.both(f"buffer({p.ctype})[0:{len(piece)}] = {piece!r}",
                      lambda i, ffi: self.safely(ffi.buffer(p.objs[i]).__setitem__,
                                                 slice(0, len(piece)), piece) or
                      ffi.buffer(p.objs[i])[:size])
        elif op == 21:
            v = rng.choice(["RED", "GREEN", "BLUE", "#5", "PURPLE", 5, -3, 99, 2**40, 1.5])
            self.both(f"new('enum color *', {v!r})[0] and string",
                      lambda i, ffi: (ffi.new("enum color *", v)[0],
                                      ffi.string(ffi.cast("enum color", 5)),
                                      ffi.string(ffi.cast("enum color", 7))))
        elif op == 22 and p.owned:
            target = rng.choice(["char *", "int *", "void *", "struct pt *", "unsigned char *"])
            self.both(f"cast({target!r}, {p.ctype}) == itself",
                      lambda i, ffi: (ffi.cast(target, p.objs[i]) == ffi.cast("void *", p.objs[i]),
                                      ffi.typeof(ffi.cast(target, p.objs[i])).cname), None, 0)
        elif op == 23:
            self.both(f"repr({p.ctype}) and repr(typeof)",
                      lambda i, ffi: (without_addresses(repr(p.objs[i])),
                                      repr(ffi.typeof(p.objs[i]))))
        elif op == 24:
            t = rng.choice(VALUE_TYPES + OPEN_TYPES + ["cb_t", "int(*)(int, ...)", "void *",
                                                       "struct pt *", "char *[3]"])
            self.both(f"introspect {t!r}", lambda i, ffi: describe(ffi.typeof(t)))
        elif op == 25 and (p.pointer or p.ctype.endswith("]")):
            self.both(f"gc({p.ctype}) then release", lambda i, ffi: self.gc_then_release(ffi, p.objs[i]))
        if len(pool) > 150:
            del pool[:75]

    @staticmethod
    def gc_then_release(ffi, obj):
        """What the destructor `ffi.gc()` attaches sees, and when: not at
        `gc()`, once at `release()`, never again."""
        seen = []
        attached = ffi.gc(obj, lambda x: seen.append(ffi.typeof(x).cname))
        before = list(seen)
        ffi.release(attached)
        once = list(seen)
        Run.safely(ffi.release, attached)
        return before, once, seen, ffi.typeof(attached).cname

    @staticmethod
    def safely(f, *args):
        """`f(*args)`, or what it raised (a value of the outcome)."""
        try:
            return f(*args)
        except Exception as error:  # noqa: BLE001 - compared as part of the result
            return Raised(error)


def run_seed(seed: int, ops: int, log) -> list[str]:
    return seeds.until_a_finding(Run(seed, log), ops)


if __name__ == "__main__":
    sys.exit(seeds.main(__file__, __doc__.splitlines()[0], LOGS, 2000, run_seed))
