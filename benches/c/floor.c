/* _benchfloor: the hand-written CPython extension that is the floor of the
 * benchmark, i.e. the least work a binding can do for each operation.
 *
 * Calls use METH_FASTCALL / METH_NOARGS and check their arguments the way a
 * real binding must (arity, int conversion, range of a C int).  Each call
 * exists twice: `add`/`noop` release the GIL around the C call, as rcffi and
 * cffi do, and `add_gil`/`noop_gil` keep it.  `Point` is a minimal extension
 * type holding a point_t, with member getters for its int fields: reading
 * `p.x` is the floor for field access, calling `Point()` the floor for
 * allocating a struct. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <structmember.h>
#include <limits.h>
#include <stddef.h>

#include "benchlib.h"

/* Convert a Python int to a C int, raising OverflowError out of range.
 * Returns 0 on success, -1 with an exception set. */
static int
as_c_int(PyObject *obj, int *out)
{
    long v = PyLong_AsLong(obj);
    if (v == -1 && PyErr_Occurred())
        return -1;
    if (v < INT_MIN || v > INT_MAX) {
        PyErr_SetString(PyExc_OverflowError, "integer out of range for 'int'");
        return -1;
    }
    *out = (int)v;
    return 0;
}

/* Unpack the two int arguments of add(). */
static int
add_args(PyObject *const *args, Py_ssize_t nargs, int *a, int *b)
{
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "add() takes 2 arguments (%zd given)", nargs);
        return -1;
    }
    if (as_c_int(args[0], a) < 0 || as_c_int(args[1], b) < 0)
        return -1;
    return 0;
}

static PyObject *
floor_add(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    int a, b, r;
    if (add_args(args, nargs, &a, &b) < 0)
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    r = add(a, b);
    Py_END_ALLOW_THREADS
    return PyLong_FromLong(r);
}

static PyObject *
floor_add_gil(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    int a, b;
    if (add_args(args, nargs, &a, &b) < 0)
        return NULL;
    return PyLong_FromLong(add(a, b));
}

static PyObject *
floor_noop(PyObject *self, PyObject *unused)
{
    Py_BEGIN_ALLOW_THREADS
    noop();
    Py_END_ALLOW_THREADS
    Py_RETURN_NONE;
}

static PyObject *
floor_noop_gil(PyObject *self, PyObject *unused)
{
    noop();
    Py_RETURN_NONE;
}

static PyObject *
floor_sum6(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    long v[6], r;
    if (nargs != 6) {
        PyErr_Format(PyExc_TypeError, "sum6() takes 6 arguments (%zd given)", nargs);
        return NULL;
    }
    for (int i = 0; i < 6; i++) {
        v[i] = PyLong_AsLong(args[i]);
        if (v[i] == -1 && PyErr_Occurred())
            return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    r = sum6(v[0], v[1], v[2], v[3], v[4], v[5]);
    Py_END_ALLOW_THREADS
    return PyLong_FromLong(r);
}

static PyObject *
floor_dmul(PyObject *self, PyObject *const *args, Py_ssize_t nargs)
{
    double a, b, r;
    if (nargs != 2) {
        PyErr_Format(PyExc_TypeError, "dmul() takes 2 arguments (%zd given)", nargs);
        return NULL;
    }
    a = PyFloat_AsDouble(args[0]);
    if (a == -1.0 && PyErr_Occurred())
        return NULL;
    b = PyFloat_AsDouble(args[1]);
    if (b == -1.0 && PyErr_Occurred())
        return NULL;
    Py_BEGIN_ALLOW_THREADS
    r = dmul(a, b);
    Py_END_ALLOW_THREADS
    return PyFloat_FromDouble(r);
}

static PyObject *
floor_strlen(PyObject *self, PyObject *arg)
{
    const char *s;
    size_t r;
    if (!PyBytes_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "bench_strlen() takes bytes");
        return NULL;
    }
    s = PyBytes_AS_STRING(arg);
    Py_BEGIN_ALLOW_THREADS
    r = bench_strlen(s);
    Py_END_ALLOW_THREADS
    return PyLong_FromSize_t(r);
}

typedef struct {
    PyObject_HEAD
    point_t pt;
} PointObject;

static PyTypeObject PointType;

static PyObject *
floor_point_sum(PyObject *self, PyObject *arg)
{
    int r;
    if (!PyObject_TypeCheck(arg, &PointType)) {
        PyErr_SetString(PyExc_TypeError, "point_sum() takes a Point");
        return NULL;
    }
    Py_BEGIN_ALLOW_THREADS
    r = point_sum(&((PointObject *)arg)->pt);
    Py_END_ALLOW_THREADS
    return PyLong_FromLong(r);
}

static PyMemberDef point_members[] = {
    {"x", T_INT, offsetof(PointObject, pt.x), 0, "x field of the point_t"},
    {"y", T_INT, offsetof(PointObject, pt.y), 0, "y field of the point_t"},
    {NULL, 0, 0, 0, NULL},
};

/* PyType_GenericNew allocates zero-filled memory, like ffi.new(). */
static PyTypeObject PointType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "_benchfloor.Point",
    .tp_basicsize = sizeof(PointObject),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "A point_t owned by a Python object.",
    .tp_members = point_members,
    .tp_new = PyType_GenericNew,
};

static PyMethodDef floor_methods[] = {
    {"add", (PyCFunction)(void (*)(void))floor_add, METH_FASTCALL,
     "add(a, b) calling C add() with the GIL released"},
    {"add_gil", (PyCFunction)(void (*)(void))floor_add_gil, METH_FASTCALL,
     "add(a, b) calling C add() with the GIL held"},
    {"noop", floor_noop, METH_NOARGS, "noop() with the GIL released"},
    {"noop_gil", floor_noop_gil, METH_NOARGS, "noop() with the GIL held"},
    {"sum6", (PyCFunction)(void (*)(void))floor_sum6, METH_FASTCALL,
     "sum6(a, b, c, d, e, f) calling C sum6() with the GIL released"},
    {"dmul", (PyCFunction)(void (*)(void))floor_dmul, METH_FASTCALL,
     "dmul(a, b) calling C dmul() with the GIL released"},
    {"bench_strlen", floor_strlen, METH_O, "bench_strlen(bytes) with the GIL released"},
    {"point_sum", floor_point_sum, METH_O, "point_sum(Point) with the GIL released"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef floor_module = {
    PyModuleDef_HEAD_INIT,
    .m_name = "_benchfloor",
    .m_doc = "Hand-written floor for the rcffi benchmarks.",
    .m_size = -1,
    .m_methods = floor_methods,
};

PyMODINIT_FUNC
PyInit__benchfloor(void)
{
    PyObject *m;
    if (PyType_Ready(&PointType) < 0)
        return NULL;
    m = PyModule_Create(&floor_module);
    if (m == NULL)
        return NULL;
    if (PyModule_AddIntConstant(m, "BENCH_ANSWER", BENCH_ANSWER) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    Py_INCREF(&PointType);
    if (PyModule_AddObject(m, "Point", (PyObject *)&PointType) < 0) {
        Py_DECREF(&PointType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
