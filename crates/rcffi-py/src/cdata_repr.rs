//! How cdata present themselves in `repr()`.

use pyo3::prelude::*;
use pyo3::types::PyBytes;
use rcffi_core::ctype::{Kind, PrimClass};
use rcffi_core::longdouble;

use crate::cdata::{CData, Flavor};
use crate::cdata_owner::OwnerRef;

impl CData {
    pub(crate) fn repr(slf: &Bound<'_, Self>) -> PyResult<String> {
        let this = slf.get();
        let ct = this.ct();
        let py = slf.py();
        if let Some(callable) = crate::callback::callable_of(slf) {
            return Ok(format!(
                "<cdata '{}' calling {}>",
                ct.cname,
                callable.repr()?
            ));
        }
        Ok(match this.flavor() {
            Flavor::Owning => format!(
                "<cdata '{}' owning {} bytes>",
                ct.cname,
                this.owned_size().unwrap_or(0)
            ),
            Flavor::Ref => format!("<cdata '{} &' {:#x}>", ct.cname, this.address() as usize),
            Flavor::Slice => format!(
                "<cdata '{}' sliced length {}>",
                ct.cname,
                this.array_length()
            ),
            Flavor::FromBuffer => crate::buffer::from_buffer_repr(py, this),
            Flavor::Plain => match (ct.kind, this.owner()) {
                (_, OwnerRef::Handle(h)) => {
                    format!("<cdata '{}' handle to {}>", ct.cname, h.object(py).repr()?)
                }
                (Kind::Primitive | Kind::Enum, _) => {
                    format!("<cdata '{}' {}>", ct.cname, this.value_repr(py)?)
                }
                _ if this.address().is_null() => format!("<cdata '{}' NULL>", ct.cname),
                _ => format!("<cdata '{}' {:#x}>", ct.cname, this.address() as usize),
            },
        })
    }

    fn value_repr(&self, py: Python<'_>) -> PyResult<String> {
        let ct = self.ct();
        let prim = ct.prim.expect("primitive");
        if ct.kind == Kind::Enum {
            let v = self.as_integer()?;
            let name = crate::types::enum_values(ct.id)
                .and_then(|vals| vals.into_iter().find(|(_, x)| *x == v).map(|(n, _)| n));
            return Ok(match name {
                Some(n) => format!("{v}: {n}"),
                None => v.to_string(),
            });
        }
        Ok(match prim.class() {
            PrimClass::LongDouble => c_exponent_format(longdouble::to_f64(&self.value())),
            PrimClass::Char => PyBytes::new(py, &self.value()[..1]).repr()?.to_string(),
            PrimClass::WideChar => {
                let code = u32::from_le_bytes(self.value()[..4].try_into().expect("4 bytes"));
                crate::widechar::wide_char_to_str(py, code)?
                    .bind(py)
                    .repr()?
                    .to_string()
            }
            _ => {
                let v = self.python_value(py)?.expect("primitive");
                v.bind(py).repr()?.to_string()
            }
        })
    }
}

/// `printf("%LE")` of a value: `1.500000E+00`, and `INF`, `-INF`, `NAN` or
/// `-NAN` (C shows a NaN's sign) for the values that are no numbers.
fn c_exponent_format(v: f64) -> String {
    if !v.is_finite() {
        let sign = if v.is_sign_negative() { "-" } else { "" };
        let name = if v.is_nan() { "NAN" } else { "INF" };
        return format!("{sign}{name}");
    }
    let s = format!("{v:.6E}");
    match s.split_once('E') {
        Some((mant, exp)) => {
            let (sign, digits) = exp.strip_prefix('-').map_or(("+", exp), |d| ("-", d));
            format!("{mant}E{sign}{digits:0>2}")
        }
        None => s,
    }
}
