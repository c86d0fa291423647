
/************************************************************/
/* rcffi: this file is also the extension module '@NAME@' */
static struct PyModuleDef _rcffi_module_def = {
    PyModuleDef_HEAD_INIT, "@SHORT_NAME@", NULL, -1, NULL, NULL, NULL, NULL, NULL
};
static const unsigned char _rcffi_module_blob[] = { @BLOB@ };

/* Python's import calls this; rcffi.loader reads the declarations from the
   blob and the compiler's answers from the table of this same file, and
   gives the module its ffi and lib. The module's name is the one Python
   imports it under (a package prefix included); its file, the one the
   dynamic linker loaded. */
PyMODINIT_FUNC PyInit_@SHORT_NAME@(void)
{
    Dl_info info;
    PyObject *loader, *module, *done;
    if (dladdr((void *)&_rcffi_module_def, &info) == 0 || info.dli_fname == NULL) {
        PyErr_SetString(PyExc_ImportError,
                        "rcffi: cannot find the file of extension module '@NAME@'");
        return NULL;
    }
    loader = PyImport_ImportModule("rcffi.loader");
    if (loader == NULL)
        return NULL;
    module = PyModule_Create(&_rcffi_module_def);
    done = module == NULL ? NULL : PyObject_CallMethod(
        loader, "init_extension_module", "Osy#ss", module, info.dli_fname,
        (const char *)_rcffi_module_blob, (Py_ssize_t)(sizeof _rcffi_module_blob - 1),
        "@TABLE@", "@INCLUDES@");
    Py_DECREF(loader);
    if (done == NULL) {
        Py_XDECREF(module);
        return NULL;
    }
    Py_DECREF(done);
    return module;
}
