/* The library every implementation calls into, built as libbenchlib.so.
 * The functions do (almost) nothing, so the figures measure the cost of
 * crossing from Python to C and back. */
#include "benchlib.h"

int add(int a, int b) { return a + b; }

void noop(void) {}
