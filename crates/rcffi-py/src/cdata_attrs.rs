//! Attribute access on cdata: struct fields (through a struct cdata or a
//! pointer to one), the attributes of function cdata, and `dir()`.

use pyo3::prelude::*;
use pyo3::types::PyString;
use rcffi_core::ctype::Kind;

use crate::cdata::{null_error, CData, Owner};
use crate::convert;
use crate::messages::Msg;
use crate::types::CType;

impl CData {
    /// Field reads come first (they are the hot path); anything else is ordinary
    /// attribute lookup, so no exception is raised and cleared on the way.
    #[inline]
    pub(crate) fn get_attribute(
        slf: &Bound<'_, Self>,
        name: &Bound<'_, PyString>,
    ) -> PyResult<Py<PyAny>> {
        let this = slf.get();
        let py = slf.py();
        let record = this.record_base(py)?;
        if let Some((base, rct)) = record {
            if let Some(f) = rct.record(py).and_then(|rec| rec.field_by_pystr(name)) {
                if f.flexible {
                    return this.read_flexible(slf, f, base);
                }
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
        found.map(Bound::unbind)
    }

    /// The AttributeError for a name that is neither a field nor an attribute:
    /// its message says whether fields exist at all.
    pub(crate) fn attribute_error(
        slf: &Bound<'_, Self>,
        name: &Bound<'_, PyString>,
    ) -> PyResult<PyErr> {
        let this = slf.get();
        let py = slf.py();
        let cname = &this.ct().cname;
        Ok(match this.record_base(py)? {
            Some((_, rct)) if rct.record(py).is_none() => {
                Msg::OpaqueFieldsRead { ctype: &cname }.to_err()
            }
            Some(_) => Msg::CdataHasNoField {
                ctype: &cname,
                name: &name,
            }
            .to_err(),
            None => Msg::CdataHasNoAttribute {
                ctype: &cname,
                name: &name,
            }
            .to_err(),
        })
    }

    pub(crate) fn set_attribute(
        slf: &Bound<'_, Self>,
        name: &Bound<'_, PyString>,
        value: &Bound<'_, PyAny>,
    ) -> PyResult<()> {
        let this = slf.get();
        let py = slf.py();
        match this.record_base(py)? {
            Some((base, rct)) => {
                let rec = rct.record(py).ok_or_else(|| {
                    Msg::OpaqueFieldsWrite {
                        ctype: &this.ct().cname,
                    }
                    .to_err()
                })?;
                match rec.field_by_pystr(name) {
                    Some(f) if f.flexible && this.owned_size().is_some() => {
                        // Only as many items as the allocation has room for.
                        let total = this.owned_size().unwrap_or(0);
                        let item = f.ctype.get().item_ref();
                        let room = total.saturating_sub(f.offset) / item.size_or_err()?.max(1);
                        unsafe { convert::write_flexible(py, f, base, value, room) }
                    }
                    Some(f) => unsafe { convert::write_field(py, f, base, value) },
                    None => Err(Msg::CdataHasNoField {
                        ctype: &this.ct().cname,
                        name: &name,
                    }
                    .to_err()),
                }
            }
            None => Err(Msg::CdataHasNoAttribute {
                ctype: &this.ct().cname,
                name: &name,
            }
            .to_err()),
        }
    }

    /// The field names of a struct or a pointer to one, sorted; NULL pointers
    /// included, since the names come from the type alone.
    pub(crate) fn field_names(slf: &Bound<'_, Self>) -> Vec<String> {
        let ct = slf.get().ct();
        let rct = match ct.kind {
            Kind::Pointer if ct.item_ref().is_record() => ct.item_ref(),
            _ if ct.is_record() => ct,
            _ => return Vec::new(),
        };
        let mut names: Vec<String> = rct
            .record(slf.py())
            .map(|r| {
                r.fields
                    .iter()
                    .filter(|f| !f.name.is_empty())
                    .map(|f| f.name.clone())
                    .collect()
            })
            .unwrap_or_default();
        names.sort();
        names
    }

    /// Where the struct or union this cdata designates lives: itself, or the target
    /// of a struct pointer (checked for NULL).
    pub(crate) fn record_base(&self, py: Python<'_>) -> PyResult<Option<(*mut u8, &CType)>> {
        let ct = self.ct();
        if ct.is_record() {
            self.check_alive(py)?;
            return Ok(Some((self.address(), ct)));
        }
        if ct.kind == Kind::Pointer && ct.item_ref().is_record() {
            self.check_alive(py)?;
            if self.address().is_null() {
                return Err(null_error(ct));
            }
            return Ok(Some((self.address(), ct.item_ref())));
        }
        Ok(None)
    }

    /// `p.data` for a flexible array member: an array of the items the
    /// allocation has room for when this cdata came from `new`, else a pointer
    /// to the first item (the length is unknown).
    fn read_flexible(
        &self,
        slf: &Bound<'_, Self>,
        f: &crate::types::FieldInfo,
        base: *mut u8,
    ) -> PyResult<Py<PyAny>> {
        let py = slf.py();
        let arr = f.ctype.get();
        let item = arr.item.as_ref().expect("array field");
        let addr = base.wrapping_add(f.offset);
        let item_size = item.get().size_or_err()?.max(1);
        match self.owned_size() {
            Some(total) => {
                let n = total.saturating_sub(f.offset) / item_size;
                let owner = Owner::Keep(slf.clone().into_any().unbind());
                Ok(CData::new_slice(py, f.ctype.clone_ref(py), addr, n, owner)?.into_any())
            }
            None => Ok(CData::new_pointer(py, f.ctype.get().decayed(py), addr)?.into_any()),
        }
    }
}
