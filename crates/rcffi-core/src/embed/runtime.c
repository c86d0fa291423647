
/* rcffi embedding runtime of '@NAME@' */
static struct PyModuleDef _rcffi_embed_def = {
    PyModuleDef_HEAD_INIT, "@NAME@", NULL, -1, NULL, NULL, NULL, NULL, NULL
};
static const unsigned char _rcffi_embed_blob[] = { @BLOB@ };
static const char _rcffi_embed_init_code[] = @INIT_CODE@;
static const char _rcffi_embed_rcffi_dir[] = @RCFFI_DIR@;

static pthread_mutex_t _rcffi_embed_lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_t _rcffi_embed_owner;
/* One definition for every rcffi library the dynamic linker binds together,
   so that two of them starting at once in two threads start Python once. */
__attribute__((weak, visibility("default")))
pthread_mutex_t _rcffi_python_start_lock = PTHREAD_MUTEX_INITIALIZER;

static void _rcffi_embed_report(const char *name, const char *why)
{
    PyGILState_STATE gil;
    if (!Py_IsInitialized()) {
        fprintf(stderr, "extern \"Python\": function %s() called, but %s.  Returning 0.\n",
                name, why);
        return;
    }
    gil = PyGILState_Ensure();
    PySys_WriteStderr("extern \"Python\": function %.200s() called, but %.200s.  "
                      "Returning 0.\n", name, why);
    PyGILState_Release(gil);
}

/* A thread Python never saw keeps the thread state its first call made until
   it ends: its Python thread-locals live as long as it does, and later calls
   do not build a new state each. */
static pthread_key_t _rcffi_thread_key;
static pthread_once_t _rcffi_thread_key_once = PTHREAD_ONCE_INIT;

/* At thread exit Python's own key may already be cleared (the C library
   clears keys before running destructors), so PyGILState_Release() would not
   find the state: it is deleted directly. */
static void _rcffi_thread_exit(void *tstate)
{
    if (!Py_IsInitialized())
        return;
    PyEval_RestoreThread((PyThreadState *)tstate);
    PyThreadState_Clear((PyThreadState *)tstate);
    PyThreadState_DeleteCurrent();
}

static void _rcffi_make_thread_key(void)
{
    pthread_key_create(&_rcffi_thread_key, _rcffi_thread_exit);
}

static void _rcffi_keep_thread(void)
{
    PyThreadState *tstate;
    PyGILState_Ensure();
    tstate = PyEval_SaveThread();
    pthread_once(&_rcffi_thread_key_once, _rcffi_make_thread_key);
    pthread_setspecific(_rcffi_thread_key, tstate);
}

/* rcffi.embedding; an interpreter started here may not see the environment
   rcffi was installed in, so its directory at build time is the fallback. */
static PyObject *_rcffi_embed_loader(void)
{
    PyObject *module = PyImport_ImportModule("rcffi.embedding");
    PyObject *path, *dir;
    if (module != NULL || !PyErr_ExceptionMatches(PyExc_ImportError))
        return module;
    PyErr_Clear();
    path = PySys_GetObject("path");
    dir = PyUnicode_DecodeFSDefault(_rcffi_embed_rcffi_dir);
    if (path != NULL && dir != NULL && PyList_Append(path, dir) == 0)
        module = PyImport_ImportModule("rcffi.embedding");
    Py_XDECREF(dir);
    return module;
}

/* The library is also the extension module '@NAME@', giving ffi and lib. */
PyMODINIT_FUNC PyInit_@SHORT_NAME@(void)
{
    Dl_info info;
    PyObject *loader, *module, *done;
    if (dladdr((void *)&_rcffi_embed_def, &info) == 0 || info.dli_fname == NULL) {
        PyErr_SetString(PyExc_ImportError,
                        "rcffi: cannot find the file of embedding library '@NAME@'");
        return NULL;
    }
    loader = _rcffi_embed_loader();
    if (loader == NULL)
        return NULL;
    module = PyModule_Create(&_rcffi_embed_def);
    done = module == NULL ? NULL : PyObject_CallMethod(
        loader, "load_embedded_module", "Osy#s", module, info.dli_fname,
        (const char *)_rcffi_embed_blob, (Py_ssize_t)(sizeof _rcffi_embed_blob - 1),
        "@TABLE@");
    Py_DECREF(loader);
    if (done == NULL) {
        Py_XDECREF(module);
        return NULL;
    }
    Py_DECREF(done);
    return module;
}

/* The exception of the init code, with its traceback, on stderr: printed by
   the traceback module, which shows the init code's lines (linecache), or by
   the interpreter if that fails too. */
static void _rcffi_embed_print_error(void)
{
    PyObject *type, *value, *traceback, *printer, *printed = NULL;
    PySys_WriteStderr("rcffi: the initialization code of embedding library '@NAME@' "
                      "failed:\n");
    PyErr_Fetch(&type, &value, &traceback);
    PyErr_NormalizeException(&type, &value, &traceback);
    if (traceback != NULL && value != NULL)
        PyException_SetTraceback(value, traceback);
    printer = PyImport_ImportModule("traceback");
    if (printer != NULL && type != NULL) {
        printed = PyObject_CallMethod(printer, "print_exception", "OOO", type,
                                      value ? value : Py_None,
                                      traceback ? traceback : Py_None);
    }
    Py_XDECREF(printer);
    if (printed == NULL && type != NULL) {
        PyErr_Clear();
        PyErr_Display(type, value, traceback);
    }
    Py_XDECREF(printed);
    Py_XDECREF(type);
    Py_XDECREF(value);
    Py_XDECREF(traceback);
}

/* The module in sys.modules (made here unless Python imported it), then the
   init code run by rcffi.embedding.run_init_code(). */
static int _rcffi_embed_init_module(void)
{
    PyObject *modules = PyImport_GetModuleDict();
    PyObject *module = PyDict_GetItemString(modules, "@NAME@");
    PyObject *loader, *result = NULL;
    if (module == NULL) {
        int stored;
        module = PyInit_@SHORT_NAME@();
        if (module == NULL)
            return -1;
        stored = PyDict_SetItemString(modules, "@NAME@", module);
        Py_DECREF(module);
        if (stored < 0)
            return -1;
    }
    if (_rcffi_embed_init_code[0] == '\0')
        return 0;
    loader = _rcffi_embed_loader();
    if (loader != NULL) {
        result = PyObject_CallMethod(loader, "run_init_code", "Os", module,
                                     _rcffi_embed_init_code);
        Py_DECREF(loader);
    }
    Py_XDECREF(result);
    return result == NULL ? -1 : 0;
}

/* A program may dlopen() the library with RTLD_LOCAL: libpython is then not
   in the global scope, where extension modules (rcffi's own among them) look
   for its symbols. Opening it again with RTLD_GLOBAL | RTLD_NOLOAD puts it
   there. */
static void _rcffi_python_global(void)
{
    Dl_info info;
    if (dladdr((void *)&Py_InitializeEx, &info) != 0 && info.dli_fname != NULL)
        dlopen(info.dli_fname, RTLD_NOW | RTLD_GLOBAL | RTLD_NOLOAD);
}

static int _rcffi_embed_run(void)
{
    PyGILState_STATE gil;
    int status;
    pthread_mutex_lock(&_rcffi_python_start_lock);
    if (!Py_IsInitialized()) {
        _rcffi_python_global();
        Py_InitializeEx(0);
        /* The GIL is released: other C threads may now enter Python. */
        PyEval_SaveThread();
    }
    pthread_mutex_unlock(&_rcffi_python_start_lock);
    if (PyGILState_GetThisThreadState() == NULL)
        _rcffi_keep_thread();
    gil = PyGILState_Ensure();
    status = _rcffi_embed_init_module();
    if (status != 0)
        _rcffi_embed_print_error();
    PyGILState_Release(gil);
    return status;
}

/* Exactly one thread runs the init code; the others wait for it, without the
   GIL if they held it (Python code calling the library), and the thread
   running it may call the library again (the init code calling C calling an
   exported function). */
static int _rcffi_embed_start(void)
{
    PyThreadState *saved = NULL;
    int state = __atomic_load_n(&_rcffi_embed_state, __ATOMIC_ACQUIRE);
    if (state == 2)
        return 0;
    if (state == 3)
        return -1;
    if (state == 1 && pthread_equal(_rcffi_embed_owner, pthread_self()))
        return 0;
    if (Py_IsInitialized() && PyGILState_GetThisThreadState() != NULL && PyGILState_Check())
        saved = PyEval_SaveThread();
    pthread_mutex_lock(&_rcffi_embed_lock);
    if (_rcffi_embed_state == 0) {
        _rcffi_embed_owner = pthread_self();
        __atomic_store_n(&_rcffi_embed_state, 1, __ATOMIC_RELEASE);
        state = _rcffi_embed_run() == 0 ? 2 : 3;
        __atomic_store_n(&_rcffi_embed_state, state, __ATOMIC_RELEASE);
    }
    state = _rcffi_embed_state;
    pthread_mutex_unlock(&_rcffi_embed_lock);
    if (saved != NULL)
        PyEval_RestoreThread(saved);
    return state == 2 ? 0 : -1;
}
