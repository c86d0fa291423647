/* rcffi embedding library: Python.h first, as it requires */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <pthread.h>
#include <dlfcn.h>
