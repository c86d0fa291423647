//! The state of one rcffi.ctypes instance: its address, the memory it owns (in
//! one allocation with the object's state, zeroed, aligned for any C type),
//! the object owning the memory when it is a view (`_b_base_`), the objects it
//! keeps alive (`_objects`) and, for arrays, what the items are. The class
//! describes its instances once, in `_b_shape_` (a [`CtypesShape`]), which the
//! metaclasses of rcffi.ctypes set when a type gets its layout.

use pyo3::exceptions::{PyTypeError, PyValueError};
use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyTuple, PyType};
use pyo3::{intern, PyTraverseError, PyVisit};

use crate::ctypes_calls::FastCall;
use crate::ctypes_scalar::Scalar;

/// What a class's instances look like: their size and, for arrays, their items.
#[pyclass(frozen, module = "rcffi._backend", name = "_CtypesShape")]
pub struct CtypesShape {
    size: usize,
    items: Option<Items>,
}

#[pymethods]
impl CtypesShape {
    /// `(size)` for most types; `(size, (item code or None, item size,
    /// length))` for arrays, the code given when the items are a plain simple
    /// type (read and written in Rust).
    #[new]
    #[pyo3(signature = (size, items=None))]
    fn new(size: usize, items: Option<(Option<String>, usize, usize)>) -> Self {
        CtypesShape {
            size,
            items: items.map(|(code, size, length)| Items {
                scalar: code.as_deref().and_then(Scalar::from_code),
                size,
                length,
            }),
        }
    }
}

/// The items of an array instance.
#[derive(Clone, Copy, Debug)]
pub struct Items {
    /// `None`: the items are made by the Python code (records, pointers...).
    pub scalar: Option<Scalar>,
    pub size: usize,
    pub length: usize,
}

/// The marker making `_CtypesBufferBase.__new__` build a view.
pub fn view_token(py: Python<'_>) -> &Py<PyAny> {
    static TOKEN: PyOnceLock<Py<PyAny>> = PyOnceLock::new();
    TOKEN.get_or_init(py, || {
        py.eval(c"object()", None, None)
            .expect("object() cannot fail")
            .unbind()
    })
}

pub struct Instance {
    pub addr: usize,
    pub base: Option<Py<PyAny>>,
    pub objects: Option<Py<PyAny>>,
    pub index: isize,
    /// The owned block in 16-byte units (empty for a view).
    owned: Vec<u128>,
    owned_size: usize,
    pub items: Option<Items>,
    /// For function objects: the signature calls may take in Rust.
    pub call: Option<Box<FastCall>>,
}

impl Instance {
    /// The state `cls.__new__(cls, *args)` gives: see `CtypesBufferBase::new`.
    pub fn for_class(cls: &Bound<'_, PyType>, args: &Bound<'_, PyTuple>) -> PyResult<Self> {
        let py = cls.py();
        let (size, items) = shape_of(cls)?;
        if args.len() == 4 && args.get_item(0)?.is(view_token(py)) {
            let base = args.get_item(2)?;
            return Ok(Instance {
                addr: args.get_item(1)?.extract()?,
                base: (!base.is_none()).then(|| base.unbind()),
                objects: None,
                index: args.get_item(3)?.extract()?,
                owned: Vec::new(),
                owned_size: 0,
                items,
                call: None,
            });
        }
        let mut this = Instance {
            addr: 0,
            base: None,
            objects: None,
            index: 0,
            owned: Vec::new(),
            owned_size: 0,
            items,
            call: None,
        };
        // A zero-sized instance still owns a byte, so that it has an address.
        this.allocate(size.max(1));
        Ok(this)
    }

    fn allocate(&mut self, size: usize) {
        self.owned = vec![0u128; size.div_ceil(16)];
        self.owned_size = size;
        self.addr = self.owned.as_ptr() as usize;
    }

    pub fn owned_size(&self) -> usize {
        self.owned_size
    }

    /// Moves an owned instance to a zeroed block of `size` bytes, the old
    /// contents copied; a view refuses (its memory is someone else's).
    pub fn resize(&mut self, size: usize) -> PyResult<()> {
        if self.owned_size == 0 {
            return Err(PyValueError::new_err(
                "Memory cannot be resized because this object doesn't own it",
            ));
        }
        let old = std::mem::take(&mut self.owned);
        let kept = self.owned_size.min(size);
        self.allocate(size);
        // SAFETY: both blocks hold at least `kept` bytes and are distinct.
        unsafe {
            std::ptr::copy_nonoverlapping(old.as_ptr().cast::<u8>(), self.addr as *mut u8, kept)
        };
        Ok(())
    }

    pub fn traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Some(base) = &self.base {
            visit.call(base)?;
        }
        if let Some(objects) = &self.objects {
            visit.call(objects)?;
        }
        if let Some(call) = &self.call {
            call.traverse(visit)?;
        }
        Ok(())
    }

    pub fn clear(&mut self) {
        self.base = None;
        self.objects = None;
        self.call = None;
    }
}

/// `(size, items)` of `cls`'s instances; a type without a layout gets one
/// first (`_b_finish_`, which raises for abstract types), as ctypes does.
fn shape_of(cls: &Bound<'_, PyType>) -> PyResult<(usize, Option<Items>)> {
    let py = cls.py();
    let read = |cls: &Bound<'_, PyType>| -> PyResult<Option<(usize, Option<Items>)>> {
        match cls.getattr_opt(intern!(py, "_b_shape_"))? {
            Some(shape) => match shape.cast::<CtypesShape>() {
                Ok(shape) => Ok(Some((shape.get().size, shape.get().items))),
                Err(_) if shape.is_none() => Ok(None),
                Err(_) => Err(PyTypeError::new_err("_b_shape_ must be a _CtypesShape")),
            },
            None => Ok(None),
        }
    };
    if let Some(found) = read(cls)? {
        return Ok(found);
    }
    if let Some(ctype) = cls.getattr_opt(intern!(py, "_b_ctype_"))? {
        if ctype.is_none() {
            cls.call_method0(intern!(py, "_b_finish_"))?;
            if let Some(found) = read(cls)? {
                return Ok(found);
            }
        }
    }
    let size = match cls.getattr_opt(intern!(py, "_b_size_"))? {
        Some(size) => size.extract()?,
        None => 0,
    };
    Ok((size, None))
}
