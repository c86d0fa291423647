/* A lib object as a C type with its own tp_getattro (the shape of cffi's lib):
 * every attribute read is one lookup in the object's dict. lib_designs.py
 * measures it against the designs CPython 3.11 specialises. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

typedef struct {
    PyObject_HEAD
    PyObject *names;
} Lib;

static PyObject *lib_getattro(PyObject *self, PyObject *name) {
    PyObject *value = PyDict_GetItemWithError(((Lib *)self)->names, name);
    if (value != NULL) {
        Py_INCREF(value);
        return value;
    }
    if (PyErr_Occurred()) {
        return NULL;
    }
    return PyObject_GenericGetAttr(self, name);
}

static PyObject *lib_new(PyTypeObject *type, PyObject *args, PyObject *kwds) {
    PyObject *names;
    if (!PyArg_ParseTuple(args, "O!", &PyDict_Type, &names)) {
        return NULL;
    }
    Lib *self = (Lib *)type->tp_alloc(type, 0);
    if (self != NULL) {
        Py_INCREF(names);
        self->names = names;
    }
    return (PyObject *)self;
}

static void lib_dealloc(PyObject *self) {
    Py_XDECREF(((Lib *)self)->names);
    Py_TYPE(self)->tp_free(self);
}

static PyTypeObject LibType = {
    PyVarObject_HEAD_INIT(NULL, 0)
    .tp_name = "getattro_lib.Lib",
    .tp_basicsize = sizeof(Lib),
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_new = lib_new,
    .tp_dealloc = lib_dealloc,
    .tp_getattro = lib_getattro,
};

static struct PyModuleDef module = {PyModuleDef_HEAD_INIT, "getattro_lib", NULL, -1, NULL};

PyMODINIT_FUNC PyInit_getattro_lib(void) {
    if (PyType_Ready(&LibType) < 0) {
        return NULL;
    }
    PyObject *m = PyModule_Create(&module);
    if (m == NULL) {
        return NULL;
    }
    Py_INCREF(&LibType);
    if (PyModule_AddObject(m, "Lib", (PyObject *)&LibType) < 0) {
        Py_DECREF(&LibType);
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
