//! The state of one rcffi.ctypes instance: its address, the memory it owns (in
//! one allocation with the object's state, zeroed, aligned for any C type),
//! the object owning the memory when it is a view (`_b_base_`), the objects it
//! keeps alive (`_objects`) and, for arrays, what the items are. The class
//! describes its instances once, in `_b_shape_` (a [`CtypesShape`]), which the
//! metaclasses of rcffi.ctypes set when a type gets its layout. The class that
//! holds this state, `_CtypesBufferBase`, is defined here too.

use std::cell::UnsafeCell;
use std::sync::atomic::{AtomicIsize, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use pyo3::prelude::*;
use pyo3::sync::PyOnceLock;
use pyo3::types::{PyTuple, PyType};
use pyo3::{intern, PyTraverseError, PyVisit};

use crate::ctypes_fast_call::FastCall;
use crate::ctypes_fields::CtypesField;
use crate::ctypes_scalar::Scalar;
use crate::messages::Msg;

/// What a class's instances look like: their size and, for arrays, their items.
#[pyclass(frozen, module = "rcffi._backend", name = "_CtypesShape")]
pub struct CtypesShape {
    size: usize,
    items: Option<Items>,
    /// A record's fields in `_fields_` order (its base's first).
    pub fields: Vec<Py<CtypesField>>,
}

#[pymethods]
impl CtypesShape {
    /// `(size)` for most types; `(size, (item code or None, item size,
    /// length))` for arrays, the code given when the items are a plain simple
    /// type (read and written in Rust); `(size, None, fields)` for records;
    /// `(size, (item code, item size, 0), pointer=True)` for pointers, whose
    /// items are where the pointer points.
    #[new]
    #[pyo3(signature = (size, items=None, fields=Vec::new(), pointer=false))]
    fn new(
        size: usize,
        items: Option<(Option<String>, usize, usize)>,
        fields: Vec<Py<CtypesField>>,
        pointer: bool,
    ) -> Self {
        CtypesShape {
            size,
            fields,
            items: items.map(|(code, size, length)| Items {
                scalar: code.as_deref().and_then(Scalar::from_code),
                size,
                length,
                pointer,
            }),
        }
    }
}

/// The items of an array instance, or of what a pointer instance points to.
#[derive(Clone, Copy, Debug)]
pub struct Items {
    /// `None`: the items are made by the Python code (records, pointers...).
    pub scalar: Option<Scalar>,
    pub size: usize,
    /// An array's length (unused for pointers, whose indices are unbounded).
    pub length: usize,
    /// The instance is a pointer: the items start at the address it holds.
    pub pointer: bool,
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

/// Interior mutability for a frozen pyclass: the address and index are atomics
/// (read on every field access, with no borrow flag to check); the rest sits
/// behind mutexes that are never held while Python code runs (an old value is
/// dropped after the lock is released, so a `__del__` cannot find it held).
/// Kept small: PyO3 moves the state into the object when it is created, and
/// what most instances never use lives in a separate allocation made on first
/// use.
pub struct Instance {
    addr: AtomicUsize,
    owned_size: AtomicUsize,
    /// Where an owned instance of up to `INLINE_BYTES` keeps its memory: in
    /// the object itself, no second allocation (`addr` is 0 then).
    inline: InlineBlock,
    index: AtomicIsize,
    base: Mutex<Option<Py<PyAny>>>,
    /// The class's shape (its items, its record fields).
    pub shape: Option<Py<CtypesShape>>,
    extra: Mutex<Option<Box<Extra>>>,
}

/// What an instance holds only at times.
#[derive(Default)]
struct Extra {
    objects: Option<Py<PyAny>>,
    /// An owned block larger than the inline one, in 16-byte units.
    owned: Vec<u128>,
    /// For function objects: the signature calls may take in Rust.
    call: Option<Arc<FastCall>>,
}

/// Owned memory this small lives inside the object.
const INLINE_BYTES: usize = 16;

/// Zeroed C memory inside the object, aligned for any C type; only ever
/// accessed through its address, as all C memory is.
#[repr(C, align(16))]
struct InlineBlock(UnsafeCell<[u8; INLINE_BYTES]>);

// SAFETY: the block is plain bytes reached through raw pointers by C code and
// by conversions holding the GIL, like every other memory a ctypes object views.
unsafe impl Sync for InlineBlock {}

fn locked<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

fn some_object(obj: Bound<'_, PyAny>) -> Option<Py<PyAny>> {
    (!obj.is_none()).then(|| obj.unbind())
}

impl Instance {
    /// The state `cls.__new__(cls, *args)` gives: see `CtypesBufferBase::new`.
    pub fn for_class(cls: &Bound<'_, PyType>, args: &Bound<'_, PyTuple>) -> PyResult<Self> {
        let py = cls.py();
        let (size, shape) = shape_of(cls)?;
        let this = Instance {
            addr: AtomicUsize::new(0),
            owned_size: AtomicUsize::new(0),
            inline: InlineBlock(UnsafeCell::new([0; INLINE_BYTES])),
            index: AtomicIsize::new(0),
            base: Mutex::new(None),
            shape,
            extra: Mutex::new(None),
        };
        if args.len() == 4 && args.get_item(0)?.is(view_token(py)) {
            this.set_addr(args.get_item(1)?.extract()?);
            this.set_base(args.get_item(2)?);
            this.set_index(args.get_item(3)?.extract()?);
        } else {
            // A zero-sized instance still owns a byte, so that it has an address.
            this.allocate(size.max(1))?;
        }
        Ok(this)
    }

    /// Changes the extra state; what `change` returns is dropped once the
    /// lock is released.
    fn with_extra<T>(&self, change: impl FnOnce(&mut Extra) -> T) -> T {
        let mut held = locked(&self.extra);
        change(held.get_or_insert_with(Box::default))
    }

    /// Zeroed memory of `size` bytes for this instance; `MemoryError` when
    /// there is none (`create_string_buffer(1 << 50)`), never an abort.
    fn allocate(&self, size: usize) -> PyResult<()> {
        if size <= INLINE_BYTES && self.owned_size() == 0 {
            self.addr.store(0, Ordering::Relaxed);
            self.owned_size.store(size, Ordering::Relaxed);
            return Ok(());
        }
        let refused = || Msg::CannotAllocate { size: &size }.to_err();
        let words = size.div_ceil(16).max(1);
        let layout = std::alloc::Layout::array::<u128>(words).map_err(|_| refused())?;
        // SAFETY: a layout of at least one word; the block is the global
        // allocator's, as the Vec that owns it expects.
        let block = unsafe {
            let p = std::alloc::alloc_zeroed(layout) as *mut u128;
            if p.is_null() {
                return Err(refused());
            }
            Vec::from_raw_parts(p, words, words)
        };
        self.addr.store(block.as_ptr() as usize, Ordering::Relaxed);
        self.owned_size.store(size, Ordering::Relaxed);
        let old = self.with_extra(|extra| std::mem::replace(&mut extra.owned, block));
        drop(old);
        Ok(())
    }

    #[inline]
    pub fn addr(&self) -> usize {
        match self.addr.load(Ordering::Relaxed) {
            0 if self.owned_size.load(Ordering::Relaxed) != 0 => self.inline.0.get() as usize,
            addr => addr,
        }
    }

    pub fn set_addr(&self, address: usize) {
        self.addr.store(address, Ordering::Relaxed);
    }

    pub fn index(&self) -> isize {
        self.index.load(Ordering::Relaxed)
    }

    pub fn set_index(&self, index: isize) {
        self.index.store(index, Ordering::Relaxed);
    }

    /// The items of an array instance, or of a pointer's target.
    pub fn items(&self) -> Option<Items> {
        self.shape.as_ref().and_then(|shape| shape.get().items)
    }

    pub fn base(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        locked(&self.base).as_ref().map(|b| b.clone_ref(py))
    }

    pub fn set_base(&self, base: Bound<'_, PyAny>) {
        let old = std::mem::replace(&mut *locked(&self.base), some_object(base));
        drop(old);
    }

    pub fn objects(&self, py: Python<'_>) -> Option<Py<PyAny>> {
        locked(&self.extra)
            .as_ref()
            .and_then(|extra| extra.objects.as_ref().map(|o| o.clone_ref(py)))
    }

    pub fn set_objects(&self, objects: Bound<'_, PyAny>) {
        let objects = some_object(objects);
        if objects.is_none() && locked(&self.extra).is_none() {
            return;
        }
        let old = self.with_extra(|extra| std::mem::replace(&mut extra.objects, objects));
        drop(old);
    }

    pub fn call(&self) -> Option<Arc<FastCall>> {
        locked(&self.extra)
            .as_ref()
            .and_then(|extra| extra.call.clone())
    }

    pub fn set_call(&self, call: Option<FastCall>) {
        let old = self.with_extra(|extra| std::mem::replace(&mut extra.call, call.map(Arc::new)));
        drop(old);
    }

    pub fn owned_size(&self) -> usize {
        self.owned_size.load(Ordering::Relaxed)
    }

    /// `sizeof(instance)` of an instance whose type has `type_size` bytes:
    /// more once `resize()` grew it. The byte a zero-sized instance owns
    /// inline only gives it an address; a resize always moves to a heap block.
    pub fn size(&self, type_size: usize) -> usize {
        let owned = self.owned_size();
        let on_heap = self.addr.load(Ordering::Relaxed) != 0;
        if owned > type_size && (type_size > 0 || on_heap) {
            owned
        } else {
            type_size
        }
    }

    /// Moves an owned instance to a zeroed block of `size` bytes, the old
    /// contents copied; a view refuses (its memory is someone else's).
    pub fn resize(&self, size: usize) -> PyResult<()> {
        if self.owned_size() == 0 {
            return Err(Msg::ResizeNotOwner.to_err());
        }
        let kept = self.owned_size().min(size);
        let old_addr = self.addr();
        // Kept until the copy: the old block, unless it is the inline one.
        let old = self.with_extra(|extra| std::mem::take(&mut extra.owned));
        if let Err(e) = self.allocate(size) {
            self.with_extra(|extra| extra.owned = old);
            return Err(e);
        }
        // SAFETY: both blocks hold at least `kept` bytes and are distinct (a
        // resize never goes back to the inline block).
        unsafe {
            std::ptr::copy_nonoverlapping(old_addr as *const u8, self.addr() as *mut u8, kept)
        };
        drop(old);
        Ok(())
    }

    /// Visits what the instance holds; a lock held elsewhere (never across
    /// Python code) would mean a value being replaced, skipped this once.
    pub fn traverse(&self, visit: &PyVisit<'_>) -> Result<(), PyTraverseError> {
        if let Ok(base) = self.base.try_lock() {
            if let Some(base) = base.as_ref() {
                visit.call(base)?;
            }
        }
        if let Some(shape) = &self.shape {
            visit.call(shape)?;
        }
        if let Ok(extra) = self.extra.try_lock() {
            if let Some(extra) = extra.as_ref() {
                if let Some(objects) = &extra.objects {
                    visit.call(objects)?;
                }
                if let Some(call) = &extra.call {
                    call.traverse(visit)?;
                }
            }
        }
        Ok(())
    }

    pub fn clear(&self) {
        let old_base = std::mem::take(&mut *locked(&self.base));
        let old = locked(&self.extra)
            .as_mut()
            .map(|extra| (extra.objects.take(), extra.call.take()));
        drop((old_base, old));
    }
}

type Shape = (usize, Option<Py<CtypesShape>>);

/// `(size, shape)` of `cls`'s instances; a type without a layout gets one
/// first (`_b_finish_`, which raises for abstract types), as ctypes does.
fn shape_of(cls: &Bound<'_, PyType>) -> PyResult<Shape> {
    let py = cls.py();
    let read = |cls: &Bound<'_, PyType>| -> PyResult<Option<Shape>> {
        match cls.getattr_opt(intern!(py, "_b_shape_"))? {
            Some(shape) if shape.is_none() => Ok(None),
            Some(shape) => match shape.cast_into::<CtypesShape>() {
                Ok(shape) => Ok(Some((shape.get().size, Some(shape.unbind())))),
                Err(_) => Err(Msg::ShapeNotCtypesShape.to_err()),
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

/// The C-level base of rcffi.ctypes' instances: where the memory is, who owns
/// it and what it keeps alive (the state lives here so that fields, items and
/// calls implemented in Rust read it without a Python attribute lookup).
/// Its methods are in `ctypes_support.rs`, above the fields and calls they
/// reach; the struct is here so those can name it. `__getbuffer__` asks the instance's `_b_buffer_()`
/// for `(address, size, readonly, format, shape)` on each export, so resizing
/// or re-pointing an instance never leaves a stale copy.
#[pyclass(
    subclass,
    frozen,
    weakref,
    module = "rcffi._backend",
    name = "_CtypesBufferBase"
)]
pub struct CtypesBufferBase {
    pub(crate) state: Instance,
}

impl CtypesBufferBase {
    pub fn for_class(cls: &Bound<'_, PyType>, args: &Bound<'_, PyTuple>) -> PyResult<Self> {
        Ok(CtypesBufferBase {
            state: Instance::for_class(cls, args)?,
        })
    }
}
