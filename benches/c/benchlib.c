/* The library every implementation calls into, built as libbenchlib.so.
 * The functions do (almost) nothing, so the figures measure the cost of
 * crossing from Python to C and back. */
#include <stdlib.h>
#include <string.h>

#include "benchlib.h"

int add(int a, int b) { return a + b; }

void noop(void) {}

long sum6(long a, long b, long c, long d, long e, long f) { return a + b + c + d + e + f; }

double dmul(double a, double b) { return a * b; }

size_t bench_strlen(const char *s) { return strlen(s); }

int point_sum(point_t *p) { return p->x + p->y; }

/* Copies then sorts, so every timed sort starts from the same unsorted data. */
void sort_copy(int *dst, const int *src, size_t n, int (*cmp)(const void *, const void *))
{
    memcpy(dst, src, n * sizeof(int));
    qsort(dst, n, sizeof(int), cmp);
}
