/* rcffi embedding: what the user's source and the exported functions call */
#define CFFI_DLLEXPORT __attribute__((visibility("default")))
static int _rcffi_embed_start(void);
/* cffi's name: starts Python and runs the init code now; 0 when it worked. */
#define cffi_start_python() _rcffi_embed_start()

/* 0: not started, 1: the init code runs, 2: ready, 3: the init code failed. */
static int _rcffi_embed_state;
static void _rcffi_embed_report(const char *name, const char *why);
static void _rcffi_keep_thread(void);

/* The prologue of every exported function: Python started and the init code
   run (once), and a thread state this thread keeps. */
static inline int _rcffi_embed_enter(const char *name)
{
    if (__builtin_expect(__atomic_load_n(&_rcffi_embed_state, __ATOMIC_ACQUIRE) != 2, 0)
            && _rcffi_embed_start() != 0) {
        _rcffi_embed_report(name, "initialization code failed");
        return -1;
    }
    if (__builtin_expect(PyGILState_GetThisThreadState() == NULL, 0))
        _rcffi_keep_thread();
    return 0;
}

/* Results of the Python function, converted as cffi converts them: an error
   leaves a Python exception set and returns -1. */
static inline int _rcffi_to_signed(PyObject *o, long long lo, long long hi, const char *ctype,
                            long long *out)
{
    long long v = PyLong_AsLongLong(o);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (v < lo || v > hi) {
        PyErr_Format(PyExc_OverflowError, "integer %lld does not fit '%s'", v, ctype);
        return -1;
    }
    *out = v;
    return 0;
}

static inline int _rcffi_to_unsigned(PyObject *o, unsigned long long hi, const char *ctype,
                              unsigned long long *out)
{
    unsigned long long v;
    PyObject *index = PyNumber_Index(o);
    if (index == NULL)
        return -1;
    v = PyLong_AsUnsignedLongLong(index);
    Py_DECREF(index);
    if (v == (unsigned long long)-1 && PyErr_Occurred())
        return -1;
    if (v > hi) {
        PyErr_Format(PyExc_OverflowError, "integer %llu does not fit '%s'", v, ctype);
        return -1;
    }
    *out = v;
    return 0;
}

static inline int _rcffi_to_double(PyObject *o, double *out)
{
    double v = PyFloat_AsDouble(o);
    if (v == -1.0 && PyErr_Occurred())
        return -1;
    *out = v;
    return 0;
}

static inline int _rcffi_to_void(PyObject *o, const char *ctype)
{
    if (o == Py_None)
        return 0;
    PyErr_Format(PyExc_TypeError, "callback with the ctype '%s' must return None", ctype);
    return -1;
}
