"""Property-based: generated struct and union declarations, run through cdef(),
lay out as gcc lays them out (sizes, alignments, field offsets, and the bits
each bit-field occupies, seen by setting it to all ones in zeroed memory), with
hypothesis choosing the fields."""

import os
import subprocess
import tempfile

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import rcffi

SCALARS = ["char", "signed char", "unsigned char", "short", "unsigned short", "int",
           "unsigned int", "long", "unsigned long", "long long", "unsigned long long",
           "float", "double", "_Bool", "int8_t", "uint16_t", "int32_t", "uint64_t",
           "void *", "char *", "size_t"]
BITFIELD_TYPES = {"unsigned char": 8, "unsigned short": 16, "int": 32, "unsigned int": 32,
                  "long long": 64, "unsigned long": 64}

field = st.one_of(
    st.tuples(st.just("scalar"), st.sampled_from(SCALARS), st.integers(0, 3)),
    st.tuples(st.just("bits"), st.sampled_from(sorted(BITFIELD_TYPES)), st.integers(1, 64)),
    st.tuples(st.just("record"), st.integers(0, 10), st.integers(0, 2)),
)
record = st.tuples(st.booleans(), st.lists(field, min_size=1, max_size=7))
program = st.lists(record, min_size=1, max_size=5)


def declare(records):
    """C text for the generated records (each may use the ones before it) and,
    per record, its kind, the field names offsetof() can measure and its
    bit-fields with their widths."""
    lines, measurable = [], []
    for index, (is_union, fields) in enumerate(records):
        kind = "union" if is_union else "struct"
        members, names, bits = [], [], []
        for k, (what, ty, extra) in enumerate(fields):
            name = "f%d" % k
            if what == "scalar":
                suffix = "[%d]" % extra if extra else ""
                members.append("%s %s%s;" % (ty, name, suffix))
                names.append(name)
            elif what == "bits":
                width = min(extra, BITFIELD_TYPES[ty])
                members.append("%s %s : %d;" % (ty, name, width))
                bits.append((name, width, not ty.startswith("unsigned")))
            elif index:
                inner_kind = "union" if records[extra % index][0] else "struct"
                suffix = "[%d]" % extra if extra else ""
                members.append("%s r%d %s%s;" % (inner_kind, extra % index, name, suffix))
                names.append(name)
            else:
                members.append("int %s;" % name)
                names.append(name)
        lines.append("%s r%d { %s };" % (kind, index, " ".join(members)))
        measurable.append((kind, names, bits))
    return "\n".join(lines), measurable


def gcc_answers(source, measurable):
    body = []
    for index, (kind, names, bits) in enumerate(measurable):
        t = "%s r%d" % (kind, index)
        body.append('printf("%%zu %%zu\\n", sizeof(%s), _Alignof(%s));' % (t, t))
        for name in names:
            body.append('printf("%%zu\\n", offsetof(%s, %s));' % (t, name))
        for name, _, _ in bits:
            body.append("{ %s v; memset(&v, 0, sizeof v); v.%s = ~0ull; dump(&v, sizeof v); }"
                        % (t, name))
    program_text = (
        "#include <stdio.h>\n#include <stddef.h>\n#include <stdint.h>\n#include <string.h>\n"
        "#include <stdbool.h>\n%s\n"
        "static void dump(const void *p, size_t n) { const unsigned char *b = p;"
        " for (size_t i = 0; i < n; i++) printf(\"%%02x\", b[i]); printf(\"\\n\"); }\n"
        "int main(void) {\n%s\nreturn 0; }\n" % (source, "\n".join(body)))
    with tempfile.TemporaryDirectory() as tmp:
        c_path, exe = os.path.join(tmp, "p.c"), os.path.join(tmp, "p")
        with open(c_path, "w") as f:
            f.write(program_text)
        subprocess.run(["cc", "-w", "-o", exe, c_path], check=True, timeout=60)
        out = subprocess.run([exe], check=True, capture_output=True, text=True, timeout=60)
    return out.stdout.split("\n")[:-1]


def rcffi_answers(source, measurable):
    ffi = rcffi.FFI()
    ffi.cdef(source)
    lines = []
    for index, (kind, names, bits) in enumerate(measurable):
        t = "%s r%d" % (kind, index)
        lines.append("%d %d" % (ffi.sizeof(t), ffi.alignof(t)))
        lines.extend(str(ffi.offsetof(t, name)) for name in names)
        for name, width, signed in bits:
            p = ffi.new(t + " *")
            setattr(p, name, -1 if signed else (1 << width) - 1)
            lines.append(bytes(ffi.buffer(p)).hex())
    return lines


@pytest.mark.timeout(300)
@settings(max_examples=40, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow])
@given(program)
def test_generated_records_lay_out_as_gcc_does(records):
    source, measurable = declare(records)
    assert rcffi_answers(source, measurable) == gcc_answers(source, measurable), source


@pytest.mark.timeout(120)
@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(list("struct{}()[];*,:=0123456789 intcharxyz_.\"'\\#\n")),
               max_size=80))
def test_arbitrary_text_gives_a_declaration_or_a_cdef_error(text):
    ffi = rcffi.FFI()
    try:
        ffi.cdef(text)
    except (rcffi.CDefError, TypeError, ValueError, OverflowError, NotImplementedError):
        pass
