/* Declarations of the benchmark library.
 *
 * This file is both the C header (included by benchlib.c, floor.c and the
 * cffi API-mode module) and the cdef text given to rcffi and cffi, so it must
 * stay plain declarations: no preprocessor lines, no include guards. */

typedef struct { int x, y; } point_t;

int add(int a, int b);
void noop(void);
