#!/usr/bin/env python3
"""Random ctypes operations, run on CPython's ctypes and on rcffi.ctypes in step.

Each seed performs `--ops` random operations (construction, values, items,
slices, fields, pointers, casts, memmove/memset, string_at, buffers, resize,
callbacks, calls into libc, record and array type definitions, conversions) on
both libraries in one fresh process. An operation's outcome on each side is
its result, made comparable (values, never addresses), or the class of the
exception it raised; a difference is a finding, and so is a crash. Addresses
are never forged: memory is only reached through objects that own it,
pointers made by `pointer()` and casts to types no larger than their source.
Each operation is written to `build/fuzz/ctypes/<seed>.log` before it runs.

    python fuzz/ctypes_ops.py --seeds 1-40         # make fuzz-ctypes
    python fuzz/ctypes_ops.py --child 17 2000      # one seed, in this process
"""

from __future__ import annotations

import ctypes as std_ctypes
from copy import deepcopy
import math
import random
import sys
from pathlib import Path

import seeds

LOGS = Path(__file__).resolve().parent.parent / "build" / "fuzz" / "ctypes"

SIMPLE = ["c_bool", "c_char", "c_wchar", "c_byte", "c_ubyte", "c_short", "c_ushort", "c_int",
          "c_uint", "c_long", "c_ulong", "c_longlong", "c_ulonglong", "c_size_t", "c_ssize_t",
          "c_float", "c_double", "c_longdouble", "c_int8", "c_uint16", "c_int32", "c_uint64",
          "c_char_p", "c_wchar_p", "c_void_p"]
#: Simple types whose value is (or reads through) an address.
ADDRESS_TYPES = {"c_char_p", "c_wchar_p", "c_void_p"}
ADDRESS_CLASSES = tuple(getattr(std_ctypes, name) for name in sorted(ADDRESS_TYPES))
RECORDS = ["Pt", "Bits", "U", "Nest", "Packed", "BigPt", "Sub", "Anon"]
#: Records with bit fields: CPython 3.11 crashes storing a ctypes object (a
#: c_int) into a bit field, so they only get plain Python values.
BIT_RECORDS = {"Bits", "BigPt"}
FIELD_NAMES = ["x", "y", "z", "a", "b", "c", "d", "p", "arr", "name", "u", "i", "f", "s",
               "pp", "q", "zz"]
INDEXES = [0, 1, 2, -1, -5, 3, 7, 100, 2**40, slice(0, 2), slice(1, 5), slice(None, None, 2),
           slice(-3, None), slice(5, 0, -1), "x", None, 1.5]
VALUES = [0, 1, -1, 7, 255, 256, -129, 2**31, -2**31 - 1, 2**63, 2**64, 2**200, 0.0, -2.5,
          1e300, float("inf"), float("nan"), True, None, b"", b"a", b"ab", b"hello\0x",
          b"x" * 40, "", "a", "\u1234", "\U0001f600", "xyz", (1, 2), [3, 4, 5], (), 1j,
          object(), {"x": 1}]
CDATA = (std_ctypes._SimpleCData, std_ctypes.Structure, std_ctypes.Union, std_ctypes.Array,
         std_ctypes._Pointer)



def define(m) -> dict:
    """The record types of one library, declared identically on both sides."""

    class Pt(m.Structure):
        _fields_ = [("x", m.c_int), ("y", m.c_int)]

    class Bits(m.Structure):
        _fields_ = [("a", m.c_int, 3), ("b", m.c_uint, 5), ("c", m.c_char),
                    ("d", m.c_longlong, 40), ("e", m.c_ubyte, 1)]

    class U(m.Union):
        _fields_ = [("i", m.c_int), ("f", m.c_float), ("c", m.c_char * 8)]

    class Nest(m.Structure):
        _fields_ = [("p", Pt), ("arr", m.c_int * 4), ("name", m.c_char * 8), ("u", U),
                    ("pp", m.POINTER(Pt)), ("s", m.c_short)]

    class Packed(m.Structure):
        _pack_ = 1
        _fields_ = [("c", m.c_char), ("i", m.c_int), ("d", m.c_double)]

    class BigPt(m.BigEndianStructure):
        _fields_ = [("x", m.c_int), ("y", m.c_short), ("z", m.c_uint, 12)]

    class Sub(Pt):
        _fields_ = [("z", m.c_double)]

    class Inner(m.Structure):
        _fields_ = [("a", m.c_int), ("b", m.c_int)]

    class Anon(m.Structure):
        _anonymous_ = ["in_"]
        _fields_ = [("q", m.c_char), ("in_", Inner)]

    return {"Pt": Pt, "Bits": Bits, "U": U, "Nest": Nest, "Packed": Packed, "BigPt": BigPt,
            "Sub": Sub, "Anon": Anon}


class Side:
    """One library: its module, record types and a libc loaded through it."""

    def __init__(self, m) -> None:
        self.m = m
        self.records = define(m)
        self.libc = m.CDLL(None)

    def type(self, spec: str):
        """`spec` is a simple type or record name, optionally followed by
        `*n` (an array of n) or wrapped as `P(...)` (a pointer)."""
        if spec.startswith("P(") and spec.endswith(")"):
            return self.m.POINTER(self.type(spec[2:-1]))
        base, star, n = spec.rpartition("*")
        if star:
            return self.type(base) * int(n)
        return self.records.get(spec) or getattr(self.m, spec)


class Pair:
    """The same object on both sides, with what may be done through it."""

    def __init__(self, std, ours, spec: str, derefable: bool, origin: str,
                 parent: Pair | None = None, keep: Pair | None = None) -> None:
        self.objs = (std, ours)
        #: what the fuzzer keeps alive for CPython's sake (see `cast` in step)
        self.keep = keep
        #: how it was made, back to the first object (a description only: the
        #: objects themselves must keep what they need alive)
        self.lineage = origin + (f" <- {parent.lineage}" if parent is not None else "")
        self.spec = spec
        #: the operation that made it
        self.origin = origin
        #: a pointer that points at memory of its own type (or is NULL)
        self.derefable = derefable

    def __repr__(self) -> str:
        return f"<{self.spec}>"


def comparable(x, depth: int = 0):
    """What of an outcome both libraries must agree on: no address, no id."""
    if isinstance(x, float):
        return "nan" if math.isnan(x) else x
    if x is None or isinstance(x, (bool, int, bytes, str, complex)):
        return x
    if isinstance(x, (list, tuple)):
        return [comparable(v, depth + 1) for v in x[:64]]
    if isinstance(x, memoryview):
        # A structure's format differs by design (rcffi writes its padding and
        # inherited fields; tests/ctypes/test_ctypes_memory.py checks it).
        return ("memoryview", x.format if "T{" not in x.format else "T{...}", x.itemsize,
                x.shape, x.ndim, x.readonly, x.nbytes)
    name = type(x).__name__
    if depth > 3:
        return ("cdata", name)
    if hasattr(type(x), "_fields_") and not hasattr(type(x), "contents"):
        return ("record", name, [(f[0], comparable(getattr(x, f[0]), depth + 1))
                                 for f in type(x)._fields_])
    if hasattr(type(x), "_length_") and hasattr(type(x), "_type_"):
        return ("array", name, [comparable(v, depth + 1) for v in list(x)[:64]])
    if hasattr(type(x), "contents"):
        return ("pointer", name, bool(x))
    if hasattr(type(x), "value") and hasattr(type(x), "_type_"):
        if type(x)._type_ in ("z", "Z", "P"):
            return ("address", name, bool(x))
        return ("simple", name, comparable(x.value, depth + 1))
    if callable(x):
        return ("callable", name)
    return ("other", name)


#: The exceptions ctypes reported as unraisable (in callbacks) during an operation.
UNRAISABLE: list[str] = []


def outcome(thunk):
    """``(kind, comparable result or exception class, unraisable exceptions)``:
    the result as both libraries must agree on it."""
    del UNRAISABLE[:]
    try:
        result = ("ok", thunk())
        result = ("ok", result[1], comparable(result[1]))
    except Exception as error:  # noqa: BLE001 - the exception's class is the outcome
        result = ("raise", None, type(error).__name__)
    return result + (tuple(UNRAISABLE),)


class Run:
    """One seed: its random state, both sides and the pool of live pairs."""

    def __init__(self, seed: int, log) -> None:
        import rcffi.ctypes as ours

        sys.unraisablehook = lambda u: UNRAISABLE.append(type(u.exc_value).__name__)
        self.rng = random.Random(seed)
        self.log = log
        self.sides = (Side(std_ctypes), Side(ours))
        self.pool: list[Pair] = []
        #: the pool's object the current operation works on
        self.operand: Pair | None = None
        self.findings: list[str] = []

    def note(self, what: str) -> None:
        self.log.write(what + "\n")
        self.log.flush()

    def spec(self) -> str:
        """A type: simple, record, array or pointer (never an array of or a
        pointer to an address type, whose items would read a forged address)."""
        rng = self.rng
        base = rng.choice(SIMPLE + RECORDS)
        pick = rng.randrange(6)
        if pick > 1 or base in ADDRESS_TYPES:
            return base
        if pick == 0:
            return f"{base}*{rng.choice([0, 1, 3, 5])}"
        return f"P({base})"

    def value(self):
        """A side-independent value or a pair from the pool (resolved per side)."""
        rng = self.rng
        if self.pool and rng.random() < 0.2:
            pair = rng.choice(self.pool)
            # (not a resized object: its truth reads the bytes resize() left)
            return pair if not pair.origin.startswith("resize(") else None
        if rng.random() < 0.1:
            return [self.value() for _ in range(rng.randrange(4))]
        return rng.choice(VALUES)

    @staticmethod
    def plain_for(spec: str, values: list) -> list:
        """`values` for fields of `spec`: no ctypes objects for bit fields."""
        if spec not in BIT_RECORDS:
            return values
        return [0 if isinstance(v, (Pair, list)) else v for v in values]

    resolve = staticmethod(seeds.resolve)

    def both(self, what: str, op, spec: str | None = None, derefable: bool = False,
             keep: Pair | None = None):
        """Runs `op(side_index, side)` on both sides and compares the outcomes;
        ctypes objects they return become a new pair of the pool."""
        self.note(what)
        results = [outcome(lambda i=i: op(i, self.sides[i])) for i in (0, 1)]
        views = [(kind, view, unraisable) for kind, _, view, unraisable in results]
        if views[0][:2] == ("raise", "SystemError"):
            # CPython's own bug (bool() of a resized c_int is one): no reference.
            return
        if views[0][2]:
            # A callback's error: the C caller got an undefined result.
            views = [(kind, None, unraisable) for kind, _, unraisable in views]
        if views[0] != views[1]:
            operand = self.operand
            source = f" [{operand.spec} made by {operand.lineage[:600]}]" if operand else ""
            self.findings.append(f"{what}: ctypes {views[0]!r}, rcffi {views[1]!r}{source}")
            return
        (kind0, std, _, _), (_, ours, _, _) = results
        if keep is None and self.operand is not None and self.operand.keep is not None:
            # What is made through a pair held for CPython holds that pair.
            keep = self.operand
        if kind0 == "ok" and spec is not None and isinstance(std, CDATA):
            self.pool.append(Pair(std, ours, spec(std) if callable(spec) else spec, derefable,
                                  what, self.operand, keep))

    def size_of(self, pair: Pair) -> int:
        return std_ctypes.sizeof(pair.objs[0])

    def step(self) -> None:
        rng, pool = self.rng, self.pool
        p = self.operand = rng.choice(pool) if pool else None
        op = rng.randrange(28)
        if op == 0 or p is None:
            spec = self.spec()
            args = [self.value() for _ in range(rng.randrange(4))]
            if spec in ADDRESS_TYPES:
                args = [rng.choice([None, b"abc", "abc", 0, 1.5])][: len(args)]
            if spec.startswith("P("):
                args = []
            args = self.plain_for(spec, args)
            self.both(f"{spec}(*{args!r})",
                      lambda i, s: s.type(spec)(*self.resolve(args, i)), spec, True)
        elif op == 1:
            self.both(f"{p.spec}.value", lambda i, s: p.objs[i].value)
        elif op == 2 and p.spec not in ADDRESS_TYPES and not self.holds_address(p):
            v = self.value()
            self.both(f"{p.spec}.value = {v!r}",
                      lambda i, s: setattr(p.objs[i], "value", self.resolve(v, i)))
        elif op == 3 and "." not in p.spec:
            index = rng.choice(INDEXES)
            if p.spec.startswith("P(") and (index != 0 or not p.derefable):
                return
            item = p.spec[2:-1] if p.spec.startswith("P(") else p.spec.rpartition("*")[0]
            self.both(f"{p.spec}[{index!r}]", lambda i, s: p.objs[i][index],
                      item or None, self.trusted(item))
        elif op == 4 and "." not in p.spec:
            index, v = rng.choice(INDEXES), self.value()
            if p.spec.startswith("P(") and (index != 0 or not p.derefable
                                        or p.spec[2:-1] in ADDRESS_TYPES):
                return
            self.both(f"{p.spec}[{index!r}] = {v!r}",
                      lambda i, s: p.objs[i].__setitem__(index, self.resolve(v, i)))
        elif op == 5:
            name = rng.choice(FIELD_NAMES)
            self.both(f"{p.spec}.{name}", lambda i, s: getattr(p.objs[i], name),
                      f"{p.spec}.{name}", False)
        elif op == 6:
            name, v = rng.choice(FIELD_NAMES), self.plain_for(p.spec, [self.value()])[0]
            self.both(f"{p.spec}.{name} = {v!r}",
                      lambda i, s: setattr(p.objs[i], name, self.resolve(v, i)))
        elif op == 7:
            spec = self.spec()
            self.both(f"sizeof/alignment {spec}, sizeof({p.spec})",
                      lambda i, s: (s.m.sizeof(s.type(spec)), s.m.alignment(s.type(spec)),
                                    s.m.sizeof(p.objs[i])))
        elif op == 8:
            self.both(f"bytes/memoryview {p.spec}",
                      lambda i, s: (bytes(p.objs[i]) if not self.has_address(p) else None,
                                    memoryview(p.objs[i])))
        elif op == 9:
            self.both(f"pointer({p.spec})", lambda i, s: s.m.pointer(p.objs[i]),
                      f"P({p.spec})", True)
        elif op == 10:
            target = rng.choice(SIMPLE[:-3] + RECORDS)
            fits = (std_ctypes.sizeof(self.sides[0].type(target)) <= self.size_of(p)
                    and not self.has_address(p))
            # CPython's cast() of a view (an object with a _b_base_: contents,
            # items, fields) keeps neither the view nor its memory alive: the
            # result reads freed memory once the fuzzer drops the view. The
            # pair keeps its source for CPython; rcffi's own keeping is
            # tested in tests/ctypes/test_ctypes_memory.py.
            view = p.objs[0]._b_base_ is not None
            self.both(f"cast({p.spec}, POINTER({target}))",
                      lambda i, s: s.m.cast(p.objs[i], s.m.POINTER(s.type(target))),
                      f"P({target})", fits and not p.spec.startswith("P("), p if view else None)
        elif op == 11:
            other = rng.choice(pool)
            n = rng.randrange(min(self.size_of(p), self.size_of(other)) + 1)
            if self.has_address(p) or self.has_address(other):
                return
            self.both(f"memmove({p.spec}, {other.spec}, {n})",
                      lambda i, s: s.m.memmove(p.objs[i], other.objs[i], n) and None)
        elif op == 12 and not self.has_address(p):
            n = rng.randrange(self.size_of(p) + 1)
            c = rng.choice([0, 65, 255, 256, -1])
            self.both(f"memset({p.spec}, {c}, {n})",
                      lambda i, s: s.m.memset(p.objs[i], c, n) and None)
        elif op == 13 and not self.has_address(p):
            n = rng.randrange(self.size_of(p) + 1)
            self.both(f"string_at({p.spec}, {n})", lambda i, s: s.m.string_at(p.objs[i], n))
        elif op == 14:
            spec = self.spec()
            size, offset = rng.choice([0, 1, 4, 16, 64]), rng.choice([0, 1, 3, 8, -1])
            copy = rng.random() < 0.5
            if copy:
                self.both(f"{spec}.from_buffer_copy(bytes({size}), {offset})",
                          lambda i, s: s.type(spec).from_buffer_copy(bytes(size), offset),
                          spec, True)
            else:
                self.both(f"{spec}.from_buffer(bytearray({size}), {offset})",
                          lambda i, s: s.type(spec).from_buffer(bytearray(size), offset),
                          spec, True)
        elif op == 15:
            # Only a new object: a resize moves the memory, and pointers made
            # to it before would read freed memory (in C and on both sides).
            spec, size = self.spec(), rng.choice([0, 1, 2, 8, 16, 100])

            def resized(i, s):
                obj = s.type(spec)()
                s.m.resize(obj, size)
                return obj

            self.both(f"resize({spec}(), {size})", resized, spec, True)
        elif op == 16:
            init = rng.choice([b"", b"abc", "abc", 5, 0, -1, None, b"a\0b"])
            size = rng.choice([None, 0, 2, 10])
            wide = rng.random() < 0.5
            maker = "create_unicode_buffer" if wide else "create_string_buffer"
            item = "c_wchar" if wide else "c_char"
            self.both(f"{maker}({init!r}, {size!r})",
                      lambda i, s: getattr(s.m, maker)(*([init] if size is None else [init, size])),
                      lambda std: f"{item}*{len(std)}", True)
        elif op == 17:
            result = self.value()
            restype = rng.choice(["c_int", "c_double", "None", "c_void_p", "Pt", "c_bool"])
            args = [self.value() for _ in range(rng.randrange(3))]

            def call(i, s):
                res = None if restype == "None" else s.type(restype)
                proto = s.m.CFUNCTYPE(res, s.m.c_int, s.m.c_double)
                callback = proto(lambda *a: self.resolve(result, i))
                return callback(*self.resolve(args, i))

            self.both(f"CFUNCTYPE({restype}, c_int, c_double)(-> {result!r})(*{args!r})", call)
        elif op == 18:
            name = rng.choice(["abs", "labs", "strlen", "toupper", "atoi"])
            typed = rng.random() < 0.5
            # Untyped, an object goes as its address; strings may only reach
            # strlen/atoi as bytes objects (always NUL-terminated).
            if name in ("strlen", "atoi"):
                if not typed:
                    return
                args = [rng.choice([v for v in VALUES if v is not None])]
            elif typed:
                args = [self.value() for _ in range(rng.randrange(3))]
            else:
                # (exactly one: an argument the C function does not get is garbage)
                args = [rng.choice([0, 5, -7, 2**31, True, None])]
            signatures = {"abs": (["c_int"], "c_int"), "labs": (["c_long"], "c_long"),
                          "strlen": (["c_char_p"], "c_size_t"),
                          "toupper": (["c_int"], "c_int"), "atoi": (["c_char_p"], "c_int")}

            def call(i, s):
                f = getattr(s.libc, name)
                if typed:
                    argtypes, restype = signatures[name]
                    f.argtypes = [s.type(t) for t in argtypes]
                    f.restype = s.type(restype)
                else:
                    f.argtypes = None
                    f.restype = s.m.c_int
                return f(*self.resolve(args, i))

            self.both(f"libc.{name}{'[typed]' if typed else ''}(*{args!r})", call)
        elif op == 19 and p.spec not in ADDRESS_TYPES and not isinstance(
                p.objs[0], std_ctypes._Pointer):
            # (a pointer has no end: list() of it would read on forever)
            # bool() reads every byte, and some differ by nature (has_address).
            for f in (int, float, len, hash, list) + ((bool,) if not self.has_address(p) else ()):
                self.both(f"{f.__name__}({p.spec})", lambda i, s, f=f: f(p.objs[i]))
            self.both(f"str({p.spec})", lambda i, s: type(str(p.objs[i])).__name__)
        elif op == 20:
            fields = []
            for _ in range(rng.randrange(4)):
                name = rng.choice(FIELD_NAMES + [3, ""])
                ftype = rng.choice(SIMPLE + RECORDS + ["c_int*2", "int", "None"])
                field = [name, ftype] + ([rng.choice([0, 1, 3, 8, 33, 65, -1])]
                                         if rng.random() < 0.3 else [])
                fields.append(field)
            base = rng.choice(["Structure", "Union", "BigEndianStructure", "Pt"])
            pack = rng.choice([None, 1, 2, 3, 16])
            if base == "Union":
                # CPython 3.11 lays out unions of bit fields unlike gcc (6 bytes,
                # aligned 2, for {unsigned short c:8; long long zz:1; _Bool f;}
                # where gcc and rcffi have 8 and 8): no reference.
                fields = [f[:2] for f in fields]

            def declare(i, s):
                def resolve(t):
                    return int if t == "int" else None if t == "None" else s.type(t)

                namespace = {"_fields_": [tuple([f[0], resolve(f[1]), *f[2:]]) for f in fields]}
                if pack is not None:
                    namespace["_pack_"] = pack
                parent = s.records["Pt"] if base == "Pt" else getattr(s.m, base)
                cls = type("R", (parent,), namespace)
                return (s.m.sizeof(cls), s.m.alignment(cls), cls())

            self.both(f"class R({base}): _pack_ {pack} _fields_ {fields!r}", declare)
        elif op == 21:
            spec = rng.choice(SIMPLE + RECORDS)
            n = rng.choice([-1, 0, 2, 2**40, 2**70, "3", 1.0])
            self.both(f"{spec} * {n!r}", lambda i, s: s.m.sizeof(s.type(spec) * n))
        elif op == 22:
            spec = rng.choice(RECORDS)
            kwargs = {rng.choice(FIELD_NAMES): self.plain_for(spec, [self.value()])[0]
                      for _ in range(rng.randrange(3))}
            args = self.plain_for(spec, [self.value() for _ in range(rng.randrange(3))])
            self.both(f"{spec}(*{args!r}, **{kwargs!r})",
                      lambda i, s: s.type(spec)(*self.resolve(args, i),
                                                **{k: self.resolve(v, i)
                                                   for k, v in kwargs.items()}),
                      spec, True)
        elif op == 23 and p.spec.startswith("P(") and p.derefable:
            self.both(f"{p.spec}.contents", lambda i, s: p.objs[i].contents,
                      p.spec[2:-1], self.trusted(p.spec[2:-1]))
        elif op == 24 and not self.has_address(p):
            # What pickling runs (__reduce__, __setstate__), without pickle's
            # lookup of the class by name: with both libraries loaded,
            # "ctypes.c_int" is only CPython's.
            def round_trip(i, s):
                twin = deepcopy(p.objs[i])
                return type(twin).__name__, bytes(twin) == bytes(p.objs[i])
            self.both(f"deepcopy of {p.spec}", round_trip)
        elif op == 25:
            spec, v = rng.choice(SIMPLE + ["P(c_int)", "P(Pt)", "c_char*3"]), self.value()
            self.both(f"{spec}.from_param({v!r})",
                      lambda i, s: type(s.type(spec).from_param(self.resolve(v, i))).__name__)
        elif op == 26 and not p.spec.startswith("P(") and "." not in p.spec:
            offset = rng.choice([0, 1, 4, -1])
            self.both(f"byref({p.spec}, {offset}) into memset",
                      lambda i, s: s.m.memset(s.m.byref(p.objs[i], offset), 0, 0) != 0)
        elif op == 27:
            spec = rng.choice(SIMPLE[:-3] + RECORDS + ["c_int*3"])
            self.both(f"POINTER({spec}) identity and name",
                      lambda i, s: (s.m.POINTER(s.type(spec)) is s.m.POINTER(s.type(spec)),
                                    s.m.POINTER(s.type(spec)).__name__,
                                    s.type(spec).__name__))
        if len(pool) > 150:
            del pool[:75]

    @staticmethod
    def holds_address(pair: Pair) -> bool:
        """Whether the object is of an address type whatever its spec says: a
        keyword a record does not declare makes a plain attribute
        (`Anon(s=c_wchar_p())`), and `.value = 255` on it would forge one."""
        return isinstance(pair.objs[0], ADDRESS_CLASSES)

    @staticmethod
    def trusted(spec: str) -> bool:
        """Whether an object of `spec` read out of memory may be dereferenced:
        not when it is itself a pointer or address (its value was stored by
        whoever, and may point anywhere)."""
        return spec not in ADDRESS_TYPES and not spec.startswith("P(")

    def has_address(self, pair: Pair) -> bool:
        """Whether some bytes of the object differ by nature: addresses, the
        padding of a long double (left as it was by the C store) and what a
        resize() added (ctypes does not clear it)."""
        spec = pair.spec
        return (spec.startswith("P(") or any(t in spec for t in ADDRESS_TYPES)
                or "Nest" in spec or "." in spec or "longdouble" in spec
                or pair.origin.startswith("resize("))


def run_seed(seed: int, ops: int, log) -> list[str]:
    return seeds.until_a_finding(Run(seed, log), ops)


if __name__ == "__main__":
    sys.exit(seeds.main(__file__, __doc__.splitlines()[0], LOGS, 2000, run_seed))
