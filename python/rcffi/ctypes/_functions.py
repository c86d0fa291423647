"""Foreign functions: ``CFuncPtr`` (functions of a library, prototypes from
``CFUNCTYPE``/``PYFUNCTYPE``, callbacks), argument conversion with ``argtypes``,
``from_param`` and ``_as_parameter_``, results with ``restype``, ``errcheck`` and
``paramflags``, and ctypes' private ``errno``.

A call converts each argument to a native value and a backend ctype, then calls
a backend function pointer made once per signature and address.  Pointers of
every kind are ``uintptr_t`` in those signatures (see ``_core``).
"""

import sys
import threading

from .. import _backend as B
from . import _messages
from . import _core, _simple
from ._core import CData, CDataType, CArgObject, ArgumentError, POINTER_SIZE, UINTPTR
from ._sequences import Array, PointerType, address_value, is_pointer_type

FUNCFLAG_CDECL = 0x1
FUNCFLAG_HRESULT = 0x2
FUNCFLAG_PYTHONAPI = 0x4
FUNCFLAG_USE_ERRNO = 0x8
FUNCFLAG_USE_LASTERROR = 0x10
CTYPES_MAX_ARGCOUNT = 1024

_INT = B.new_primitive_type("int")
_DOUBLE = B.new_primitive_type("double")
_VOID = B.new_void_type()
_errno = threading.local()


def get_errno():
    """ctypes' private copy of errno, swapped with the real one around calls of
    functions made with ``use_errno=True``."""
    return getattr(_errno, "value", 0)


def set_errno(value):
    old = get_errno()
    _errno.value = value
    return old


_function_types = {}


def function_type(args, result, flags):
    key = (args, result, flags & FUNCFLAG_PYTHONAPI)
    ftype = _function_types.get(key)
    if ftype is None:
        abi = B.ABI_KEEP_GIL if flags & FUNCFLAG_PYTHONAPI else B.FFI_DEFAULT_ABI
        ftype = _function_types[key] = B.new_function_type(args, result, 0, abi)
    return ftype


def backend_type(cls):
    """The ctype standing for ``cls`` in a signature."""
    if getattr(cls, "_b_is_pointer_", False) or isinstance(cls, type) and issubclass(cls, Array):
        return UINTPTR
    return cls._b_ctype_


def native(obj, keep):
    """``(value, ctype)`` passing ``obj`` (a converted argument) to C."""
    if obj is None:
        return 0, UINTPTR
    if isinstance(obj, CArgObject) and obj._b_value_ is not None:
        keep.append(obj._obj)
        return native(obj._b_value_, keep)
    if isinstance(obj, CData):
        cls = type(obj)
        code = getattr(cls, "_b_code_", None)
        if code is not None:
            if code in "zZPO":
                keep.append(obj)
                return _core.read_pointer(obj._b_addr), UINTPTR
            raw = B.cast(_simple.accessor(code).pctype, obj._b_addr)[0]
            if cls._b_swapped_:
                raw = _simple.read_swapped(code, obj._b_addr)
            return (float(raw) if code == "g" else raw), cls._b_ctype_
        if getattr(cls, "_b_is_pointer_", False):
            keep.append(obj)
            return _core.read_pointer(obj._b_addr), UINTPTR
        if isinstance(obj, Array):
            keep.append(obj)
            return obj._b_addr, UINTPTR
        keep.append(obj)
        return B.cast(cls._b_pctype_, obj._b_addr)[0], cls._b_ctype_
    if isinstance(obj, bool):
        return int(obj), _INT
    if isinstance(obj, int):
        return obj, _INT
    if isinstance(obj, (bytes, str, CArgObject)):
        address, keeper = address_value(obj)
        keep.append(keeper)
        return address, UINTPTR
    if isinstance(obj, float):
        return obj, _DOUBLE
    as_parameter = getattr(obj, "_as_parameter_", _core.ABSENT)
    if as_parameter is not _core.ABSENT:
        return native(as_parameter, keep)
    return None


def _infer(obj, index, keep):
    """An argument without an ``argtypes`` entry: ints are C ints, bytes and str
    strings, None NULL; floats need a type, as in ctypes."""
    if isinstance(obj, float):
        raise ArgumentError(_messages.CANNOT_CONVERT_PARAMETER
                            % (index + 1, index + 1))
    if isinstance(obj, int) and not isinstance(obj, bool):
        if not -(1 << 63) <= obj < (1 << 64):
            raise ArgumentError("argument %d: OverflowError: int too long to convert"
                                % (index + 1))
        return _simple.wrap_int(_simple.accessor("i"), obj), _INT
    result = native(obj, keep)
    if result is None:
        raise ArgumentError(_messages.CANNOT_CONVERT_PARAMETER
                            % (index + 1, index + 1))
    return result


def _unpromoted(obj):
    """Whether ``obj`` goes to C as a float or an integer narrower than int."""
    return isinstance(obj, _simple._SimpleCData) and type(obj)._b_code_ in "bBhH?cf"


def convert_arg(argtype, obj, index, keep):
    try:
        converted = argtype.from_param(obj)
    except ArgumentError:
        raise
    except Exception as e:
        raise ArgumentError("argument %d: %s: %s" % (index + 1, type(e).__name__, e)) from None
    result = native(converted, keep)
    if result is None:
        raise ArgumentError(_messages.CANNOT_CONVERT_PARAMETER
                            % (index + 1, index + 1))
    value, ctype = result
    if isinstance(argtype, CDataType) and argtype._b_ctype_ is not None:
        declared = backend_type(argtype)
        code = getattr(argtype, "_b_code_", None)
        if code is not None and code in "bBhHiIlLqQ" and isinstance(value, int):
            value = _simple.wrap_int(_simple.accessor(code), value)
        elif code is not None and code in "fdg" and isinstance(value, int):
            value = float(value)
        return value, declared
    return value, ctype


def result_type(restype):
    if restype is None:
        return _VOID
    if isinstance(restype, CDataType):
        return backend_type(restype)
    return _INT


def from_native(cls, raw):
    """The Python object C's ``raw`` value of type ``cls`` becomes: a value for
    plain simple types, an instance otherwise."""
    code = getattr(cls, "_b_code_", None)
    if code is not None and cls._b_plain_:
        if code in "zZ":
            return B.string(B.cast(_core.PCHAR if code == "z" else _core.PWCHAR, raw)) \
                if raw else None
        if code == "P":
            return raw or None
        if code == "O":
            return B.object_at(raw)
        if code == "g":
            return float(raw)
        return raw
    result = cls.__new__(cls)
    if code is not None or getattr(cls, "_b_is_pointer_", False):
        if code in ("z", "Z", "P", "O") or code is None:
            _core.write_pointer(result._b_addr, raw)
        else:
            B.cast(_simple.accessor(code).pctype, result._b_addr)[0] = raw
        return result
    B.cast(cls._b_pctype_, result._b_addr)[0] = raw
    return result


def _result(raw, restype):
    if restype is None:
        return None
    if isinstance(restype, CDataType):
        value = from_native(restype, raw)
        check = getattr(restype, "_check_retval_", None)
        if check is not None and not restype.__dict__.get("_b_plain_"):
            return check(value) if isinstance(value, CData) else value
        return value
    return restype(raw)


class CFuncPtrType(CDataType):
    """The metaclass of function pointer types."""

    def __new__(mcls, name, bases, namespace, **kwargs):
        cls = super().__new__(mcls, name, bases, namespace, **kwargs)
        if name == "CFuncPtr" and CData in bases:
            # The abstract base has no layout: from_buffer and the like refuse it.
            return cls
        cls._b_size_ = POINTER_SIZE
        cls._b_align_ = B.alignof(UINTPTR)
        cls._b_ctype_ = UINTPTR
        cls._b_shape_ = B._CtypesShape(POINTER_SIZE)
        cls._b_is_pointer_ = True
        cls._b_has_pointers_ = True
        cls._b_format_ = "X{}"
        flags = getattr(cls, "_flags_", None)
        if not isinstance(flags, int):
            raise TypeError("class must define _flags_ which must be an integer")
        argtypes = namespace.get("_argtypes_")
        if argtypes is not None:
            cls._argtypes_ = _check_argtypes(argtypes)
        restype = namespace.get("_restype_")
        if restype is not None:
            _check_restype(restype)
        return cls

    def _b_load_(cls, address, base, index):
        return cls._b_view_(address, base, index)

    def _b_store_(cls, address, value, owner, key):
        if value is None:
            _core.write_pointer(address, 0)
            return
        if not isinstance(value, cls):
            raise _core.mismatch(cls, value)
        _core.copy_memory(address, value._b_addr, POINTER_SIZE)
        _core.keep(owner, key, value)


def _check_argtypes(argtypes):
    argtypes = tuple(argtypes)
    if len(argtypes) > CTYPES_MAX_ARGCOUNT:
        raise ArgumentError("_argtypes_ has too many arguments (%d), maximum is %d"
                            % (len(argtypes), CTYPES_MAX_ARGCOUNT))
    for i, t in enumerate(argtypes):
        if not hasattr(t, "from_param"):
            raise TypeError("item %d in _argtypes_ has no from_param method" % (i + 1))
    return argtypes


def _check_restype(restype):
    if restype is not None and not isinstance(restype, CDataType) and not callable(restype):
        raise TypeError("restype must be a type, a callable, or None")


_UNSET = object()


class CFuncPtr(B._CtypesFuncBase, CData, metaclass=CFuncPtrType):
    """A C function pointer: a library's function, a prototype bound to an
    address, or a Python callable made callable from C.  ``_b_call_`` makes a
    call; the backend base repeats the calls that needed only plain simple
    types without it (see ``_fast_codes``)."""

    _argtypes_ = None
    _restype_ = None
    _b_new_instance_ = staticmethod(B._CtypesFuncBase.__new__)

    def __new__(cls, *args):
        self = B._CtypesFuncBase.__new__(cls)
        self._b_init_(*args)
        return self

    def __init__(self, *args):
        pass

    def _b_init_(self, *args):
        self._callable = None
        self._paramflags = None
        self._b_dll = None
        if not args:
            return
        first = args[0]
        if len(args) == 1 and isinstance(first, int):
            _core.write_pointer(self._b_addr, first)
            return
        if isinstance(first, tuple):
            if len(first) != 2:
                raise TypeError(_messages.NOT_CALLABLE_OR_ADDRESS)
            name, dll = first
            if isinstance(name, int):
                raise AttributeError("function ordinal %d not found" % name)
            try:
                address = dll._lib.symbol_address(name)
            except (AttributeError, KeyError) as e:
                raise AttributeError("%s: undefined symbol: %s"
                                     % (dll._name if dll._name else sys.executable,
                                        name)) from e
            _core.write_pointer(self._b_addr, address)
            self._b_dll = dll
            if len(args) > 1:
                self._paramflags = _check_paramflags(type(self), args[1])
            return
        if len(args) == 1 and callable(first):
            _make_callback(self, first)
            return
        raise TypeError(_messages.NOT_CALLABLE_OR_ADDRESS)

    @property
    def argtypes(self):
        value = self.__dict__.get("_b_argtypes", _UNSET)
        return type(self)._argtypes_ if value is _UNSET else value

    @argtypes.setter
    def argtypes(self, value):
        self.__dict__["_b_argtypes"] = None if value is None else _check_argtypes(value)
        self._b_set_fast_call_(None, ())

    @argtypes.deleter
    def argtypes(self):
        self.__dict__.pop("_b_argtypes", None)
        self._b_set_fast_call_(None, ())

    @property
    def restype(self):
        value = self.__dict__.get("_b_restype", _UNSET)
        return type(self)._restype_ if value is _UNSET else value

    @restype.setter
    def restype(self, value):
        _check_restype(value)
        self.__dict__["_b_restype"] = value
        self._b_set_fast_call_(None, ())

    @restype.deleter
    def restype(self):
        self.__dict__.pop("_b_restype", None)
        self._b_set_fast_call_(None, ())

    @property
    def errcheck(self):
        return self.__dict__.get("_b_errcheck")

    @errcheck.setter
    def errcheck(self, value):
        if value is not None and not callable(value):
            raise TypeError("the errcheck attribute must be callable")
        self.__dict__["_b_errcheck"] = value
        self._b_set_fast_call_(None, ())

    @errcheck.deleter
    def errcheck(self):
        self.__dict__.pop("_b_errcheck", None)
        self._b_set_fast_call_(None, ())

    def __bool__(self):
        return _core.read_pointer(self._b_addr) != 0

    def __repr__(self):
        return "<%s object at %#x>" % (type(self).__name__, id(self))

    def _b_call_(self, *args, **kwargs):
        argtypes = self.argtypes
        restype = self.restype
        flags = type(self)._flags_
        outs = None
        if self.__dict__.get("_paramflags") is not None:
            args, outs = _apply_paramflags(self, argtypes, args, kwargs)
        elif kwargs:
            raise TypeError("this function takes no keyword arguments")
        address = _core.read_pointer(self._b_addr)
        if not address:
            raise ValueError("NULL function pointer")
        keep = []
        values, ctypes_ = [], []
        nfixed = len(argtypes) if argtypes is not None else 0
        if len(args) > CTYPES_MAX_ARGCOUNT:
            raise ArgumentError("too many arguments (%d), maximum is %d"
                                % (len(args), CTYPES_MAX_ARGCOUNT))
        if len(args) < nfixed:
            raise TypeError("this function takes at least %d argument%s (%d given)"
                            % (nfixed, "" if nfixed == 1 else "s", len(args)))
        for i, arg in enumerate(args):
            if i < nfixed:
                value, ctype = convert_arg(argtypes[i], arg, i, keep)
            else:
                value, ctype = _infer(arg, i, keep)
            values.append(value)
            ctypes_.append(ctype)
        if nfixed and any(_unpromoted(arg) for arg in args[nfixed:]):
            # Arguments past argtypes are variadic, where C promotes floats and
            # small integers: libffi refuses them unpromoted, and ctypes says so.
            raise RuntimeError("ffi_prep_cif_var failed")
        ftype = function_type(tuple(ctypes_), result_type(restype), flags)
        key = (ftype, address)
        fns = self.__dict__.setdefault("_b_fns", {})
        fn = fns.get(key)
        if fn is None:
            fn = fns[key] = B.cast(ftype, address)
        if flags & FUNCFLAG_USE_ERRNO:
            B.set_errno(get_errno())
            try:
                raw = fn(*values)
            finally:
                _errno.value = B.get_errno()
        else:
            raw = fn(*values)
            if outs is None and not kwargs:
                codes = _fast_codes(argtypes, restype, args, nfixed)
                if codes is not None and self.__dict__.get("_b_errcheck") is None:
                    self._b_set_fast_call_(fn, codes)
        result = _result(raw, restype)
        errcheck = self.__dict__.get("_b_errcheck")
        if errcheck is not None:
            result = errcheck(result, self, args)
            if outs is None or result is not args:
                return result
        if outs:
            values = [o.__ctypes_from_outparam__() for o in outs]
            return values[0] if len(values) == 1 else tuple(values)
        return result


_FAST_ARGS = "bBhHiIlLqQfdzP"
# Results the backend gives as ctypes does: no conversion after the call.
_FAST_RESULTS = "bBhHiIlLqQfd?cu"


def _plain_code(cls, codes):
    """``cls``'s type code if it is a plain simple type with one of ``codes``."""
    code = getattr(cls, "_b_code_", None) if isinstance(cls, _simple.SimpleType) else None
    if code is not None and code in codes and cls._b_plain_ and not cls._b_swapped_:
        return code
    return None


def _pointer_spec(cls):
    """``(pointer type, item type, byref type)`` for a ``POINTER(T)`` argument
    type converted the standard way, else None."""
    if type(cls) is not PointerType or "from_param" in vars(cls):
        return None
    item = vars(cls).get("_type_")
    return (cls, item, CArgObject) if isinstance(item, CDataType) else None


def _fast_codes(argtypes, restype, args, nfixed):
    """What the backend base needs to repeat a call by itself, one entry per
    argument: a type code for a declared plain int or float type (``"i"`` for
    an undeclared int, passed as a C int), a ``_pointer_spec`` for a pointer
    type; the result None or a plain type given back as is.  None when the
    call needs the Python path."""
    if restype is not None and _plain_code(restype, _FAST_RESULTS) is None:
        return None
    codes = []
    for i, arg in enumerate(args):
        code = (_plain_code(argtypes[i], _FAST_ARGS) or _pointer_spec(argtypes[i])) \
            if i < nfixed else ("i" if type(arg) is int else None)
        if code is None:
            return None
        codes.append(code)
    return codes


def _check_paramflags(cls, paramflags):
    if not isinstance(paramflags, tuple):
        raise TypeError("paramflags must be a tuple or None")
    argtypes = cls._argtypes_
    if argtypes is None or len(paramflags) != len(argtypes):
        raise ValueError("paramflags must have the same length as argtypes")
    checked = []
    for i, item in enumerate(paramflags):
        if not isinstance(item, tuple) or not item or len(item) > 3:
            raise TypeError(_messages.BAD_PARAMFLAGS)
        flag = item[0]
        name = item[1] if len(item) > 1 else None
        if not isinstance(flag, int) or (name is not None and not isinstance(name, str)):
            raise TypeError(_messages.BAD_PARAMFLAGS)
        if flag & ~7 or flag & 3 == 3 and flag != 3:
            raise ValueError("paramflag value %d not supported" % flag)
        if flag & 2 and not (is_pointer_type(argtypes[i]) and hasattr(argtypes[i], "_type_")):
            raise TypeError("'out' parameter %d must be a pointer type, not %s"
                            % (i + 1, argtypes[i].__name__))
        checked.append((flag, name, item[2] if len(item) > 2 else _UNSET))
    return checked


def _apply_paramflags(func, argtypes, args, kwargs):
    """The full argument list from the inputs and the ``paramflags``, plus the
    objects made for the output parameters."""
    inputs = list(args)
    full, outs = [], []
    for i, (flag, name, default) in enumerate(func._paramflags):
        if flag & 2 and not flag & 1:
            out = argtypes[i]._type_()
            outs.append(out)
            full.append(CArgObject(out, 0))
            continue
        if inputs:
            full.append(inputs.pop(0))
        elif name is not None and name in kwargs:
            full.append(kwargs.pop(name))
        elif default is not _UNSET:
            full.append(default)
        elif flag & 4:
            full.append(0)
        else:
            raise TypeError("required argument '%s' missing" % name if name
                            else "not enough arguments")
    if kwargs:
        raise TypeError("got an unexpected keyword argument '%s'" % next(iter(kwargs)))
    return tuple(full + inputs), outs


def _write_unraisable(message, obj):
    """Reports an exception raised in a callback the way CPython's ctypes does,
    through ``sys.unraisablehook``."""
    exc_type, exc, tb = sys.exc_info()
    hook_args = _unraisable_args_type()((exc_type, exc, tb, message, obj))
    sys.unraisablehook(hook_args)


_hook_args = []


def _unraisable_args_type():
    """The struct-sequence type of ``sys.unraisablehook``'s argument, which has no
    public name: captured once from a deliberately unraisable exception."""
    if not _hook_args:
        previous = sys.unraisablehook

        def capture(args):
            _hook_args.append(type(args))

        class _Raiser:
            def __del__(self):
                raise RuntimeError

        sys.unraisablehook = capture
        try:
            _Raiser()
        finally:
            sys.unraisablehook = previous
    return _hook_args[0]


def _arg_converter(cls):
    """How a callback's raw argument of type ``cls`` becomes what the Python
    function gets: None when the backend's value is already it."""
    code = getattr(cls, "_b_code_", None)
    if code is not None and cls._b_plain_:
        if code == "P":
            return _or_none
        if code not in "zZOg":
            return None
    return lambda raw: from_native(cls, raw)


def _or_none(raw):
    return raw or None


def _make_callback(self, func):
    cls = type(self)
    argtypes = cls._argtypes_ or ()
    restype = cls._restype_
    if restype is not None and not (isinstance(restype, _simple.SimpleType)):
        raise TypeError("invalid result type for callback function")
    ftype = function_type(tuple(backend_type(t) for t in argtypes), result_type(restype),
                          cls._flags_ & ~FUNCFLAG_PYTHONAPI)
    code = getattr(restype, "_b_code_", None)
    # What C gets when the callback fails: zero, spelt as the result type takes it.
    failed = None if restype is None else {"c": b"\0", "u": "\0"}.get(code, 0)
    converters = [_arg_converter(t) for t in argtypes]
    converted = any(c is not None for c in converters)
    # A plain int result is truncated here, as C stores it; the rest converted
    # as a field of the result type would be.
    acc = _simple.accessor(code) if code is not None and code in _simple._INT_CODES else None
    mask, half = (acc.mask, acc.half if acc.signed else acc.mask + 1) if acc else (0, 0)

    def result_of(result):
        try:
            value, keeper = _simple.convert(code, result)
        except BaseException:
            _write_unraisable("Exception ignored on converting result of ctypes callback "
                              "function", func)
            return failed
        if keeper is not None and code in "zZ":
            self._b_returned = keeper
        return float(value) if code == "g" else value

    def trampoline(*raw):
        try:
            if converted:
                raw = [r if c is None else c(r) for c, r in zip(converters, raw)]
            result = func(*raw)
        except BaseException:
            _write_unraisable("Exception ignored on calling ctypes callback function", func)
            return failed
        if restype is None:
            return None
        if acc is not None and type(result) is int:
            result &= mask
            return result - mask - 1 if result >= half else result
        return result_of(result)

    if all(c is None or c is _or_none for c in converters):
        # Plain arguments: the backend calls ``func`` itself (ctypes_callback.rs).
        callback = B._ctypes_callback(ftype, func, [c is _or_none for c in converters],
                                      result_of, failed)
    else:
        callback = B.callback(ftype, trampoline, failed)
    self._callable = func
    self._b_callback = callback
    _core.write_pointer(self._b_addr, _core.address_of_cdata(callback))


_prototypes = {}


def CFUNCTYPE(restype, *argtypes, use_errno=False, use_last_error=False):
    flags = FUNCFLAG_CDECL
    if use_errno:
        flags |= FUNCFLAG_USE_ERRNO
    if use_last_error:
        flags |= FUNCFLAG_USE_LASTERROR
    return _prototype(restype, argtypes, flags)


def PYFUNCTYPE(restype, *argtypes):
    return _prototype(restype, argtypes, FUNCFLAG_CDECL | FUNCFLAG_PYTHONAPI)


def _prototype(restype, argtypes, flags):
    key = (restype, argtypes, flags)
    try:
        return _prototypes[key]
    except TypeError:
        pass
    except KeyError:
        pass
    cls = CFuncPtrType("CFunctionType", (CFuncPtr,),
                       {"_argtypes_": argtypes, "_restype_": restype, "_flags_": flags,
                        "__qualname__": "CFUNCTYPE.<locals>.CFunctionType"})
    try:
        _prototypes[key] = cls
    except TypeError:
        pass
    return cls
