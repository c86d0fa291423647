//! The Python protocol of `CData`: items, iteration, numbers, hashing and
//! comparison, arithmetic, calls and the context manager.
//!
//! It lives above the cdata core (`cdata.rs`: the struct, its constructors and
//! accessors) because it reaches the layers built on cdata — conversion,
//! slicing, calls, lifetimes and libraries — which themselves use the core;
//! keeping it here lets data flow one way.

use pyo3::prelude::*;
use pyo3::types::{PyComplex, PyFloat, PySlice, PyString, PyTuple};
use rcffi_core::ctype::{Kind, Prim, PrimClass};

use crate::cdata::{null_error, CData, Owner};
use crate::cdata_owner::OwnerRef;
use crate::convert;
use crate::messages::Msg;
use crate::types::CType;

impl CData {
    /// The Python object a primitive cdata stands for, as reading it from memory
    /// would give (`long double` stays a cdata).
    pub(crate) fn python_value(&self, py: Python<'_>) -> PyResult<Option<Py<PyAny>>> {
        let ct = self.ct();
        if !matches!(ct.kind, Kind::Primitive | Kind::Enum) {
            return Ok(None);
        }
        if ct.prim == Some(Prim::LongDouble) {
            return Ok(Some(PyFloat::new(py, self.as_float()?).into_any().unbind()));
        }
        unsafe { convert::read(py, &self.ctype, self.value().as_ptr(), None).map(Some) }
    }

    /// The address of item `index`, bounds-checked for arrays, NULL-checked for
    /// pointers.
    #[inline]
    fn item_address(&self, py: Python<'_>, index: isize) -> PyResult<*mut u8> {
        let ct = self.ct();
        self.check_alive(py)?;
        match ct.kind {
            Kind::Array => {
                // `ffi.cast("int[3]", 0)` is an array at NULL.
                if self.address().is_null() {
                    return Err(null_error(ct));
                }
                let len = self.array_length();
                if index < 0 {
                    return Err(Msg::NegativeIndex.to_err());
                }
                if index as usize >= len {
                    return Err(Msg::IndexTooLarge {
                        ctype: &ct.cname,
                        index: &index,
                        len: &len,
                    }
                    .to_err());
                }
            }
            Kind::Pointer => {
                if self.address().is_null() {
                    return Err(null_error(ct));
                }
                // `new` allocated exactly one item behind an owning pointer.
                if index != 0 && self.owned_size().is_some() {
                    return Err(Msg::OnlyIndexZero { ctype: &ct.cname }.to_err());
                }
            }
            _ => return Err(not_indexable(ct)),
        }
        let size = self.item_size()?;
        Ok(self
            .address()
            .wrapping_offset(index.wrapping_mul(size as isize)))
    }

    #[inline]
    fn index_arg(key: &Bound<'_, PyAny>) -> PyResult<isize> {
        if let Some(i) = crate::pylayout::exact_int(key) {
            return Ok(i as isize);
        }
        key.extract::<isize>().map_err(|e| {
            if e.is_instance_of::<pyo3::exceptions::PyOverflowError>(key.py()) {
                return Msg::IndexOverflow.to_err();
            }
            Msg::IndexNotInteger {
                given: &key
                    .get_type()
                    .name()
                    .map(|n| n.to_string())
                    .unwrap_or_default(),
            }
            .to_err()
        })
    }
}

/// The error for indexing a cdata that is neither a pointer nor an array.
fn not_indexable(ct: &CType) -> PyErr {
    Msg::NotIndexable { ctype: &ct.cname }.to_err()
}

fn bool_object(py: Python<'_>, b: bool) -> Py<PyAny> {
    b.into_pyobject(py)
        .expect("bool")
        .to_owned()
        .into_any()
        .unbind()
}

#[pymethods]
impl CData {
    fn __repr__(slf: &Bound<'_, Self>) -> PyResult<String> {
        Self::repr(slf)
    }

    fn __getattribute__(slf: &Bound<'_, Self>, name: &Bound<'_, PyString>) -> PyResult<Py<PyAny>> {
        Self::get_attribute(slf, name)
    }

    /// Called by the `tp_getattro` slot when `__getattribute__` raised
    /// AttributeError, which PyO3 would otherwise replace by a bare one.
    fn __getattr__(slf: &Bound<'_, Self>, name: &Bound<'_, PyString>) -> PyResult<Py<PyAny>> {
        Err(Self::attribute_error(slf, name)?)
    }

    fn __setattr__(
        slf: &Bound<'_, Self>,
        name: &Bound<'_, PyString>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        Self::set_attribute(slf, name, value)
    }

    fn __dir__(slf: &Bound<'_, Self>) -> Vec<String> {
        Self::field_names(slf)
    }

    fn __getitem__(slf: &Bound<'_, Self>, key: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let this = slf.get();
        let index = match crate::pylayout::exact_int(key) {
            Some(i) => i as isize,
            None => {
                if let Ok(slice) = key.cast::<PySlice>() {
                    return crate::slicing::get(slf, slice);
                }
                Self::index_arg(key)?
            }
        };
        let addr = this.item_address(py, index)?;
        let item = this.ct().item.as_ref().expect("indexable");
        if let (Kind::Pointer, Some(n), 0) = (this.ct().kind, this.owned_size(), index) {
            if item.get().is_record() {
                // p[0] of an owning struct pointer co-owns the struct.
                let owner = Owner::Keep(slf.clone().into_any().unbind());
                return Ok(CData::owning(item.clone_ref(py), addr, n, 0, owner)
                    .create(py)?
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
        let index = match crate::pylayout::exact_int(key) {
            Some(i) => i as isize,
            None => {
                if let Ok(slice) = key.cast::<PySlice>() {
                    return crate::slicing::set(slf, slice, value);
                }
                Self::index_arg(key)?
            }
        };
        let addr = this.item_address(slf.py(), index)?;
        let item = this.ct().item_ref();
        unsafe { convert::write(slf.py(), item, addr, value) }
    }

    /// C memory has no items to delete; PyO3's default would raise
    /// NotImplementedError where cffi raises TypeError.
    fn __delitem__(&self, _key: &Bound<'_, PyAny>) -> PyResult<()> {
        match self.ct().kind {
            Kind::Array | Kind::Pointer => Err(Msg::NoItemDeletion.to_err()),
            _ => Err(not_indexable(self.ct())),
        }
    }

    fn __len__(&self) -> PyResult<usize> {
        if self.ct().kind == Kind::Array {
            Ok(self.array_length())
        } else {
            Err(Msg::NoLen {
                ctype: &self.ct().cname,
            }
            .to_err())
        }
    }

    fn __iter__(slf: &Bound<'_, Self>) -> PyResult<Py<PyAny>> {
        let this = slf.get();
        let py = slf.py();
        if this.ct().kind != Kind::Array {
            return Err(Msg::NotIterable {
                ctype: &this.ct().cname,
            }
            .to_err());
        }
        this.check_alive(py)?;
        if this.address().is_null() {
            return Err(null_error(this.ct()));
        }
        let iterator =
            crate::cdata_iter::CDataIterator::new(slf.clone().unbind(), this.array_length());
        Ok(Py::new(py, iterator)?.into_any())
    }

    fn __bool__(&self) -> PyResult<bool> {
        let ct = self.ct();
        Ok(match ct.kind {
            Kind::Pointer | Kind::Function => !self.address().is_null(),
            Kind::Primitive | Kind::Enum => match ct.prim.map(Prim::class) {
                Some(PrimClass::Float | PrimClass::LongDouble) => self.as_float()? != 0.0,
                Some(PrimClass::Complex) => {
                    let (re, im) = self.as_complex()?;
                    re != 0.0 || im != 0.0
                }
                _ => self.value().iter().any(|b| *b != 0),
            },
            _ => true,
        })
    }

    fn __int__(&self, py: Python<'_>) -> PyResult<Py<PyAny>> {
        let ct = self.ct();
        if ct.kind == Kind::Primitive
            && matches!(
                ct.prim.map(Prim::class),
                Some(PrimClass::Float | PrimClass::LongDouble)
            )
        {
            // The exact int of the value, however large (1e300 too), as
            // int() of a Python float gives it and cffi does.
            let value = PyFloat::new(py, self.as_float()?);
            return Ok(value.call_method0(pyo3::intern!(py, "__int__"))?.unbind());
        }
        if matches!(ct.kind, Kind::Primitive | Kind::Enum) {
            return crate::convert_scalar::int_object(py, self.as_integer()?);
        }
        Err(Msg::NoInt {
            ctype: &self.ct().cname,
        }
        .to_err())
    }

    fn __float__(&self) -> PyResult<f64> {
        let ct = self.ct();
        // As in cffi, only floating types: float(ffi.cast("int", 1)) is an error.
        let numeric = ct.kind == Kind::Primitive
            && matches!(
                ct.prim.map(Prim::class),
                Some(PrimClass::Float | PrimClass::LongDouble)
            );
        if !numeric {
            return Err(Msg::NoFloat { ctype: &ct.cname }.to_err());
        }
        self.as_float()
    }

    fn __complex__<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyComplex>> {
        let (re, im) = self.as_complex()?;
        Ok(PyComplex::from_doubles(py, re, im))
    }

    fn __hash__(slf: &Bound<'_, Self>) -> PyResult<isize> {
        let this = slf.get();
        match this.python_value(slf.py())? {
            Some(v) => v.bind(slf.py()).hash(),
            None => {
                // As CPython hashes pointers: the low bits of an address are zero.
                let p = this.address() as usize;
                let h = p.rotate_right(4) as isize;
                Ok(if h == -1 { -2 } else { h })
            }
        }
    }

    fn __richcmp__(
        slf: &Bound<'_, Self>,
        other: &Bound<'_, PyAny>,
        op: pyo3::basic::CompareOp,
    ) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let this = slf.get();
        // Primitives compare as the Python values they stand for.
        if let Some(mine) = this.python_value(py)? {
            let theirs = match other.cast::<CData>() {
                Ok(o) => match o.get().python_value(py)? {
                    Some(v) => v.into_bound(py),
                    None => return Ok(unordered(py, op)),
                },
                Err(_) => other.clone(),
            };
            return Ok(mine.bind(py).rich_compare(theirs, op)?.unbind());
        }
        let Ok(o) = other.cast::<CData>() else {
            return Ok(unordered(py, op));
        };
        if matches!(o.get().ct().kind, Kind::Primitive | Kind::Enum) {
            return Ok(unordered(py, op));
        }
        let (a, b) = (this.address() as usize, o.get().address() as usize);
        Ok(bool_object(py, op.matches(a.cmp(&b))))
    }

    fn __add__(slf: &Bound<'_, Self>, other: &Bound<'_, PyAny>) -> PyResult<Py<PyAny>> {
        match offset_arg(other)? {
            Some(n) => Ok(slf.get().offset_pointer(slf.py(), n)?.into_any()),
            None => Ok(slf.py().NotImplemented()),
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
                // Arrays are named as the pointers they decay to, as in cffi.
                let decayed = |c: &CType| match c.kind {
                    Kind::Array => {
                        let mut t = crate::types::table();
                        let id = t.pointer(c.item_ref().id);
                        t.cname(id).to_string()
                    }
                    _ => c.cname.to_string(),
                };
                return Err(Msg::CannotSubtract {
                    left: &decayed(a),
                    right: &decayed(b),
                }
                .to_err());
            }
            let size = this.item_size()?.max(1) as isize;
            let bytes = (this.address() as isize).wrapping_sub(o.get().address() as isize);
            return crate::slicing::item_distance(py, bytes, size, b);
        }
        match offset_arg(other)? {
            Some(n) => Ok(this.offset_pointer(py, n.wrapping_neg())?.into_any()),
            None => Ok(py.NotImplemented()),
        }
    }

    #[pyo3(signature = (*args))]
    fn __call__(slf: &Bound<'_, Self>, args: &Bound<'_, PyTuple>) -> PyResult<Py<PyAny>> {
        crate::call::call_cdata_tuple(slf, args)
    }

    fn __enter__(slf: Py<Self>) -> Py<Self> {
        slf
    }

    #[pyo3(signature = (*_args))]
    fn __exit__(slf: &Bound<'_, Self>, _args: &Bound<'_, PyTuple>) -> PyResult<()> {
        crate::lifetime::release(slf)
    }
}

/// `==` and `!=` between unrelated objects: by identity, as Python does; the
/// orderings are not defined.
fn unordered(py: Python<'_>, op: pyo3::basic::CompareOp) -> Py<PyAny> {
    match op {
        pyo3::basic::CompareOp::Eq => bool_object(py, false),
        pyo3::basic::CompareOp::Ne => bool_object(py, true),
        _ => py.NotImplemented(),
    }
}

/// The integer added to a pointer; `None` (NotImplemented) for non-integers.
fn offset_arg(other: &Bound<'_, PyAny>) -> PyResult<Option<isize>> {
    // An exact int, the usual offset, is told at once (no subtype walk).
    let exact_int = unsafe { pyo3::ffi::PyLong_CheckExact(other.as_ptr()) } != 0;
    if !exact_int && (other.is_instance_of::<CData>() || other.is_instance_of::<PyFloat>()) {
        return Ok(None);
    }
    match other.extract::<isize>() {
        Ok(n) => Ok(Some(n)),
        Err(e) if e.is_instance_of::<pyo3::exceptions::PyOverflowError>(other.py()) => Err(e),
        Err(_) => Ok(None),
    }
}

impl CData {
    /// The name of a function loaded from a library, for error messages.
    pub(crate) fn function_name(&self, py: Python<'_>) -> Option<String> {
        let OwnerRef::Keep(keep) = self.owner() else {
            return None;
        };
        let origin = keep
            .bind(py)
            .cast::<crate::library::FunctionOrigin>()
            .ok()?;
        Some(origin.get().name.clone())
    }

    /// `__name__`, `__module__` and `__doc__` (the C signature) of a function
    /// loaded from a library.
    pub(crate) fn function_attribute(
        &self,
        py: Python<'_>,
        name: &Bound<'_, PyString>,
    ) -> PyResult<Option<Py<PyAny>>> {
        let OwnerRef::Keep(keep) = self.owner() else {
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

    /// `self + n`: a pointer `n` items further (arrays decay to pointers).
    fn offset_pointer(&self, py: Python<'_>, n: isize) -> PyResult<Py<CData>> {
        let ct = self.ct();
        let ptr_type = match ct.kind {
            Kind::Pointer => self.ctype.clone_ref(py),
            Kind::Array => ct.decayed(py),
            _ => return Err(Msg::NoPointerAddition { ctype: &ct.cname }.to_err()),
        };
        let size = self
            .item_size()
            .map_err(|_| Msg::ArithmeticOnUnknownSize { ctype: &ct.cname }.to_err())?;
        let p = self
            .address()
            .wrapping_offset(n.wrapping_mul(size as isize));
        CData::new_pointer(py, ptr_type, p)
    }

    /// A complex cdata as (real, imaginary).
    fn as_complex(&self) -> PyResult<(f64, f64)> {
        let ct = self.ct();
        match ct.prim {
            Some(Prim::FloatComplex) => {
                let re = f32::from_le_bytes(self.value()[..4].try_into().expect("4 bytes"));
                let im = f32::from_le_bytes(self.value()[4..8].try_into().expect("4 bytes"));
                Ok((f64::from(re), f64::from(im)))
            }
            Some(Prim::DoubleComplex) => Ok((
                f64::from_le_bytes(self.value()[..8].try_into().expect("8 bytes")),
                f64::from_le_bytes(self.value()[8..].try_into().expect("8 bytes")),
            )),
            _ => Err(Msg::NoComplex { ctype: &ct.cname }.to_err()),
        }
    }
}
