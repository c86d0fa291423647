/* The C functions behind `_backend._testfunc(n)` for the compatibility run.
 *
 * cffi's backend test file calls `_testfunc(n)` and casts the address it
 * returns to a function type whose signature the test spells out; each
 * function below has the signature its number's test declares.  Written for
 * rcffi's harness, compiled by compat/cffi/run.py at run time.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>

struct char_short { char a1; short a2; };
struct ten_ints { int v[10]; };
struct int_array10 { int a[10]; };
struct two_ints { int a1, a2; };
struct one_double { double a1; };
struct three_ints { int a1, a2, a3; };
struct one_float { float a1; };
struct float_int { float a1; int a2; };
struct two_floats { float a1, a2; };
struct int_float { int a1; float a2; };

static signed char add_schar(signed char x, signed char y) { return (signed char)(x + y); }
static long add_int_long(int x, long y) { return (long)x + y; }
static long long add_llong(long long x, long long y)
{
    return (long long)((unsigned long long)x + (unsigned long long)y);
}
static double add_float_double(float x, double y) { return x + y; }
static float add_float_double_to_float(float x, double y) { return (float)(x + y); }
static void bump_errno(void) { errno += 15; }

static int pointer_result_storage;
static int *pointer_minus_1000(int *p)
{
    pointer_result_storage = *p - 1000;
    return &pointer_result_storage;
}

static short struct_by_value_sum(struct char_short s) { return (short)(s.a1 + s.a2); }

static int sum_of_varargs(int count, ...)
{
    va_list ap;
    int total = 0;
    va_start(ap, count);
    for (int i = 0; i < count; i++)
        total += va_arg(ap, int);
    va_end(ap);
    return total;
}

static struct char_short make_char_short(int n)
{
    struct char_short s = { (char)n, (short)(n * n) };
    return s;
}
static struct two_ints make_two_ints(int n)
{
    struct two_ints s = { n, n * n };
    return s;
}
static struct one_double make_one_double(int n)
{
    struct one_double s = { n };
    return s;
}
static struct three_ints make_three_ints(int n)
{
    struct three_ints s = { n, n * n, n * n * n };
    return s;
}
static struct one_float make_one_float(int n)
{
    struct one_float s = { (float)n };
    return s;
}
static struct float_int make_float_int(int n)
{
    struct float_int s = { (float)n, n * n };
    return s;
}
static struct two_floats make_two_floats(int n)
{
    struct two_floats s = { (float)n, (float)-n };
    return s;
}
static struct int_float make_int_float(int n)
{
    struct int_float s = { n, (float)n * (float)n };
    return s;
}
static int int_float_sum(struct int_float *p) { return p->a1 + (int)p->a2; }

static long double logistic_steps(long double x, int steps)
{
    for (int i = 0; i < steps; i++)
        x = 4 * x - x * x;
    return x;
}

static short struct_pointer_sum(struct char_short *p) { return (short)(p->a1 + p->a2); }

static int shifted_sum(struct ten_ints s)
{
    int total = 0;
    for (int i = 0; i < 10; i++)
        total += s.v[i] << i;
    return total;
}

static struct int_array10 array_difference(struct int_array10 x, struct int_array10 y)
{
    struct int_array10 r;
    for (int i = 0; i < 10; i++)
        r.a[i] = x.a[i] - y.a[i];
    return r;
}

static int first_byte_times_1000(void *p)
{
    return p ? 1000 * *(unsigned char *)p : -42;
}

static float _Complex make_float_complex(float re, float im)
{
    return re + im * 2 * 1.0fi;
}
static double _Complex make_double_complex(double re, double im)
{
    return re + im * 2 * 1.0i;
}

/* Indexed by the test number; NULL where the test suite uses no function.
 * Number 8 is not a function: the suite compares it with libc's `stderr`. */
static void *const table[] = {
    [0] = (void *)add_schar,
    [1] = (void *)add_int_long,
    [2] = (void *)add_llong,
    [3] = (void *)add_float_double,
    [4] = (void *)add_float_double_to_float,
    [5] = (void *)bump_errno,
    [6] = (void *)pointer_minus_1000,
    [7] = (void *)struct_by_value_sum,
    [9] = (void *)sum_of_varargs,
    [10] = (void *)make_char_short,
    [11] = (void *)make_two_ints,
    [12] = (void *)make_one_double,
    [13] = (void *)make_three_ints,
    [14] = (void *)make_one_float,
    [15] = (void *)make_float_int,
    [16] = (void *)make_two_floats,
    [17] = (void *)make_int_float,
    [18] = (void *)int_float_sum,
    [19] = (void *)logistic_steps,
    [20] = (void *)struct_pointer_sum,
    [21] = (void *)shifted_sum,
    [22] = (void *)array_difference,
    [23] = (void *)first_byte_times_1000,
    [24] = (void *)make_float_complex,
    [25] = (void *)make_double_complex,
};

/* The address of test function `n`, or 0 when there is none. */
uintptr_t rcffi_compat_testfunc(int n)
{
    if (n == 8)
        return (uintptr_t)stderr;
    if (n < 0 || n >= (int)(sizeof table / sizeof table[0]))
        return 0;
    return (uintptr_t)table[n];
}
