"""ffi.include() across compiled modules: the including module shares the
included module's types (one ``struct foo_s`` for both) and its lib gives the
included lib's functions, constants and globals; anonymous structs reached
through a typedef or a named record can be used in API-mode signatures."""

import importlib

import rcffi


def _compile(tmp_path, ffi, name, source):
    ffi.set_source(name, source)
    ffi.compile(tmpdir=str(tmp_path))
    importlib.invalidate_caches()
    return importlib.import_module(name)


def test_included_api_module_types_and_functions_are_shared(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    parent_ffi = rcffi.FFI()
    parent_ffi.cdef("""
        struct pt { int x, y; };
        typedef struct { int v; } box_t;
        typedef struct { int n; } *handle_t;
        int twice(int);
        extern int counter;
        #define LIMIT 12
    """)
    parent = _compile(tmp_path, parent_ffi, "_inc_parent_a", """
        struct pt { int x, y; };
        typedef struct { int v; } box_t;
        typedef struct { int n; } *handle_t;
        int twice(int x) { return 2 * x; }
        int counter = 5;
        #define LIMIT 12
    """)
    child_ffi = rcffi.FFI()
    child_ffi.include(parent_ffi)
    child_ffi.cdef("int sum(struct pt *); int unbox(box_t); int count(handle_t);")
    child = _compile(tmp_path, child_ffi, "_inc_child_a", """
        struct pt { int x, y; };
        typedef struct { int v; } box_t;
        typedef struct { int n; } *handle_t;
        int sum(struct pt *p) { return p->x + p->y; }
        int unbox(box_t b) { return b.v; }
        int count(handle_t h) { return h->n; }
    """)
    for name in ("struct pt", "box_t", "handle_t"):
        assert child.ffi.typeof(name) is parent.ffi.typeof(name), name
    p = parent.ffi.new("struct pt *", [3, 4])
    assert child.lib.sum(p) == 7
    assert child.lib.unbox(parent.ffi.new("box_t *", [9])[0]) == 9
    h = child.ffi.new("handle_t", [6])
    assert child.lib.count(h) == 6
    assert child.lib.twice is parent.lib.twice
    assert child.lib.twice(21) == 42
    assert child.lib.LIMIT == 12
    parent.lib.counter = 8
    assert child.lib.counter == 8
    child.lib.counter = 9
    assert parent.lib.counter == 9


def test_included_out_of_line_module_types_are_shared(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    parent_ffi = rcffi.FFI()
    parent_ffi.cdef("struct node { int v; struct node *next; };")
    parent = _compile(tmp_path, parent_ffi, "_inc_parent_b", None)
    child_ffi = rcffi.FFI()
    child_ffi.include(parent_ffi)
    child_ffi.cdef("typedef struct node *list_t;")
    child = _compile(tmp_path, child_ffi, "_inc_child_b", None)
    assert child.ffi.typeof("struct node") is parent.ffi.typeof("struct node")
    assert child.ffi.typeof("list_t").item is parent.ffi.typeof("struct node")


def test_a_module_includes_nothing_of_an_unnamed_ffi_but_copies(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    plain = rcffi.FFI()
    plain.cdef("struct q { long a; };")
    child_ffi = rcffi.FFI()
    child_ffi.include(plain)
    child_ffi.cdef("long first(struct q *);")
    child = _compile(tmp_path, child_ffi, "_inc_child_c",
                     "struct q { long a; }; long first(struct q *p) { return p->a; }")
    assert child.lib.first(child.ffi.new("struct q *", [11])) == 11
    assert child.ffi.typeof("struct q") is not plain.typeof("struct q")


def test_a_partial_anonymous_struct_inside_a_named_one_gets_its_layout(tmp_path, monkeypatch):
    monkeypatch.syspath_prepend(str(tmp_path))
    ffi = rcffi.FFI()
    ffi.cdef("struct outer { struct { int b; ...; } in; ...; }; int get_b(struct outer *);")
    module = _compile(tmp_path, ffi, "_inc_anon_d", """
        struct outer { long pad; struct { int a; int b; } in; };
        int get_b(struct outer *o) { return o->in.b; }
    """)
    assert module.ffi.sizeof("struct outer") == 16
    assert module.ffi.offsetof("struct outer", "in") == 8
    inner = module.ffi.typeof("struct outer").fields[0][1].type
    assert module.ffi.sizeof(inner) == 8
    o = module.ffi.new("struct outer *")
    setattr(o, "in", {"b": 33})
    assert module.lib.get_b(o) == 33
