"""Platform facts from the C compiler, in the style of ctypes-configure.

A configuration is a class whose ``_compilation_info_`` is a :class:`CompileInfo`
and whose other attributes are questions::

    class Config:
        _compilation_info_ = CompileInfo(includes=["sys/stat.h", "fcntl.h"])
        stat = Struct("struct stat", [("st_size", "long"), ("st_mode", "int")])
        off_t = SimpleType("off_t", "long")
        O_CREAT = ConstantInteger("O_CREAT")
        HAS_STAT = Has("stat")

    answers = configure(Config)      # {"stat": <ctype 'struct stat'>, ...}

All questions of a class go into one C program, compiled and run once (plus one
more compile per round of ``Has`` questions that fail), and its output is cached
on disk like ``ffi.configure()``'s, so asking again costs no compiler run.

``Struct`` and ``SimpleType`` answer with types of :mod:`rcffi.ctypes` (the
default, ``form="ctypes"``: a ``Structure`` or ``Union`` with the hinted fields at
the compiler's offsets and its size, a simple type such as ``c_int64``), or with
rcffi ``CType`` objects (``form="ctype"``): a struct with the hinted fields at the
compiler's offsets, its size and alignment; an integer or floating type of the
compiler's size and sign. Hints are type strings, ``CType`` objects or ctypes
types.

``python -m rcffi.configure module`` prints the answers of every configuration
class of a module (a dotted name or a ``.py`` path) for inspection.
"""

import re
import sys

from . import _backend, _configure_ctypes, _probe
from ._probe import CompileInfo, ProbeError

__all__ = ["CompileInfo", "ProbeError", "Struct", "SimpleType", "ConstantInteger",
           "DefinedConstantInteger", "DefinedConstantString", "Defined", "Has", "SizeOf",
           "Works", "configure"]

_FLOATS = {"float": 4, "double": 8, "long double": None}
_ffi = None


def _types():
    """The FFI that parses hint type strings (made on first use)."""
    global _ffi
    if _ffi is None:
        from .api import FFI

        _ffi = FFI()
    return _ffi


def _hint(hint, what):
    hint = _configure_ctypes.ctype_hint(hint) or hint
    if isinstance(hint, str):
        return _types().typeof(hint)
    if isinstance(hint, _backend.CType):
        return hint
    raise TypeError("%s must be a type string, a ctype or a ctypes type, not %r" % (what, hint))


def _is_float(ctype):
    return ctype.kind == "primitive" and ctype.cname in _FLOATS


def _is_integer(ctype):
    return ctype.kind == "primitive" and ctype.cname not in _FLOATS and ctype.cname != "char" \
        and not ctype.cname.startswith(("_Bool", "bool", "wchar", "char16", "char32"))


def _numeric(hint, size, signed, what):
    """The primitive of ``hint``'s kind with the compiler's size and sign."""
    ffi = _types()
    if _is_float(hint):
        for name in ("float", "double", "long double"):
            if ffi.sizeof(name) == size:
                return ffi.typeof(name)
    elif _is_integer(hint):
        if size in (1, 2, 4, 8):
            return ffi.typeof("%sint%d_t" % ("" if signed else "u", size * 8))
    elif ffi.sizeof(hint) == size:
        return hint
    raise TypeError("%s: the compiler's type has %d bytes, which no type of the kind of '%s' has"
                    % (what, size, hint.cname))


class _Question:
    """A question answered by the shared probe: its facts are integer constant
    expressions (and at most one string literal) the compiler evaluates."""

    ifdef = None

    def _ints(self):
        """``[(fact name, C integer constant expression)]``."""
        return []

    def _text(self):
        """A C expression that is a string literal, or None."""
        return None

    def _code(self):
        """C statements that must compile (in an unused function), or []."""
        return []

    def _declarations(self, k):
        """The C declarations holding this question's facts."""
        ints = self._ints()
        values = ["1ULL"] + ["(unsigned long long)(%s), (%s) < 0" % (e, e) for _, e in ints]
        out = ["const unsigned long long _rcffi_q%d[] = { %s };" % (k, ", ".join(values))]
        if self._text() is not None:
            out.append('const char _rcffi_t%d[] = "" %s;' % (k, self._text()))
        code = self._code()
        if code:
            out.append("__attribute__((unused)) static void _rcffi_c%d(void) {" % k)
            out += ["    " + line for line in code] + ["}"]
        if self.ifdef is None:
            return out
        return (["#ifdef %s" % self.ifdef] + out
                + ["#else", "const unsigned long long _rcffi_q%d[] = { 0 };" % k, "#endif"])

    def _lines(self, k, symbols):
        """The ``k name value`` lines of this question's facts, read back."""
        defined = symbols.words("_rcffi_q%d" % k)[:1]
        if not defined:
            return []
        lines = ["%d defined %d" % (k, defined[0])]
        if not defined[0]:
            return lines
        values = symbols.integers("_rcffi_q%d" % k, skip=1)
        for (name, _), value in zip(self._ints(), values):
            lines.append("%d %s %d" % (k, name, value))
        text = symbols.get("_rcffi_t%d" % k)
        if text is not None:
            lines.append("%d text x%s" % (k, text[:-1].hex()))
        return lines


def _check_name(name, what):
    if not isinstance(name, str) or not name.strip():
        raise TypeError("%s takes a C name (a non-empty str), not %r" % (what, name))
    return name


class Struct(_Question):
    """A struct or union type, with the fields of interest and a hint of their
    types: integer hints get the compiler's size and sign, floating ones its size,
    others must have the compiler's size. A hint may be another ``Struct`` of the
    same configuration. Undefined ``ifdef`` makes the answer None."""

    def __init__(self, name, fields, ifdef=None):
        self.name = _check_name(name, "Struct")
        self.fields = []
        for item in fields:
            if not isinstance(item, tuple) or len(item) != 2:
                raise TypeError("Struct fields are (name, hint) pairs, not %r" % (item,))
            field, hint = item
            _check_name(field, "a Struct field")
            self.fields.append((field, hint if isinstance(hint, Struct) else _hint(hint, field)))
        self.ifdef = ifdef

    def _ints(self):
        out = [("size", "sizeof(%s)" % self.name),
               ("align", "offsetof(struct { char c; %s s; }, s)" % self.name)]
        for field, hint in self.fields:
            member = "((%s *)0)->%s" % (self.name, field)
            out.append(("offset." + field, "offsetof(%s, %s)" % (self.name, field)))
            out.append(("size." + field, "sizeof(%s)" % member))
            if not isinstance(hint, Struct) and _is_integer(hint):
                out.append(("signed." + field, "(__typeof__(%s))-1 < 0" % member))
        return out

    def _answer(self, facts, answer_of):
        fields = []
        for field, hint in self.fields:
            size = facts["size." + field]
            if isinstance(hint, Struct):
                ctype = answer_of(hint)
                if ctype is None or _types().sizeof(ctype) != size:
                    raise TypeError("%s: field '%s' is not the struct its hint answers"
                                    % (self.name, field))
            else:
                ctype = _numeric(hint, size, bool(facts.get("signed." + field)),
                                 "%s: field '%s'" % (self.name, field))
            fields.append((facts["offset." + field], field, ctype))
        fields.sort(key=lambda f: f[0])
        if self.name.startswith("union "):
            ctype = _backend.new_union_type(self.name)
        else:
            ctype = _backend.new_struct_type(self.name)
        _backend.complete_struct_or_union(
            ctype, [(name, t, -1, offset) for offset, name, t in fields], None,
            facts["size"], facts["align"])
        return ctype


class SimpleType(_Question):
    """An integer or floating type (``hint`` says which, default ``"int"``),
    answered as the primitive of the compiler's size and sign."""

    def __init__(self, name, hint="int", ifdef=None):
        self.name = _check_name(name, "SimpleType")
        self.hint = _hint(hint, "SimpleType hint")
        self.ifdef = ifdef

    def _ints(self):
        out = [("size", "sizeof(%s)" % self.name)]
        if _is_integer(self.hint):
            out.append(("signed", "(%s)-1 < 0" % self.name))
        return out

    def _answer(self, facts, answer_of):
        return _numeric(self.hint, facts["size"], bool(facts.get("signed")), self.name)


class ConstantInteger(_Question):
    """The value of an integer constant, macro or enumerator."""

    def __init__(self, name):
        self.name = _check_name(name, "ConstantInteger")

    def _ints(self):
        return [("value", self.name)]

    def _answer(self, facts, answer_of):
        return facts["value"]


class DefinedConstantInteger(ConstantInteger):
    """The value of an integer macro, or None when it is not defined."""

    def __init__(self, name):
        super().__init__(name)
        self.ifdef = self.name


class DefinedConstantString(_Question):
    """The value of a string macro as a str (each byte one character, Latin-1),
    or None when it is not defined."""

    def __init__(self, name):
        self.ifdef = self.name = _check_name(name, "DefinedConstantString")

    def _text(self):
        return self.name

    def _answer(self, facts, answer_of):
        return bytes.fromhex(facts["text"][1:]).decode("latin-1")


class Defined(_Question):
    """Whether a macro is defined."""

    def __init__(self, name):
        self.ifdef = self.name = _check_name(name, "Defined")


class SizeOf(_Question):
    """``sizeof`` of a type or expression."""

    def __init__(self, name):
        self.name = _check_name(name, "SizeOf")

    def _ints(self):
        return [("size", "sizeof(%s)" % self.name)]

    def _answer(self, facts, answer_of):
        return facts["size"]


class Has(_Question):
    """Whether ``name`` (a function, variable or macro) can be used in C after the
    includes. A name that does not compile is removed and the program rebuilt."""

    def __init__(self, name):
        self.name = _check_name(name, "Has")

    def _code(self):
        return ["(void)(%s);" % self.name]

    def _answer(self, facts, answer_of):
        return bool(facts.get("defined"))


class Works(_Question):
    """Whether the compile information compiles, links and runs at all."""

    def _answer(self, facts, answer_of):
        return "works" in facts


def _program(info, questions):
    """The probe: the prelude, then each question's facts as initialised
    ``const`` arrays. Returns the source and, per question number, its line range."""
    lines = info.prelude().splitlines()
    lines += ["#include <stddef.h>"]
    ranges = {}
    for k, q in questions:
        start = len(lines) + 1
        lines += q._declarations(k)
        ranges[k] = (start, len(lines))
    # Linked (never run) only to answer Works.
    lines.append("int main(void) { return 0; }")
    return "\n".join(lines + [""]), ranges


def _failing_questions(output, ranges):
    """The questions whose lines the compiler reported errors in, or None when an
    error is elsewhere (a header, the link)."""
    lines = [int(n) for n in re.findall(r"probe\.c:(\d+):(?:\d+:)? (?:fatal )?error", output)]
    if not lines:
        return None
    found = set()
    for line in lines:
        owner = [k for k, (a, b) in ranges.items() if a <= line <= b]
        if not owner:
            return None
        found.add(owner[0])
    return found


def _run(words, info, questions):
    """The facts as ``k name value`` lines, after removing ``Has`` questions that
    do not compile. The probe is compiled, never run (a cross compiler answers
    for its target), and linked only when ``Works`` asks whether it links.
    When it cannot be compiled for another reason and the class asks only
    ``Works`` and ``Has``, they are all False: no lines."""
    remaining = list(questions)
    works = [k for k, q in questions if isinstance(q, Works)]
    while True:
        source, ranges = _program(info, remaining)
        try:
            symbols, linked = _probe.compile_and_read(words, source, info, "_rcffi_",
                                                      link=bool(works))
        except ProbeError as e:
            failing = _failing_questions(e.output, ranges)
            if failing is None or any(not isinstance(q, Has) for k, q in remaining if k in failing):
                if failing is None and all(isinstance(q, (Has, Works)) for _, q in remaining):
                    return ""
                raise
            remaining = [(k, q) for k, q in remaining if k not in failing]
            continue
        lines = [line for k, q in remaining for line in q._lines(k, symbols)]
        if linked:
            lines += ["%d works 1" % k for k in works]
        return "".join(line + "\n" for line in lines)


def _facts(output, count):
    facts = [dict() for _ in range(count)]
    for line in output.splitlines():
        parts = line.split(" ")
        if len(parts) != 3 or not parts[0].isdigit() or int(parts[0]) >= count:
            raise ProbeError("configure: unexpected probe output line %r" % (line,))
        k, name, value = int(parts[0]), parts[1], parts[2]
        facts[k][name] = value if name == "text" else int(value)
    return facts


def configure(config, form="ctypes", cache_dir=None):
    """Answers every question of the class ``config`` with one compiled probe;
    returns ``{attribute name: answer}``, types in ``form`` (``"ctypes"`` or
    ``"ctype"``)."""
    if form not in ("ctypes", "ctype"):
        raise ValueError("form must be 'ctypes' (rcffi.ctypes types) or 'ctype' (rcffi "
                         "CType objects), not %r" % (form,))
    info = getattr(config, "_compilation_info_", None)
    if not isinstance(info, CompileInfo):
        raise TypeError("a configuration class needs _compilation_info_ = CompileInfo(...)")
    names = sorted(n for n in dir(config) if isinstance(getattr(config, n), _Question))
    questions = [(k, getattr(config, n)) for k, n in enumerate(names)]
    if not questions:
        return {}
    source, _ = _program(info, questions)
    output = _probe.cached(["rcffi.configure", source, info.key()],
                           lambda words: _run(words, info, questions), cache_dir)
    facts = _facts(output, len(questions))
    number = {id(q): k for k, q in questions}
    answers = {}

    def answer_of(q):
        if id(q) not in number:
            raise TypeError("a Struct used as a field hint must be a question of the same class")
        k = number[id(q)]
        if k not in answers:
            f = facts[k]
            if isinstance(q, Defined):
                answers[k] = bool(f.get("defined"))
            elif q.ifdef is not None and not f.get("defined"):
                answers[k] = None
            else:
                answers[k] = q._answer(f, answer_of)
        return answers[k]

    found = {n: answer_of(q) for n, (_, q) in zip(names, questions)}
    if form == "ctype":
        return found
    converter = _configure_ctypes.Converter(_types())
    return {n: converter.convert(answer) for n, answer in found.items()}


def _configs(module):
    return [(n, v) for n, v in sorted(vars(module).items())
            if isinstance(v, type) and isinstance(getattr(v, "_compilation_info_", None),
                                                  CompileInfo)]


def main(argv=None):
    """``python -m rcffi.configure module``: prints every answer of the module's
    configuration classes as ``Class.name = answer``."""
    import importlib
    import importlib.util

    argv = sys.argv[1:] if argv is None else argv
    if len(argv) != 1:
        print("usage: python -m rcffi.configure MODULE_OR_FILE.py", file=sys.stderr)
        return 2
    target = argv[0]
    if target.endswith(".py"):
        spec = importlib.util.spec_from_file_location("_rcffi_configured", target)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    else:
        module = importlib.import_module(target)
    configs = _configs(module)
    if not configs:
        print("%s defines no class with a _compilation_info_" % target, file=sys.stderr)
        return 1
    for class_name, config in configs:
        for name, answer in sorted(configure(config, form="ctype").items()):
            if isinstance(answer, _backend.CType) and answer.kind == "struct":
                layout = ", ".join("%s: %s @%d" % (f, t.type.cname, t.offset)
                                   for f, t in answer.fields)
                shown = "%r {%s} size %d" % (answer, layout, _types().sizeof(answer))
            else:
                shown = repr(answer)
            print("%s.%s = %s" % (class_name, name, shown))
    return 0


if __name__ == "__main__":
    # Run as `-m`, this file is `__main__`, a second copy whose question classes
    # are not those the configuration module imported: use the real module's.
    from rcffi.configure import main as _main

    sys.exit(_main())
