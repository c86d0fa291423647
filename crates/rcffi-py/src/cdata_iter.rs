//! Iteration over an array cdata. Items are read one at a time, when asked
//! for, as cffi's iterator reads them: a loop that writes a later item then
//! reads what it wrote, and a large array is not copied into a list first.

use pyo3::prelude::*;

use crate::cdata::CData;
use crate::convert;

#[pyclass(module = "rcffi._backend", name = "_CDataIterator")]
pub struct CDataIterator {
    array: Py<CData>,
    next: usize,
    length: usize,
}

impl CDataIterator {
    /// An iterator over the `length` items of `array` (an array cdata).
    pub fn new(array: Py<CData>, length: usize) -> Self {
        CDataIterator {
            array,
            next: 0,
            length,
        }
    }
}

#[pymethods]
impl CDataIterator {
    fn __iter__(slf: PyRef<'_, Self>) -> PyRef<'_, Self> {
        slf
    }

    fn __next__(mut slf: PyRefMut<'_, Self>) -> PyResult<Option<Py<PyAny>>> {
        let py = slf.py();
        if slf.next >= slf.length {
            return Ok(None);
        }
        let index = slf.next;
        slf.next += 1;
        let array = slf.array.clone_ref(py).into_bound(py);
        // Read with the iterator released: reading may run Python code.
        drop(slf);
        let this = array.get();
        this.check_alive(py)?;
        let item = this.ct().item.as_ref().expect("an array's item");
        let size = item.get().size_or_err()?;
        // SAFETY: `index` is below the array's length and its memory is alive.
        let value = unsafe {
            convert::read(
                py,
                item,
                this.address().add(index * size),
                Some(array.as_any()),
            )?
        };
        Ok(Some(value))
    }
}
