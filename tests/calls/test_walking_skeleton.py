"""The end-to-end path of issue #2: parse, lay out, allocate, call."""

from rcffi import FFI


def test_skeleton_runs_through_every_layer():
    ffi = FFI()
    ffi.cdef("""
        size_t strlen(const char *);
        int abs(int);
        typedef struct { int x, y; } point_t;
    """)
    C = ffi.dlopen(None)
    assert C.strlen(b"hello") == 5 and C.abs(-4) == 4
    p = ffi.new("point_t *", [1, 2])
    p.y = 7
    assert (p.x, p.y) == (1, 7) and ffi.sizeof("point_t") == 8


def test_tour_example_runs(capsys):
    import runpy
    from pathlib import Path

    runpy.run_path(str(Path(__file__).parent.parent.parent / "examples" / "tour.py"))
    out = capsys.readouterr().out
    assert "strlen(b'hello')      = 5" in out
    assert "(p.x, p.y)            = (1, 7)" in out
