/* Declarations of the benchmark library.
 *
 * This file is both the C header (included by benchlib.c, floor.c and the
 * cffi API-mode module) and the cdef text given to rcffi and cffi, so it must
 * stay plain declarations: no preprocessor lines, no include guards. */

typedef struct { int x, y; } point_t;
enum { BENCH_ANSWER = 42 };

int add(int a, int b);
void noop(void);
long sum6(long a, long b, long c, long d, long e, long f);
double dmul(double a, double b);
size_t bench_strlen(const char *s);
int point_sum(point_t *p);
void sort_copy(int *dst, const int *src, size_t n, int (*cmp)(const void *, const void *));
