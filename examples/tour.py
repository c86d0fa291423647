"""A first tour of rcffi: declare C, call it, and work with C memory.

Run it with `make demo`.
"""

from rcffi import FFI

ffi = FFI()

# Declarations are copied from C headers.
ffi.cdef("""
    size_t strlen(const char *);
    int abs(int);
    double cos(double);
    typedef struct { int x, y; } point_t;
""")

# ABI mode: open a library (None is the C library already in the process)...
C = ffi.dlopen(None)
print("strlen(b'hello')      =", C.strlen(b"hello"))
print("abs(-4)               =", C.abs(-4))
print("cos(0.0)              =", C.cos(0.0))

# ...and C memory: ffi.new() allocates, the returned cdata owns the memory.
p = ffi.new("point_t *", [1, 2])
p.y = 7
print("p                     =", p)
print("(p.x, p.y)            =", (p.x, p.y))
print("sizeof(point_t)       =", ffi.sizeof("point_t"))

# Arrays know their length; char arrays convert to and from bytes.
numbers = ffi.new("int[5]", [10, 20, 30])
print("list(numbers)         =", list(numbers))
name = ffi.new("char[]", b"rcffi")
print("ffi.string(name)      =", ffi.string(name))

# Types are interned C types with the C compiler's layout.
print("typeof('int(*)(int)') =", ffi.typeof("int(*)(int)"))
print("offsetof(point_t, y)  =", ffi.offsetof("point_t", "y"))
