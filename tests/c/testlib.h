/* The rcffi test library's declarations. testlib.c includes this file, and the
   tests give it verbatim to ffi.cdef(): it must stay plain declarations. */

#define T_ANSWER 42
#define T_NEG_CONST -17
#define T_HEX_CONST 0x7fffffff

enum t_color { T_RED, T_GREEN = 5, T_BLUE = -3 };
enum t_uflag { T_FLAG_LOW = 1, T_FLAG_HIGH = 0x80000000 };

/* ---- integers: identity, truncation of a wide value, widening ---------- */
char t_id_char(char);
signed char t_id_schar(signed char);
unsigned char t_id_uchar(unsigned char);
short t_id_short(short);
unsigned short t_id_ushort(unsigned short);
int t_id_int(int);
unsigned int t_id_uint(unsigned int);
long t_id_long(long);
unsigned long t_id_ulong(unsigned long);
long long t_id_llong(long long);
unsigned long long t_id_ullong(unsigned long long);
int8_t t_id_int8(int8_t);
uint8_t t_id_uint8(uint8_t);
int16_t t_id_int16(int16_t);
uint16_t t_id_uint16(uint16_t);
int32_t t_id_int32(int32_t);
uint32_t t_id_uint32(uint32_t);
int64_t t_id_int64(int64_t);
uint64_t t_id_uint64(uint64_t);
_Bool t_id_bool(_Bool);
size_t t_id_size(size_t);
intptr_t t_id_intptr(intptr_t);
enum t_color t_id_color(enum t_color);
enum t_uflag t_id_uflag(enum t_uflag);
float t_id_float(float);
double t_id_double(double);
long double t_id_ldouble(long double);
float _Complex t_id_cfloat(float _Complex);
double _Complex t_id_cdouble(double _Complex);
void *t_id_ptr(void *);

signed char t_trunc_schar(long long);
unsigned char t_trunc_uchar(long long);
short t_trunc_short(long long);
unsigned short t_trunc_ushort(long long);
int t_trunc_int(long long);
unsigned int t_trunc_uint(long long);
int8_t t_trunc_int8(long long);
uint8_t t_trunc_uint8(long long);
int16_t t_trunc_int16(long long);
uint16_t t_trunc_uint16(long long);
_Bool t_nonzero(long long);

long long t_widen_schar(signed char);
long long t_widen_uchar(unsigned char);
long long t_widen_short(short);
long long t_widen_ushort(unsigned short);
long long t_widen_int(int);
long long t_widen_uint(unsigned int);
long long t_widen_bool(_Bool);
double t_widen_float(float);
int t_color_is_blue(enum t_color);

/* ---- floating point ------------------------------------------------------ */
float t_add_float(float, float);
double t_add_double(double, double);
long double t_add_ldouble(long double, long double);
long double t_third_ldouble(void);
int t_is_third_ldouble(long double);
double t_ldouble_to_double(long double);
int t_signbit_double(double);
int t_signbit_float(float);
float _Complex t_mul_cfloat(float _Complex, float _Complex);
double _Complex t_mul_cdouble(double _Complex, double _Complex);
double _Complex t_make_cdouble(double re, double im);
float _Complex t_make_cfloat(float re, float im);
double t_re_cdouble(double _Complex);
double t_im_cdouble(double _Complex);
double t_cdouble_mixed(int a, double _Complex z, float f, float _Complex w);

/* ---- pointers -------------------------------------------------------------- */
int *t_ptr_add(int *p, int n);
long t_ptr_diff(const char *a, const char *b);
int t_sum_ints(const int *p, int n);
double t_sum_doubles(const double *p, int n);
size_t t_strlen(const char *s);
int t_byte_at(const char *s, int i);
const char *t_hello(void);
char *t_null_str(void);
void t_fill(char *buf, int n, int c);
void t_out_int(int *out, int v);
size_t t_wcslen(const wchar_t *s);
long t_wchar_at(const wchar_t *s, int i);
int t_is_null(const void *p);
int t_ptr_ptr_sum(int **pp, int n);

/* ---- argument counts; later arguments weigh more: sum of (i+1)*a_i -------- */
int t_args0(void);
long long t_args1(int);
long long t_args2(int, int);
long long t_args3(int, int, int);
long long t_args4(int, int, int, int);
long long t_args5(int, int, int, int, int);
long long t_args6(int, int, int, int, int, int);
long long t_args7(int, int, int, int, int, int, int);
long long t_args8(int, int, int, int, int, int, int, int);
long long t_args9(int, int, int, int, int, int, int, int, int);
long long t_args10(int, int, int, int, int, int, int, int, int, int);
long long t_args11(int, int, int, int, int, int, int, int, int, int, int);
long long t_args12(int, int, int, int, int, int, int, int, int, int, int, int);
long long t_args13(int, int, int, int, int, int, int, int, int, int, int, int, int);
long long t_args14(int, int, int, int, int, int, int, int, int, int, int, int, int, int);
long long t_args15(int, int, int, int, int, int, int, int, int, int, int, int, int, int, int);
long long t_args16(int, int, int, int, int, int, int, int, int, int, int, int, int, int, int,
                   int);
double t_d10(double, double, double, double, double, double, double, double, double, double);
double t_f12(float, float, float, float, float, float, float, float, float, float, float,
             float);
double t_i8d9(int, int, int, int, int, int, int, int,
              double, double, double, double, double, double, double, double, double);
double t_mixed8(signed char, double, unsigned short, float, long long, int, double, _Bool);
long long t_small_stack(long long, long long, long long, long long, long long, long long,
                        signed char, unsigned char, short, unsigned short, int,
                        unsigned int, _Bool);
double t_ptrs_and_doubles(double, int *, double, const char *, double, int *, double,
                          const char *, double, int *, double);

/* ---- structs by value: t_xf_* adds (k+1) to the k-th scalar, t_sum_* returns
   the sum of (k+1) times the k-th scalar (arrays flattened, in order) ------- */
struct t_s1 { signed char a; };
struct t_s2 { unsigned char a; signed char b; };
struct t_s3 { signed char a, b, c; };
struct t_s4 { short a, b; };
struct t_s4f { float f; };
struct t_s6 { unsigned char a[6]; };
struct t_s8i { int a, b; };
struct t_s8f { float x, y; };
struct t_s8m { int i; float f; };
struct t_s10 { signed char c[10]; };
struct t_s12i { int a, b, c; };
struct t_s12f { float a, b, c; };
struct t_s16d { double x, y; };
struct t_s16m { double d; long long i; };
struct t_s16fi { float f; int i; double d; };
struct t_s20 { int a[5]; };
struct t_s24d { double a, b, c; };
struct t_s32 { long long a; double b; int c; float d; short e[4]; };
struct t_s40 { double d[5]; };
struct t_sbig { int a[20]; signed char tag; };
struct t_inner { short s; signed char c; };
struct t_nested { struct t_s8f p; struct t_inner in; double z; };
struct t_sld { long double x; int tag; };

struct t_s1 t_xf_s1(struct t_s1);
struct t_s2 t_xf_s2(struct t_s2);
struct t_s3 t_xf_s3(struct t_s3);
struct t_s4 t_xf_s4(struct t_s4);
struct t_s4f t_xf_s4f(struct t_s4f);
struct t_s6 t_xf_s6(struct t_s6);
struct t_s8i t_xf_s8i(struct t_s8i);
struct t_s8f t_xf_s8f(struct t_s8f);
struct t_s8m t_xf_s8m(struct t_s8m);
struct t_s10 t_xf_s10(struct t_s10);
struct t_s12i t_xf_s12i(struct t_s12i);
struct t_s12f t_xf_s12f(struct t_s12f);
struct t_s16d t_xf_s16d(struct t_s16d);
struct t_s16m t_xf_s16m(struct t_s16m);
struct t_s16fi t_xf_s16fi(struct t_s16fi);
struct t_s20 t_xf_s20(struct t_s20);
struct t_s24d t_xf_s24d(struct t_s24d);
struct t_s32 t_xf_s32(struct t_s32);
struct t_s40 t_xf_s40(struct t_s40);
struct t_sbig t_xf_sbig(struct t_sbig);
struct t_nested t_xf_nested(struct t_nested);
struct t_sld t_xf_sld(struct t_sld);

double t_sum_s1(struct t_s1);
double t_sum_s2(struct t_s2);
double t_sum_s3(struct t_s3);
double t_sum_s4(struct t_s4);
double t_sum_s4f(struct t_s4f);
double t_sum_s6(struct t_s6);
double t_sum_s8i(struct t_s8i);
double t_sum_s8f(struct t_s8f);
double t_sum_s8m(struct t_s8m);
double t_sum_s10(struct t_s10);
double t_sum_s12i(struct t_s12i);
double t_sum_s12f(struct t_s12f);
double t_sum_s16d(struct t_s16d);
double t_sum_s16m(struct t_s16m);
double t_sum_s16fi(struct t_s16fi);
double t_sum_s20(struct t_s20);
double t_sum_s24d(struct t_s24d);
double t_sum_s32(struct t_s32);
double t_sum_s40(struct t_s40);
double t_sum_sbig(struct t_sbig);
double t_sum_nested(struct t_nested);
double t_sum_sld(struct t_sld);

size_t t_sizeof(const char *struct_name);
int t_sum_s12i_ptr(const struct t_s12i *p);
int t_sum_s12i_array(const struct t_s12i *p, int n);
double t_structs_mixed(int a, struct t_s12i s, double d, struct t_s16d t, struct t_s3 u, int b);
double t_structs_on_stack(long, long, long, long, long, long, struct t_s8i s,
                          double, double, double, double, double, double, double, double,
                          struct t_s16d t, struct t_s12f f);
struct t_s12i t_make_s12i(int a, int b, int c);

/* ---- unions and bitfield structs by value ---------------------------------- */
union t_u4 { int i; float f; };
union t_u8 { double d; long long l; unsigned char b[8]; };
union t_u12 { int a[3]; float f; };
union t_uf { float f; double d; };
union t_u40 { double d[5]; long long l; };
struct t_bf { unsigned int a : 3; int b : 5; unsigned int c : 12; int d; };
struct t_bf2 { unsigned char x : 1; unsigned char y : 7; short z; };

union t_u4 t_xf_u4(union t_u4);            /* i += 1 */
int t_u4_int(union t_u4);
union t_u4 t_u4_from_float(float);
union t_u8 t_xf_u8(union t_u8);            /* l += 1 */
double t_u8_double(union t_u8);
union t_u12 t_xf_u12(union t_u12);         /* a[k] += k+1 */
union t_uf t_xf_uf(union t_uf);            /* d *= 2 */
union t_u40 t_xf_u40(union t_u40);         /* d[k] += k+1 */
struct t_bf t_xf_bf(struct t_bf);          /* a+1, b-1, c+3, d*2 */
int t_sum_bf(struct t_bf);                 /* a + 10*b + 100*c + 1000*d */
struct t_bf2 t_xf_bf2(struct t_bf2);       /* x = !x, y+1, z*3 */

/* ---- global variables ------------------------------------------------------ */
extern int t_global_int;
extern int t_global_array[5];
extern struct t_s12i t_global_struct;
extern double t_global_double;
extern const char *t_global_str;
extern enum t_color t_global_color;
int t_read_global_int(void);
int t_read_global_array(int i);
int t_read_global_struct_sum(void);
double t_read_global_double(void);

/* ---- errno ----------------------------------------------------------------- */
int t_set_errno(int value);
int t_get_errno(void);
int t_set_errno_ld(int value, long double unused);
int t_get_errno_ld(long double unused);
/* Sets errno to `value`, calls `cb(value)`, and returns errno as the callback left it. */
int t_errno_around_cb(int (*cb)(int), int value);

/* ---- function pointers ---------------------------------------------------- */
typedef int (*t_binop)(int, int);
t_binop t_get_op(int which);               /* 0 add, 1 sub, 2 mul, else NULL */
int t_apply_op(t_binop op, int a, int b);
long double (*t_get_ldop(void))(long double, int);
struct t_s12i (*t_get_s12i_maker(void))(int, int, int);

/* ---- variadic ------------------------------------------------------------- */
int t_sum_va(int n, ...);                  /* n ints */
long long t_sum_vll(int n, ...);           /* n long longs */
double t_sum_vd(int n, ...);               /* n doubles */
double t_va_mixed(const char *types, ...); /* weighted sum, see testlib.c */

/* ---- callbacks ------------------------------------------------------------ */
typedef int (*t_int_cb)(int, void *);
int t_call_n(t_int_cb cb, void *user, int n);
int t_call_in_thread(t_int_cb cb, void *user, int n);
int t_call_in_threads(t_int_cb cb, void *user, int nthreads, int n);
int t_wait_flag(volatile int *flag, int timeout_ms);
int t_wait_flag_ld(volatile int *flag, int timeout_ms, long double unused);

signed char t_cb_schar(signed char (*cb)(signed char), signed char);
unsigned char t_cb_uchar(unsigned char (*cb)(unsigned char), unsigned char);
char t_cb_char(char (*cb)(char), char);
short t_cb_short(short (*cb)(short), short);
unsigned short t_cb_ushort(unsigned short (*cb)(unsigned short), unsigned short);
int t_cb_int(int (*cb)(int), int);
unsigned int t_cb_uint(unsigned int (*cb)(unsigned int), unsigned int);
long t_cb_long(long (*cb)(long), long);
unsigned long t_cb_ulong(unsigned long (*cb)(unsigned long), unsigned long);
long long t_cb_llong(long long (*cb)(long long), long long);
unsigned long long t_cb_ullong(unsigned long long (*cb)(unsigned long long),
                               unsigned long long);
int8_t t_cb_int8(int8_t (*cb)(int8_t), int8_t);
uint8_t t_cb_uint8(uint8_t (*cb)(uint8_t), uint8_t);
int16_t t_cb_int16(int16_t (*cb)(int16_t), int16_t);
uint16_t t_cb_uint16(uint16_t (*cb)(uint16_t), uint16_t);
int32_t t_cb_int32(int32_t (*cb)(int32_t), int32_t);
uint32_t t_cb_uint32(uint32_t (*cb)(uint32_t), uint32_t);
int64_t t_cb_int64(int64_t (*cb)(int64_t), int64_t);
uint64_t t_cb_uint64(uint64_t (*cb)(uint64_t), uint64_t);
_Bool t_cb_bool(_Bool (*cb)(_Bool), _Bool);
size_t t_cb_size(size_t (*cb)(size_t), size_t);
enum t_color t_cb_color(enum t_color (*cb)(enum t_color), enum t_color);
float t_cb_float(float (*cb)(float), float);
double t_cb_double(double (*cb)(double), double);
long double t_cb_ldouble(long double (*cb)(long double), long double);
float _Complex t_cb_cfloat(float _Complex (*cb)(float _Complex), float _Complex);
double _Complex t_cb_cdouble(double _Complex (*cb)(double _Complex), double _Complex);
void *t_cb_ptr(void *(*cb)(void *), void *);
int t_cb_str(int (*cb)(const char *), const char *);
void t_cb_void(void (*cb)(int), int);
int t_cb_noargs(int (*cb)(void));
double t_cb_args16(double (*cb)(int, double, signed char, float, long long, double,
                                unsigned short, double, int, double, int, double, int,
                                double, int, double));
struct t_s3 t_cb_s3(struct t_s3 (*cb)(struct t_s3), struct t_s3);
struct t_s8f t_cb_s8f(struct t_s8f (*cb)(struct t_s8f), struct t_s8f);
struct t_s12i t_cb_s12i(struct t_s12i (*cb)(struct t_s12i, int), struct t_s12i, int);
struct t_s16m t_cb_s16m(struct t_s16m (*cb)(struct t_s16m), struct t_s16m);
struct t_s40 t_cb_s40(struct t_s40 (*cb)(struct t_s40), struct t_s40);
double t_cb_sum_s16d(double (*cb)(struct t_s16d), struct t_s16d);
