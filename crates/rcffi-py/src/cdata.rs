//! `CData`: a C value, or a view of C memory, seen from Python.
//!
//! What a cdata holds depends on its type's kind, as in cffi: a pointer or
//! function cdata holds the pointer value; a struct, union or array cdata holds the
//! address of its data; a primitive cdata (from `cast`) holds the value itself.
//! Only the object `new` returned owns memory; views keep their parent alive.

use std::ptr;

use pyo3::exceptions::{PyAttributeError, PyIndexError, PyRuntimeError, PyTypeError};
use pyo3::prelude::*;
use pyo3::types::{PyList, PySlice, PyString, PyTuple};
use rcffi_core::ctype::{Kind, Prim, PrimClass};
use rcffi_core::longdouble;

use crate::convert;
use crate::types::CType;

/// What keeps a cdata's memory alive.
pub enum Owner {
    /// Nothing: the memory belongs to C (pointers, casts).
    None,
    /// Memory from `calloc`, freed when this cdata dies.
    Malloc(*mut u8),
    /// Another object that owns or views the memory.
    Keep(Py<PyAny>),
}

/// How the cdata presents itself in `repr`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Flavor {
    Plain,
    /// Owns (or co-owns) this many bytes: `<cdata 'int[10]' owning 40 bytes>`.
    Owning(usize),
    /// A struct reached through a field or an index: `<cdata 'point_t &' 0x...>`.
    Ref,
}

/// A C value or a view of C memory.
#[pyclass(frozen, weakref, module = "rcffi._backend", name = "CData")]
pub struct CData {
    /// CPython's vectorcall entry for function cdata (NULL for others); the type's
    /// `tp_vectorcall_offset` points here.
    vectorcall: Option<pyo3::ffi::vectorcallfunc>,
    pub ctype: Py<CType>,
    ptr: *mut u8,
    /// The value of a primitive cdata, little-endian, zero-extended.
    pub value: [u8; 16],
    /// Item count of an array whose type has no length (`int[]`).
    length: usize,
    owner: Owner,
    flavor: Flavor,
}

// The raw pointers are C addresses, usable from any thread as in C; everything
// else is immutable after creation.
unsafe impl Send for CData {}
unsafe impl Sync for CData {}

impl Drop for CData {
    fn drop(&mut self) {
        if let Owner::Malloc(p) = self.owner {
            unsafe { libc::free(p.cast()) };
        }
    }
}

impl CData {
    fn make(ctype: Py<CType>, ptr: *mut u8, owner: Owner, flavor: Flavor) -> CData {
        let vectorcall = (ctype.get().kind == Kind::Function)
            .then_some(crate::call::vectorcall as pyo3::ffi::vectorcallfunc);
        CData {
            vectorcall,
            ctype,
            ptr,
            value: [0; 16],
            length: 0,
            owner,
            flavor,
        }
    }

    /// A pointer (or function pointer) cdata with value `p`.
    pub fn new_pointer(py: Python<'_>, ctype: Py<CType>, p: *mut u8) -> PyResult<Py<CData>> {
        Py::new(py, CData::make(ctype, p, Owner::None, Flavor::Plain))
    }

    /// A struct, union or array cdata viewing memory at `addr`.
    pub fn new_view(
        py: Python<'_>,
        ctype: Py<CType>,
        addr: *mut u8,
        owner: Owner,
        is_ref: bool,
    ) -> PyResult<Py<CData>> {
        let flavor = if is_ref { Flavor::Ref } else { Flavor::Plain };
        Py::new(py, CData::make(ctype, addr, owner, flavor))
    }

    /// A primitive cdata holding `value`.
    pub fn new_value(py: Python<'_>, ctype: Py<CType>, value: [u8; 16]) -> PyResult<Py<CData>> {
        let mut c = CData::make(ctype, ptr::null_mut(), Owner::None, Flavor::Plain);
        c.value = value;
        Py::new(py, c)
    }

    /// Allocates zeroed memory for `new`: a pointer type gets room for one item,
    /// an array type for `length` items.
    pub fn new_owned(
        py: Python<'_>,
        ctype: Py<CType>,
        size: usize,
        length: usize,
    ) -> PyResult<Py<CData>> {
        let p = unsafe { libc::calloc(1, size.max(1)) } as *mut u8;
        if p.is_null() {
            return Err(pyo3::exceptions::PyMemoryError::new_err(format!(
                "cannot allocate {size} bytes"
            )));
        }
        let mut c = CData::make(ctype, p, Owner::Malloc(p), Flavor::Owning(size));
        c.length = length;
        Py::new(py, c)
    }

    /// The C address this cdata stands for: the pointer value, or where the data is.
    pub fn address(&self) -> *mut u8 {
        self.ptr
    }

    /// Number of items of an array cdata.
    pub fn array_length(&self) -> usize {
        self.ctype.get().length.unwrap_or(self.length)
    }

    fn ct(&self) -> &CType {
        self.ctype.get()
    }

    /// The integer value of a primitive cdata, or the address of a pointer.
    pub fn as_integer(&self) -> PyResult<i128> {
        let ct = self.ct();
        match (ct.kind, ct.prim.map(Prim::class)) {
            (Kind::Pointer | Kind::Function, _) => Ok(self.ptr as usize as i128),
            (Kind::Primitive | Kind::Enum, Some(PrimClass::Float | PrimClass::LongDouble)) => {
                Ok(self.as_float()? as i128)
            }
            (Kind::Primitive | Kind::Enum, Some(PrimClass::Complex)) => Err(PyTypeError::new_err(
                format!("int() not supported on cdata '{}'", ct.cname),
            )),
            (Kind::Primitive | Kind::Enum, Some(_)) => {
                let p = ct.prim.expect("primitive");
                Ok(unsafe { convert::load_int(self.value.as_ptr(), p.size(), p.is_signed()) })
            }
            _ => Err(PyTypeError::new_err(format!(
                "int() not supported on cdata '{}'",
                ct.cname
            ))),
        }
    }

    /// The floating value of a primitive cdata.
    pub fn as_float(&self) -> PyResult<f64> {
        let ct = self.ct();
        match ct.prim {
            Some(Prim::Float) if ct.kind == Kind::Primitive => Ok(f64::from(f32::from_le_bytes(
                self.value[..4].try_into().expect("4 bytes"),
            ))),
            Some(Prim::Double) if ct.kind == Kind::Primitive => Ok(f64::from_le_bytes(
                self.value[..8].try_into().expect("8 bytes"),
            )),
            Some(Prim::LongDouble) => Ok(longdouble::to_f64(&self.value)),
            Some(p) if p.class() != PrimClass::Complex => Ok(self.as_integer()? as f64),
            _ => Err(PyTypeError::new_err(format!(
                "float() not supported on cdata '{}'",
                ct.cname
            ))),
        }
    }

    /// Where the struct or union this cdata designates lives: itself, or the target
    /// of a struct pointer (checked for NULL).
    fn record_base(&self) -> PyResult<Option<(*mut u8, &CType)>> {
        let ct = self.ct();
        if ct.is_record() {
            return Ok(Some((self.ptr, ct)));
        }
        if ct.kind == Kind::Pointer && ct.item_ref().is_record() {
            if self.ptr.is_null() {
                return Err(PyRuntimeError::new_err(format!(
                    "cannot dereference null pointer from cdata '{}'",
                    ct.cname
                )));
            }
            return Ok(Some((self.ptr, ct.item_ref())));
        }
        Ok(None)
    }

    /// The address of item `index`, bounds-checked for arrays, NULL-checked for
    /// pointers.
    fn item_address(&self, index: isize) -> PyResult<*mut u8> {
        let ct = self.ct();
        match ct.kind {
            Kind::Array => {
                let len = self.array_length();
                if index < 0 {
                    return Err(PyIndexError::new_err("negative index"));
                }
                if index as usize >= len {
                    return Err(PyIndexError::new_err(format!(
                        "index too large for cdata '{}' (expected {index} < {len})",
                        ct.cname
                    )));
                }
            }
            Kind::Pointer => {
                if self.ptr.is_null() {
                    return Err(PyRuntimeError::new_err(format!(
                        "cannot dereference null pointer from cdata '{}'",
                        ct.cname
                    )));
                }
            }
            _ => {
                return Err(PyTypeError::new_err(format!(
                    "cdata of type '{}' cannot be indexed",
                    ct.cname
                )))
            }
        }
        let item = ct.item_ref();
        let size = item.size().ok_or_else(|| {
            PyTypeError::new_err(format!(
                "cdata '{}' points to items of unknown size",
                ct.cname
            ))
        })?;
        Ok(self.ptr.wrapping_offset(index * size as isize))
    }

    fn index_arg(key: &Bound<'_, PyAny>) -> PyResult<isize> {
        key.extract::<isize>().map_err(|_| {
            PyTypeError::new_err(format!(
                "cdata indexes must be integers, not {}",
                key.get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default()
            ))
        })
    }
}

#[pymethods]
impl CData {
    fn __repr__(&self, py: Python<'_>) -> PyResult<String> {
        let ct = self.ct();
        if let Owner::Keep(keep) = &self.owner {
            if let Some(callable) = crate::callback::callable_of(keep.bind(py)) {
                return Ok(format!(
                    "<cdata '{}' calling {}>",
                    ct.cname,
                    callable.repr()?
                ));
            }
        }
        Ok(match self.flavor {
            Flavor::Owning(n) => format!("<cdata '{}' owning {n} bytes>", ct.cname),
            Flavor::Ref => format!("<cdata '{} &' {:#x}>", ct.cname, self.ptr as usize),
            Flavor::Plain => match ct.kind {
                Kind::Primitive | Kind::Enum => {
                    format!("<cdata '{}' {}>", ct.cname, self.value_repr())
                }
                _ if self.ptr.is_null() => format!("<cdata '{}' NULL>", ct.cname),
                _ => format!("<cdata '{}' {:#x}>", ct.cname, self.ptr as usize),
            },
        })
    }

    /// Field reads come first (they are the hot path); anything else is ordinary
    /// attribute lookup, so no exception is raised and cleared on the way.
    fn __getattribute__(slf: &Bound<'_, Self>, name: &Bound<'_, PyString>) -> PyResult<Py<PyAny>> {
        let this = slf.get();
        let py = slf.py();
        let record = this.record_base()?;
        if let Some((base, rct)) = record {
            if let Some(f) = rct.record(py).and_then(|rec| rec.field_by_pystr(name)) {
                return unsafe { convert::read_field(py, f, base, slf.as_any()) };
            }
        }
        if this.ct().kind == Kind::Function {
            if let Some(v) = this.function_attribute(py, name)? {
                return Ok(v);
            }
        }
        // SAFETY: both pointers are valid, borrowed objects; the result is a new reference.
        let found = unsafe {
            Bound::from_owned_ptr_or_err(
                py,
                pyo3::ffi::PyObject_GenericGetAttr(slf.as_ptr(), name.as_ptr()),
            )
        };
        found.map(Bound::unbind).map_err(|err| {
            if !err.is_instance_of::<PyAttributeError>(py) {
                return err;
            }
            let cname = &this.ct().cname;
            match record {
                Some((_, rct)) if rct.record(py).is_none() => PyAttributeError::new_err(format!(
                    "cdata '{cname}' points to an opaque type: cannot read fields"
                )),
                Some(_) => {
                    PyAttributeError::new_err(format!("cdata '{cname}' has no field '{name}'"))
                }
                None => {
                    PyAttributeError::new_err(format!("cdata '{cname}' has no attribute '{name}'"))
                }
            }
        })
    }

    fn __setattr__(
        slf: &Bound<'_, Self>,
        name: &Bound<'_, PyString>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let this = slf.get();
        let py = slf.py();
        match this.record_base()? {
            Some((base, rct)) => {
                let rec = rct.record(py).ok_or_else(|| {
                    PyAttributeError::new_err(format!(
                        "cdata '{}' points to an opaque type: cannot write fields",
                        this.ct().cname
                    ))
                })?;
                match rec.field_by_pystr(name) {
                    Some(f) => unsafe { convert::write_field(py, f, base, value) },
                    None => Err(PyAttributeError::new_err(format!(
                        "cdata '{}' has no field '{name}'",
                        this.ct().cname
                    ))),
                }
            }
            None => Err(PyAttributeError::new_err(format!(
                "cdata '{}' has no attribute '{name}'",
                this.ct().cname
            ))),
        }
    }

    fn __dir__(slf: &Bound<'_, Self>) -> PyResult<Vec<String>> {
        let this = slf.get();
        match this.record_base() {
            Ok(Some((_, rct))) => Ok(rct
                .record(slf.py())
                .map(|r| {
                    r.fields
                        .iter()
                        .filter(|f| !f.name.is_empty())
                        .map(|f| f.name.clone())
                        .collect()
                })
                .unwrap_or_default()),
            _ => Ok(Vec::new()),
        }
    }

    fn __getitem__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let this = slf.get();
        if key.is_instance_of::<PySlice>() {
            return Err(PyTypeError::new_err("slicing cdata is not supported yet"));
        }
        let index = Self::index_arg(key)?;
        let addr = this.item_address(index)?;
        let item = this.ct().item.as_ref().expect("indexable");
        if let (Kind::Pointer, Flavor::Owning(n), 0) = (this.ct().kind, this.flavor, index) {
            if item.get().is_record() {
                // p[0] of an owning struct pointer co-owns the struct.
                let owner = Owner::Keep(slf.clone().into_any().unbind());
                return Ok(Py::new(
                    py,
                    CData::make(item.clone_ref(py), addr, owner, Flavor::Owning(n)),
                )?
                .into_any());
            }
        }
        unsafe { convert::read(py, item, addr, Some(slf.as_any())) }
    }

    fn __setitem__(
        slf: &Bound<'_, Self>,
        key: &Bound<'_, PyAny>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let this = slf.get();
        if key.is_instance_of::<PySlice>() {
            return Err(PyTypeError::new_err(
                "slice assignment to cdata is not supported yet",
            ));
        }
        let index = Self::index_arg(key)?;
        let addr = this.item_address(index)?;
        let item = this.ct().item_ref();
        unsafe { convert::write(slf.py(), item, addr, value) }
    }

    fn __len__(&self) -> PyResult<usize> {
        if self.ct().kind == Kind::Array {
            Ok(self.array_length())
        } else {
            Err(PyTypeError::new_err(format!(
                "cdata of type '{}' has no len()",
                self.ct().cname
            )))
        }
    }

    fn __iter__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let this = slf.get();
        if this.ct().kind != Kind::Array {
            return Err(PyTypeError::new_err(format!(
                "cdata '{}' does not support iteration",
                this.ct().cname
            )));
        }
        let items = PyList::empty(slf.py());
        for i in 0..this.array_length() {
            items.append(Self::__getitem__(
                slf,
                &(i as isize).into_pyobject(slf.py())?.into_any(),
            )?)?;
        }
        Ok(items.as_any().try_iter()?.into_any().unbind())
    }

    fn __bool__(&self) -> PyResult<bool> {
        let ct = self.ct();
        Ok(match ct.kind {
            Kind::Pointer | Kind::Function => !self.ptr.is_null(),
            Kind::Primitive | Kind::Enum => match ct.prim.map(Prim::class) {
                Some(PrimClass::Float | PrimClass::LongDouble) => self.as_float()? != 0.0,
                _ => self.value.iter().any(|b| *b != 0),
            },
            _ => true,
        })
    }

    fn __int__(&self) -> PyResult<i128> {
        self.as_integer()
    }

    fn __float__(&self) -> PyResult<f64> {
        self.as_float()
    }

    fn __hash__(&self) -> PyResult<isize> {
        let ct = self.ct();
        match ct.kind {
            Kind::Primitive | Kind::Enum => match ct.prim.map(Prim::class) {
                Some(PrimClass::Float | PrimClass::LongDouble) => {
                    Ok(self.as_float()?.to_bits() as isize)
                }
                _ => Ok(self.as_integer()? as isize),
            },
            _ => Ok(self.ptr as isize),
        }
    }

    fn __richcmp__(
        &self,
        other: &Bound<'_, PyAny>,
        op: pyo3::basic::CompareOp,
    ) -> PyResult<Py<PyAny>> {
        let py = other.py();
        let ct = self.ct();
        let ordering = if let Ok(o) = other.cast::<CData>() {
            let o = o.get();
            let oct = o.ctype.get();
            match (ct.kind, oct.kind) {
                (Kind::Primitive | Kind::Enum, Kind::Primitive | Kind::Enum) => {
                    self.as_float()?.partial_cmp(&o.as_float()?)
                }
                (Kind::Primitive | Kind::Enum, _) | (_, Kind::Primitive | Kind::Enum) => None,
                _ => Some((self.ptr as usize).cmp(&(o.ptr as usize))),
            }
        } else if matches!(ct.kind, Kind::Primitive | Kind::Enum) {
            match other.extract::<f64>() {
                Ok(v) => self.as_float()?.partial_cmp(&v),
                Err(_) => None,
            }
        } else {
            None
        };
        match ordering {
            Some(ord) => Ok(op
                .matches(ord)
                .into_pyobject(py)?
                .to_owned()
                .into_any()
                .unbind()),
            None => match op {
                pyo3::basic::CompareOp::Eq => {
                    Ok(false.into_pyobject(py)?.to_owned().into_any().unbind())
                }
                pyo3::basic::CompareOp::Ne => {
                    Ok(true.into_pyobject(py)?.to_owned().into_any().unbind())
                }
                _ => Ok(py.NotImplemented()),
            },
        }
    }

    fn __add__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        match other.extract::<isize>() {
            Ok(n) => Ok(slf.get().offset_pointer(slf.py(), n)?.into_any()),
            Err(_) => Ok(slf.py().NotImplemented()),
        }
    }

    fn __radd__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        Self::__add__(slf, other)
    }

    fn __sub__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let this = slf.get();
        if let Ok(o) = other.cast::<CData>() {
            let (a, b) = (this.ct(), o.get().ct());
            let same = matches!(a.kind, Kind::Pointer | Kind::Array)
                && matches!(b.kind, Kind::Pointer | Kind::Array)
                && a.item_ref().id == b.item_ref().id;
            if !same {
                return Err(PyTypeError::new_err(format!(
                    "cannot subtract cdata '{}' and cdata '{}'",
                    a.cname, b.cname
                )));
            }
            let size = a.item_ref().size().unwrap_or(1).max(1) as isize;
            let diff = (this.ptr as isize).wrapping_sub(o.get().ptr as isize) / size;
            return Ok(diff.into_pyobject(py)?.into_any().unbind());
        }
        match other.extract::<isize>() {
            Ok(n) => Ok(this.offset_pointer(py, n.wrapping_neg())?.into_any()),
            Err(_) => Ok(py.NotImplemented()),
        }
    }

    #[pyo3(signature = (*args))]
    fn __call__(slf: &Bound<'_, Self>, args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
        crate::call::call_cdata_tuple(slf, args)
    }
}

impl CData {
    /// `__name__`, `__module__` and `__doc__` (the C signature) of a function
    /// loaded from a library.
    fn function_attribute(
        &self,
        py: Python<'_>,
        name: &Bound<'_, PyString>,
    ) -> PyResult<Option<Py<PyAny>>> {
        let Owner::Keep(keep) = &self.owner else {
            return Ok(None);
        };
        let Ok(origin) = keep.bind(py).cast::<crate::library::FunctionOrigin>() else {
            return Ok(None);
        };
        let fname = &origin.get().name;
        let value = match name.to_str()? {
            "__name__" => fname.clone(),
            "__module__" => "rcffi.lib".to_string(),
            "__doc__" => {
                let decl = crate::types::table()
                    .function_declaration(self.ct().id, fname)
                    .unwrap_or_default();
                format!("{decl};\n\nC function from library")
            }
            _ => return Ok(None),
        };
        Ok(Some(PyString::new(py, &value).into_any().unbind()))
    }

    /// Makes function cdata vectorcall objects: CPython finds the entry point at a
    /// fixed offset in each instance. PyO3 has no switch for this, so the type is
    /// adjusted once, at module creation, before any instance is called.
    pub fn enable_vectorcall(py: Python<'_>) -> PyResult<()> {
        let probe = Py::new(
            py,
            CData::make(
                crate::backend::new_void_type(py),
                ptr::null_mut(),
                Owner::None,
                Flavor::Plain,
            ),
        )?;
        let offset = (&probe.get().vectorcall as *const _ as usize) - (probe.as_ptr() as usize);
        let tp = py.get_type::<CData>().as_type_ptr();
        // SAFETY: the type object is ours, fully created, and has no instances that
        // were called yet; the offset is inside every instance (measured above).
        unsafe {
            debug_assert!((offset as isize) < (*tp).tp_basicsize);
            (*tp).tp_vectorcall_offset = offset as isize;
            (*tp).tp_flags |= pyo3::ffi::Py_TPFLAGS_HAVE_VECTORCALL;
        }
        Ok(())
    }

    /// `self + n`: a pointer `n` items further (arrays decay to pointers).
    fn offset_pointer(&self, py: Python<'_>, n: isize) -> PyResult<Py<CData>> {
        let ct = self.ct();
        let ptr_type = match ct.kind {
            Kind::Pointer => self.ctype.clone_ref(py),
            Kind::Array => {
                let id = crate::types::table().pointer(ct.item_ref().id);
                crate::types::ctype_for(py, id)
            }
            _ => {
                return Err(PyTypeError::new_err(format!(
                    "cannot add a number to cdata '{}'",
                    ct.cname
                )))
            }
        };
        let size = ct.item_ref().size().ok_or_else(|| {
            PyTypeError::new_err(format!(
                "cannot do pointer arithmetic on cdata '{}': items of unknown size",
                ct.cname
            ))
        })?;
        let p = self.ptr.wrapping_offset(n.wrapping_mul(size as isize));
        CData::new_pointer(py, ptr_type, p)
    }

    fn value_repr(&self) -> String {
        let ct = self.ct();
        let prim = ct.prim.expect("primitive");
        match prim.class() {
            PrimClass::Char => {
                let b = self.value[0];
                if (0x20..0x7f).contains(&b) && b != b'\'' && b != b'\\' {
                    format!("b'{}'", b as char)
                } else {
                    format!("b'\\x{b:02x}'")
                }
            }
            PrimClass::Float => {
                let v = self.as_float().unwrap_or(f64::NAN);
                Python::attach(|py| {
                    pyo3::types::PyFloat::new(py, v)
                        .repr()
                        .map(|r| r.to_string())
                        .unwrap_or_default()
                })
            }
            PrimClass::LongDouble => c_exponent_format(longdouble::to_f64(&self.value)),
            PrimClass::Bool => (self.value[0] != 0)
                .to_string()
                .replace("true", "True")
                .replace("false", "False"),
            PrimClass::WideChar => {
                let code = u32::from_le_bytes(self.value[..4].try_into().expect("4 bytes"));
                format!("'{}'", char::from_u32(code).unwrap_or('?'))
            }
            PrimClass::Complex => "complex".into(),
            _ => self.as_integer().map(|v| v.to_string()).unwrap_or_default(),
        }
    }
}

/// `printf("%LE")` of a value: `1.500000E+00`.
fn c_exponent_format(v: f64) -> String {
    let s = format!("{v:.6E}");
    match s.split_once('E') {
        Some((mant, exp)) => {
            let (sign, digits) = exp.strip_prefix('-').map_or(("+", exp), |d| ("-", d));
            format!("{mant}E{sign}{digits:0>2}")
        }
        None => s,
    }
}
