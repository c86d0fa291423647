/* rcffi extension module: Python.h first, as it requires */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <dlfcn.h>
