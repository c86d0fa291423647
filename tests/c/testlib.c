/* The rcffi test library: every argument and result kind of ABI-mode calls and
   callbacks. The test suite compiles it once per session (tests/conftest.py). */

#include <complex.h>
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <time.h>
#include <wchar.h>

#include "testlib.h"

/* ---- integers ------------------------------------------------------------ */

#define ID(name, T) T t_id_##name(T x) { return x; }
ID(char, char)
ID(schar, signed char)
ID(uchar, unsigned char)
ID(short, short)
ID(ushort, unsigned short)
ID(int, int)
ID(uint, unsigned int)
ID(long, long)
ID(ulong, unsigned long)
ID(llong, long long)
ID(ullong, unsigned long long)
ID(int8, int8_t)
ID(uint8, uint8_t)
ID(int16, int16_t)
ID(uint16, uint16_t)
ID(int32, int32_t)
ID(uint32, uint32_t)
ID(int64, int64_t)
ID(uint64, uint64_t)
ID(bool, _Bool)
ID(size, size_t)
ID(intptr, intptr_t)
ID(color, enum t_color)
ID(uflag, enum t_uflag)
ID(float, float)
ID(double, double)
ID(ldouble, long double)
ID(cfloat, float _Complex)
ID(cdouble, double _Complex)
ID(ptr, void *)

/* The conversion happens in the callee: the upper bits of the result register
   are whatever the computation left there. */
#define TRUNC(name, T) T t_trunc_##name(long long x) { return (T)x; }
TRUNC(schar, signed char)
TRUNC(uchar, unsigned char)
TRUNC(short, short)
TRUNC(ushort, unsigned short)
TRUNC(int, int)
TRUNC(uint, unsigned int)
TRUNC(int8, int8_t)
TRUNC(uint8, uint8_t)
TRUNC(int16, int16_t)
TRUNC(uint16, uint16_t)
_Bool t_nonzero(long long x) { return x != 0; }

#define WIDEN(name, T) long long t_widen_##name(T x) { return (long long)x; }
WIDEN(schar, signed char)
WIDEN(uchar, unsigned char)
WIDEN(short, short)
WIDEN(ushort, unsigned short)
WIDEN(int, int)
WIDEN(uint, unsigned int)
WIDEN(bool, _Bool)
double t_widen_float(float x) { return x; }
int t_color_is_blue(enum t_color c) { return c == T_BLUE; }

/* ---- floating point ------------------------------------------------------ */

float t_add_float(float a, float b) { return a + b; }
double t_add_double(double a, double b) { return a + b; }
long double t_add_ldouble(long double a, long double b) { return a + b; }
long double t_third_ldouble(void) { return 1.0L / 3.0L; }
int t_is_third_ldouble(long double x) { return x == 1.0L / 3.0L; }
double t_ldouble_to_double(long double x) { return (double)x; }
int t_signbit_double(double x) { return __builtin_signbit(x) != 0; }
int t_signbit_float(float x) { return __builtin_signbit(x) != 0; }
float _Complex t_mul_cfloat(float _Complex a, float _Complex b) { return a * b; }
double _Complex t_mul_cdouble(double _Complex a, double _Complex b) { return a * b; }
double _Complex t_make_cdouble(double re, double im) { return CMPLX(re, im); }
float _Complex t_make_cfloat(float re, float im) { return CMPLXF(re, im); }
double t_re_cdouble(double _Complex z) { return creal(z); }
double t_im_cdouble(double _Complex z) { return cimag(z); }
double t_cdouble_mixed(int a, double _Complex z, float f, float _Complex w)
{
    return a + 2 * creal(z) + 3 * cimag(z) + 4 * f + 5 * crealf(w) + 6 * cimagf(w);
}

/* ---- pointers -------------------------------------------------------------- */

int *t_ptr_add(int *p, int n) { return p + n; }
long t_ptr_diff(const char *a, const char *b) { return (long)(a - b); }
int t_sum_ints(const int *p, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += p[i];
    return s;
}
double t_sum_doubles(const double *p, int n)
{
    double s = 0;
    for (int i = 0; i < n; i++)
        s += p[i];
    return s;
}
size_t t_strlen(const char *s) { return strlen(s); }
int t_byte_at(const char *s, int i) { return (unsigned char)s[i]; }
const char *t_hello(void) { return "hello, world"; }
char *t_null_str(void) { return NULL; }
void t_fill(char *buf, int n, int c) { memset(buf, c, (size_t)n); }
void t_out_int(int *out, int v) { *out = v; }
size_t t_wcslen(const wchar_t *s) { return wcslen(s); }
long t_wchar_at(const wchar_t *s, int i) { return (long)s[i]; }
int t_is_null(const void *p) { return p == NULL; }
int t_ptr_ptr_sum(int **pp, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += *pp[i];
    return s;
}

/* ---- argument counts -------------------------------------------------------- */

int t_args0(void) { return 4242; }
long long t_args1(int a) { return a; }
long long t_args2(int a, int b) { return a + 2LL * b; }
long long t_args3(int a, int b, int c) { return t_args2(a, b) + 3LL * c; }
long long t_args4(int a, int b, int c, int d) { return t_args3(a, b, c) + 4LL * d; }
long long t_args5(int a, int b, int c, int d, int e) { return t_args4(a, b, c, d) + 5LL * e; }
long long t_args6(int a, int b, int c, int d, int e, int f)
{
    return t_args5(a, b, c, d, e) + 6LL * f;
}
long long t_args7(int a, int b, int c, int d, int e, int f, int g)
{
    return t_args6(a, b, c, d, e, f) + 7LL * g;
}
long long t_args8(int a, int b, int c, int d, int e, int f, int g, int h)
{
    return t_args7(a, b, c, d, e, f, g) + 8LL * h;
}
long long t_args9(int a, int b, int c, int d, int e, int f, int g, int h, int i)
{
    return t_args8(a, b, c, d, e, f, g, h) + 9LL * i;
}
long long t_args10(int a, int b, int c, int d, int e, int f, int g, int h, int i, int j)
{
    return t_args9(a, b, c, d, e, f, g, h, i) + 10LL * j;
}
long long t_args11(int a, int b, int c, int d, int e, int f, int g, int h, int i, int j, int k)
{
    return t_args10(a, b, c, d, e, f, g, h, i, j) + 11LL * k;
}
long long t_args12(int a, int b, int c, int d, int e, int f, int g, int h, int i, int j, int k,
                   int l)
{
    return t_args11(a, b, c, d, e, f, g, h, i, j, k) + 12LL * l;
}
long long t_args13(int a, int b, int c, int d, int e, int f, int g, int h, int i, int j, int k,
                   int l, int m)
{
    return t_args12(a, b, c, d, e, f, g, h, i, j, k, l) + 13LL * m;
}
long long t_args14(int a, int b, int c, int d, int e, int f, int g, int h, int i, int j, int k,
                   int l, int m, int n)
{
    return t_args13(a, b, c, d, e, f, g, h, i, j, k, l, m) + 14LL * n;
}
long long t_args15(int a, int b, int c, int d, int e, int f, int g, int h, int i, int j, int k,
                   int l, int m, int n, int o)
{
    return t_args14(a, b, c, d, e, f, g, h, i, j, k, l, m, n) + 15LL * o;
}
long long t_args16(int a, int b, int c, int d, int e, int f, int g, int h, int i, int j, int k,
                   int l, int m, int n, int o, int p)
{
    return t_args15(a, b, c, d, e, f, g, h, i, j, k, l, m, n, o) + 16LL * p;
}

double t_d10(double a, double b, double c, double d, double e, double f, double g, double h,
             double i, double j)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7 * g + 8 * h + 9 * i + 10 * j;
}
double t_f12(float a, float b, float c, float d, float e, float f, float g, float h, float i,
             float j, float k, float l)
{
    return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 8.0 * h + 9.0 * i +
           10.0 * j + 11.0 * k + 12.0 * l;
}
double t_i8d9(int a, int b, int c, int d, int e, int f, int g, int h, double i, double j,
              double k, double l, double m, double n, double o, double p, double q)
{
    return a + 2.0 * b + 3.0 * c + 4.0 * d + 5.0 * e + 6.0 * f + 7.0 * g + 8.0 * h + 9 * i +
           10 * j + 11 * k + 12 * l + 13 * m + 14 * n + 15 * o + 16 * p + 17 * q;
}
double t_mixed8(signed char a, double b, unsigned short c, float d, long long e, int f,
                double g, _Bool h)
{
    return a + 2 * b + 3.0 * c + 4.0 * d + 5.0 * (double)e + 6.0 * f + 7 * g + 8.0 * h;
}
long long t_small_stack(long long a, long long b, long long c, long long d, long long e,
                        long long f, signed char g, unsigned char h, short i,
                        unsigned short j, int k, unsigned int l, _Bool m)
{
    return a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f + 7LL * g + 8LL * h + 9LL * i +
           10LL * j + 11LL * k + 12LL * l + 13LL * m;
}
double t_ptrs_and_doubles(double a, int *b, double c, const char *d, double e, int *f,
                          double g, const char *h, double i, int *j, double k)
{
    return a + 2.0 * *b + 3 * c + 4.0 * (double)strlen(d) + 5 * e + 6.0 * *f + 7 * g +
           8.0 * (double)strlen(h) + 9 * i + 10.0 * *j + 11 * k;
}

/* ---- structs by value -------------------------------------------------------- */

#define XF1(f, k) v.f += (k);
#define SUM1(f, k) s += (double)(k) * (double)v.f;

struct t_s1 t_xf_s1(struct t_s1 v) { XF1(a, 1) return v; }
struct t_s2 t_xf_s2(struct t_s2 v) { XF1(a, 1) XF1(b, 2) return v; }
struct t_s3 t_xf_s3(struct t_s3 v) { XF1(a, 1) XF1(b, 2) XF1(c, 3) return v; }
struct t_s4 t_xf_s4(struct t_s4 v) { XF1(a, 1) XF1(b, 2) return v; }
struct t_s4f t_xf_s4f(struct t_s4f v) { XF1(f, 1) return v; }
struct t_s6 t_xf_s6(struct t_s6 v)
{
    for (int k = 0; k < 6; k++)
        v.a[k] += k + 1;
    return v;
}
struct t_s8i t_xf_s8i(struct t_s8i v) { XF1(a, 1) XF1(b, 2) return v; }
struct t_s8f t_xf_s8f(struct t_s8f v) { XF1(x, 1) XF1(y, 2) return v; }
struct t_s8m t_xf_s8m(struct t_s8m v) { XF1(i, 1) XF1(f, 2) return v; }
struct t_s10 t_xf_s10(struct t_s10 v)
{
    for (int k = 0; k < 10; k++)
        v.c[k] += k + 1;
    return v;
}
struct t_s12i t_xf_s12i(struct t_s12i v) { XF1(a, 1) XF1(b, 2) XF1(c, 3) return v; }
struct t_s12f t_xf_s12f(struct t_s12f v) { XF1(a, 1) XF1(b, 2) XF1(c, 3) return v; }
struct t_s16d t_xf_s16d(struct t_s16d v) { XF1(x, 1) XF1(y, 2) return v; }
struct t_s16m t_xf_s16m(struct t_s16m v) { XF1(d, 1) XF1(i, 2) return v; }
struct t_s16fi t_xf_s16fi(struct t_s16fi v) { XF1(f, 1) XF1(i, 2) XF1(d, 3) return v; }
struct t_s20 t_xf_s20(struct t_s20 v)
{
    for (int k = 0; k < 5; k++)
        v.a[k] += k + 1;
    return v;
}
struct t_s24d t_xf_s24d(struct t_s24d v) { XF1(a, 1) XF1(b, 2) XF1(c, 3) return v; }
struct t_s32 t_xf_s32(struct t_s32 v)
{
    XF1(a, 1) XF1(b, 2) XF1(c, 3) XF1(d, 4)
    for (int k = 0; k < 4; k++)
        v.e[k] += k + 5;
    return v;
}
struct t_s40 t_xf_s40(struct t_s40 v)
{
    for (int k = 0; k < 5; k++)
        v.d[k] += k + 1;
    return v;
}
struct t_sbig t_xf_sbig(struct t_sbig v)
{
    for (int k = 0; k < 20; k++)
        v.a[k] += k + 1;
    v.tag += 21;
    return v;
}
struct t_nested t_xf_nested(struct t_nested v)
{
    XF1(p.x, 1) XF1(p.y, 2) XF1(in.s, 3) XF1(in.c, 4) XF1(z, 5)
    return v;
}
struct t_sld t_xf_sld(struct t_sld v) { XF1(x, 1) XF1(tag, 2) return v; }

double t_sum_s1(struct t_s1 v) { double s = 0; SUM1(a, 1) return s; }
double t_sum_s2(struct t_s2 v) { double s = 0; SUM1(a, 1) SUM1(b, 2) return s; }
double t_sum_s3(struct t_s3 v) { double s = 0; SUM1(a, 1) SUM1(b, 2) SUM1(c, 3) return s; }
double t_sum_s4(struct t_s4 v) { double s = 0; SUM1(a, 1) SUM1(b, 2) return s; }
double t_sum_s4f(struct t_s4f v) { double s = 0; SUM1(f, 1) return s; }
double t_sum_s6(struct t_s6 v)
{
    double s = 0;
    for (int k = 0; k < 6; k++)
        s += (k + 1) * (double)v.a[k];
    return s;
}
double t_sum_s8i(struct t_s8i v) { double s = 0; SUM1(a, 1) SUM1(b, 2) return s; }
double t_sum_s8f(struct t_s8f v) { double s = 0; SUM1(x, 1) SUM1(y, 2) return s; }
double t_sum_s8m(struct t_s8m v) { double s = 0; SUM1(i, 1) SUM1(f, 2) return s; }
double t_sum_s10(struct t_s10 v)
{
    double s = 0;
    for (int k = 0; k < 10; k++)
        s += (k + 1) * (double)v.c[k];
    return s;
}
double t_sum_s12i(struct t_s12i v) { double s = 0; SUM1(a, 1) SUM1(b, 2) SUM1(c, 3) return s; }
double t_sum_s12f(struct t_s12f v) { double s = 0; SUM1(a, 1) SUM1(b, 2) SUM1(c, 3) return s; }
double t_sum_s16d(struct t_s16d v) { double s = 0; SUM1(x, 1) SUM1(y, 2) return s; }
double t_sum_s16m(struct t_s16m v) { double s = 0; SUM1(d, 1) SUM1(i, 2) return s; }
double t_sum_s16fi(struct t_s16fi v)
{
    double s = 0;
    SUM1(f, 1) SUM1(i, 2) SUM1(d, 3)
    return s;
}
double t_sum_s20(struct t_s20 v)
{
    double s = 0;
    for (int k = 0; k < 5; k++)
        s += (k + 1) * (double)v.a[k];
    return s;
}
double t_sum_s24d(struct t_s24d v) { double s = 0; SUM1(a, 1) SUM1(b, 2) SUM1(c, 3) return s; }
double t_sum_s32(struct t_s32 v)
{
    double s = 0;
    SUM1(a, 1) SUM1(b, 2) SUM1(c, 3) SUM1(d, 4)
    for (int k = 0; k < 4; k++)
        s += (k + 5) * (double)v.e[k];
    return s;
}
double t_sum_s40(struct t_s40 v)
{
    double s = 0;
    for (int k = 0; k < 5; k++)
        s += (k + 1) * v.d[k];
    return s;
}
double t_sum_sbig(struct t_sbig v)
{
    double s = 0;
    for (int k = 0; k < 20; k++)
        s += (k + 1) * (double)v.a[k];
    SUM1(tag, 21)
    return s;
}
double t_sum_nested(struct t_nested v)
{
    double s = 0;
    SUM1(p.x, 1) SUM1(p.y, 2) SUM1(in.s, 3) SUM1(in.c, 4) SUM1(z, 5)
    return s;
}
double t_sum_sld(struct t_sld v) { double s = 0; SUM1(x, 1) SUM1(tag, 2) return s; }

size_t t_sizeof(const char *name)
{
#define SZ(tag) if (strcmp(name, #tag) == 0) return sizeof(struct tag);
    SZ(t_s1) SZ(t_s2) SZ(t_s3) SZ(t_s4) SZ(t_s4f) SZ(t_s6) SZ(t_s8i) SZ(t_s8f) SZ(t_s8m)
    SZ(t_s10) SZ(t_s12i) SZ(t_s12f) SZ(t_s16d) SZ(t_s16m) SZ(t_s16fi) SZ(t_s20) SZ(t_s24d)
    SZ(t_s32) SZ(t_s40) SZ(t_sbig) SZ(t_inner) SZ(t_nested) SZ(t_sld) SZ(t_bf) SZ(t_bf2)
#undef SZ
    if (strcmp(name, "t_u4") == 0) return sizeof(union t_u4);
    if (strcmp(name, "t_u8") == 0) return sizeof(union t_u8);
    if (strcmp(name, "t_u12") == 0) return sizeof(union t_u12);
    if (strcmp(name, "t_uf") == 0) return sizeof(union t_uf);
    if (strcmp(name, "t_u40") == 0) return sizeof(union t_u40);
    return 0;
}
int t_sum_s12i_ptr(const struct t_s12i *p) { return p->a + 2 * p->b + 3 * p->c; }
int t_sum_s12i_array(const struct t_s12i *p, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += t_sum_s12i_ptr(&p[i]);
    return s;
}
double t_structs_mixed(int a, struct t_s12i s, double d, struct t_s16d t, struct t_s3 u, int b)
{
    return a + 2 * t_sum_s12i(s) + 3 * d + 4 * t_sum_s16d(t) + 5 * t_sum_s3(u) + 6.0 * b;
}
double t_structs_on_stack(long a, long b, long c, long d, long e, long f, struct t_s8i s,
                          double g, double h, double i, double j, double k, double l,
                          double m, double n, struct t_s16d t, struct t_s12f u)
{
    return (double)(a + 2 * b + 3 * c + 4 * d + 5 * e + 6 * f) + 7 * t_sum_s8i(s) + g +
           2 * h + 3 * i + 4 * j + 5 * k + 6 * l + 7 * m + 8 * n + 9 * t_sum_s16d(t) +
           10 * t_sum_s12f(u);
}
struct t_s12i t_make_s12i(int a, int b, int c)
{
    struct t_s12i v = { a, b, c };
    return v;
}

/* ---- unions and bitfield structs ---------------------------------------------- */

union t_u4 t_xf_u4(union t_u4 u) { u.i += 1; return u; }
int t_u4_int(union t_u4 u) { return u.i; }
union t_u4 t_u4_from_float(float f) { union t_u4 u; u.f = f; return u; }
union t_u8 t_xf_u8(union t_u8 u) { u.l += 1; return u; }
double t_u8_double(union t_u8 u) { return u.d; }
union t_u12 t_xf_u12(union t_u12 u)
{
    for (int k = 0; k < 3; k++)
        u.a[k] += k + 1;
    return u;
}
union t_uf t_xf_uf(union t_uf u) { u.d *= 2; return u; }
union t_u40 t_xf_u40(union t_u40 u)
{
    for (int k = 0; k < 5; k++)
        u.d[k] += k + 1;
    return u;
}
struct t_bf t_xf_bf(struct t_bf v)
{
    v.a += 1;
    v.b -= 1;
    v.c += 3;
    v.d *= 2;
    return v;
}
int t_sum_bf(struct t_bf v) { return (int)v.a + 10 * v.b + 100 * (int)v.c + 1000 * v.d; }
struct t_bf2 t_xf_bf2(struct t_bf2 v)
{
    v.x = !v.x;
    v.y += 1;
    v.z *= 3;
    return v;
}

/* ---- global variables ------------------------------------------------------------ */

int t_global_int = 42;
int t_global_array[5] = { 10, 20, 30, 40, 50 };
struct t_s12i t_global_struct = { 7, 8, 9 };
double t_global_double = 2.5;
const char *t_global_str = "global string";
enum t_color t_global_color = T_GREEN;
int t_read_global_int(void) { return t_global_int; }
int t_read_global_array(int i) { return t_global_array[i]; }
int t_read_global_struct_sum(void) { return t_sum_s12i_ptr(&t_global_struct); }
double t_read_global_double(void) { return t_global_double; }

/* ---- errno ---------------------------------------------------------------------- */

int t_set_errno(int value) { errno = value; return -1; }
int t_get_errno(void) { return errno; }
int t_set_errno_ld(int value, long double unused) { (void)unused; errno = value; return -1; }
int t_get_errno_ld(long double unused) { (void)unused; return errno; }
int t_errno_around_cb(int (*cb)(int), int value)
{
    errno = value;
    cb(value);
    return errno;
}

/* ---- function pointers ------------------------------------------------------------ */

static int op_add(int a, int b) { return a + b; }
static int op_sub(int a, int b) { return a - b; }
static int op_mul(int a, int b) { return a * b; }
t_binop t_get_op(int which)
{
    switch (which) {
    case 0: return op_add;
    case 1: return op_sub;
    case 2: return op_mul;
    default: return NULL;
    }
}
int t_apply_op(t_binop op, int a, int b) { return op(a, b); }
static long double ld_scale(long double x, int k) { return x * k; }
long double (*t_get_ldop(void))(long double, int) { return ld_scale; }
struct t_s12i (*t_get_s12i_maker(void))(int, int, int) { return t_make_s12i; }

/* ---- variadic ----------------------------------------------------------------------- */

int t_sum_va(int n, ...)
{
    va_list ap;
    int s = 0;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        s += (i + 1) * va_arg(ap, int);
    va_end(ap);
    return s;
}
long long t_sum_vll(int n, ...)
{
    va_list ap;
    long long s = 0;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        s += (i + 1) * va_arg(ap, long long);
    va_end(ap);
    return s;
}
double t_sum_vd(int n, ...)
{
    va_list ap;
    double s = 0;
    va_start(ap, n);
    for (int i = 0; i < n; i++)
        s += (i + 1) * va_arg(ap, double);
    va_end(ap);
    return s;
}
/* One letter per argument: i int, u unsigned, l long, L long long, d double,
   p int * (its target counts), s char * (its length counts); the result is the
   sum of (position+1) * value. */
double t_va_mixed(const char *types, ...)
{
    va_list ap;
    double s = 0;
    va_start(ap, types);
    for (int i = 0; types[i]; i++) {
        double v = 0;
        switch (types[i]) {
        case 'i': v = va_arg(ap, int); break;
        case 'u': v = va_arg(ap, unsigned int); break;
        case 'l': v = (double)va_arg(ap, long); break;
        case 'L': v = (double)va_arg(ap, long long); break;
        case 'd': v = va_arg(ap, double); break;
        case 'p': v = *va_arg(ap, int *); break;
        case 's': v = (double)strlen(va_arg(ap, char *)); break;
        }
        s += (i + 1) * v;
    }
    va_end(ap);
    return s;
}

/* ---- callbacks ------------------------------------------------------------------------ */

int t_call_n(t_int_cb cb, void *user, int n)
{
    int s = 0;
    for (int i = 0; i < n; i++)
        s += cb(i, user);
    return s;
}

struct call_job {
    t_int_cb cb;
    void *user;
    int n;
    int result;
};

static void *call_job_run(void *arg)
{
    struct call_job *job = arg;
    job->result = t_call_n(job->cb, job->user, job->n);
    return NULL;
}

int t_call_in_thread(t_int_cb cb, void *user, int n)
{
    struct call_job job = { cb, user, n, 0 };
    pthread_t th;
    if (pthread_create(&th, NULL, call_job_run, &job) != 0)
        return -1;
    pthread_join(th, NULL);
    return job.result;
}

int t_call_in_threads(t_int_cb cb, void *user, int nthreads, int n)
{
    struct call_job jobs[16];
    pthread_t th[16];
    int s = 0;
    if (nthreads > 16)
        return -1;
    for (int i = 0; i < nthreads; i++) {
        jobs[i].cb = cb;
        jobs[i].user = user;
        jobs[i].n = n;
        jobs[i].result = 0;
        if (pthread_create(&th[i], NULL, call_job_run, &jobs[i]) != 0)
            return -1;
    }
    for (int i = 0; i < nthreads; i++) {
        pthread_join(th[i], NULL);
        s += jobs[i].result;
    }
    return s;
}

int t_wait_flag(volatile int *flag, int timeout_ms)
{
    struct timespec step = { 0, 1000000 };
    for (int waited = 0; waited < timeout_ms; waited++) {
        if (*flag)
            return 1;
        nanosleep(&step, NULL);
    }
    return *flag != 0;
}
int t_wait_flag_ld(volatile int *flag, int timeout_ms, long double unused)
{
    (void)unused;
    return t_wait_flag(flag, timeout_ms);
}

#define CB(name, T) T t_cb_##name(T (*cb)(T), T x) { return cb(x); }
CB(schar, signed char)
CB(uchar, unsigned char)
CB(char, char)
CB(short, short)
CB(ushort, unsigned short)
CB(int, int)
CB(uint, unsigned int)
CB(long, long)
CB(ulong, unsigned long)
CB(llong, long long)
CB(ullong, unsigned long long)
CB(int8, int8_t)
CB(uint8, uint8_t)
CB(int16, int16_t)
CB(uint16, uint16_t)
CB(int32, int32_t)
CB(uint32, uint32_t)
CB(int64, int64_t)
CB(uint64, uint64_t)
CB(bool, _Bool)
CB(size, size_t)
CB(color, enum t_color)
CB(float, float)
CB(double, double)
CB(ldouble, long double)
CB(cfloat, float _Complex)
CB(cdouble, double _Complex)
CB(ptr, void *)
int t_cb_str(int (*cb)(const char *), const char *s) { return cb(s); }
void t_cb_void(void (*cb)(int), int x) { cb(x); }
int t_cb_noargs(int (*cb)(void)) { return cb(); }
double t_cb_args16(double (*cb)(int, double, signed char, float, long long, double,
                                unsigned short, double, int, double, int, double, int,
                                double, int, double))
{
    return cb(1, 2.5, -3, 4.5f, -5000000000LL, 6.5, 65535, 8.5, 9, 10.5, 11, 12.5, 13, 14.5,
              -15, 16.5);
}
struct t_s3 t_cb_s3(struct t_s3 (*cb)(struct t_s3), struct t_s3 v) { return cb(v); }
struct t_s8f t_cb_s8f(struct t_s8f (*cb)(struct t_s8f), struct t_s8f v) { return cb(v); }
struct t_s12i t_cb_s12i(struct t_s12i (*cb)(struct t_s12i, int), struct t_s12i v, int k)
{
    return cb(v, k);
}
struct t_s16m t_cb_s16m(struct t_s16m (*cb)(struct t_s16m), struct t_s16m v) { return cb(v); }
struct t_s40 t_cb_s40(struct t_s40 (*cb)(struct t_s40), struct t_s40 v) { return cb(v); }
double t_cb_sum_s16d(double (*cb)(struct t_s16d), struct t_s16d v) { return cb(v); }
