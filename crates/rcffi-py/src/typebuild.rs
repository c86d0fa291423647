//! The type constructors of cffi's backend interface that build nominal and
//! function types from other ctypes (`new_struct_type` + `complete_struct_or_union`,
//! `new_enum_type`, `new_function_type`), for code that drives the backend
//! directly, cffi's own front end among it.

use pyo3::prelude::*;
use pyo3::types::{PyDict, PyTuple};
use rcffi_core::ctype::{Field, FieldDecl, FuncSig, Kind, Prim};
use rcffi_core::layout::{self, BitfieldRules, Bitfields, Layout, Packing};

use crate::cdata::CData;
use crate::errors::to_pyerr;
use crate::messages::Msg;
use crate::types::{ctype_for, table, CType};

/// `complete_struct_or_union` flags (cffi's values): whose bitfield rules,
/// which bit numbering, and `__attribute__((packed))`.
const SF_MSVC_BITFIELDS: i32 = 0x01;
const SF_GCC_ARM_BITFIELDS: i32 = 0x02;
const SF_GCC_BIG_ENDIAN: i32 = 0x04;
const SF_PACKED: i32 = 0x08;

/// The bitfield rules `sflags` ask for; none named is the native ones.
fn bitfield_rules(sflags: i32) -> Bitfields {
    let rules = if sflags & SF_MSVC_BITFIELDS != 0 {
        BitfieldRules::Msvc
    } else if sflags & SF_GCC_ARM_BITFIELDS != 0 {
        BitfieldRules::GccArm
    } else {
        BitfieldRules::GccX86
    };
    Bitfields {
        rules,
        big_endian: sflags & SF_GCC_BIG_ENDIAN != 0,
    }
}

/// `new_struct_type(name)`: an opaque struct, completed later.
#[pyfunction]
pub fn new_struct_type(py: Python<'_>, name: &str) -> Py<CType> {
    let id = table().new_record(name, false);
    ctype_for(py, id)
}

/// `new_union_type(name)`: an opaque union, completed later.
#[pyfunction]
pub fn new_union_type(py: Python<'_>, name: &str) -> Py<CType> {
    let id = table().new_record(name, true);
    ctype_for(py, id)
}

/// One `(name, ctype, bitsize=-1, offset=-1)` entry of `complete_struct_or_union`.
struct FieldSpec {
    name: String,
    ty: Py<CType>,
    bits: Option<u32>,
    offset: Option<usize>,
}

fn field_spec(item: &Bound<'_, PyAny>) -> PyResult<FieldSpec> {
    let t = item
        .cast::<PyTuple>()
        .map_err(|_| Msg::FieldNotTuple.to_err())?;
    if !(2..=4).contains(&t.len()) {
        return Err(Msg::FieldNotTuple.to_err());
    }
    let name: String = t.get_item(0)?.extract()?;
    let ty: Py<CType> = t
        .get_item(1)?
        .extract()
        .map_err(|_| Msg::FieldNotCType { name: &name }.to_err())?;
    let bits: i64 = if t.len() > 2 {
        t.get_item(2)?.extract()?
    } else {
        -1
    };
    let offset: i64 = if t.len() > 3 {
        t.get_item(3)?.extract()?
    } else {
        -1
    };
    Ok(FieldSpec {
        name,
        ty,
        bits: u32::try_from(bits).ok(),
        offset: usize::try_from(offset).ok(),
    })
}

/// The layout of a record with explicit offsets: the given total size and
/// alignment, or those the fields imply (the largest field alignment, and the
/// end of the last field rounded up to it). Reads the fields' types, so it runs
/// before the type table is locked.
fn implied_layout(specs: &[FieldSpec], totalsize: i64, totalalignment: i64) -> Layout {
    let align = match usize::try_from(totalalignment) {
        Ok(a) if a > 0 => a,
        _ => specs
            .iter()
            .map(|f| f.ty.get().align().unwrap_or(1))
            .max()
            .unwrap_or(1),
    };
    let size = match usize::try_from(totalsize) {
        Ok(size) => size,
        Err(_) => {
            let end = specs
                .iter()
                .map(|f| {
                    f.offset
                        .unwrap_or(0)
                        .saturating_add(f.ty.get().size().unwrap_or(0))
                })
                .max()
                .unwrap_or(0);
            end.div_ceil(align).saturating_mul(align)
        }
    };
    Layout { size, align }
}

/// `complete_struct_or_union(ctype, fields, ignored=None, totalsize=-1,
/// totalalignment=-1, sflags=0, pack=0)`: lays the struct out as the C compiler
/// would, or with the given offsets and total size (from a compiler probe).
#[pyfunction]
#[pyo3(signature = (ctype, fields, ignored=None, totalsize=-1, totalalignment=-1, sflags=0, pack=0))]
#[allow(clippy::too_many_arguments)]
pub fn complete_struct_or_union(
    py: Python<'_>,
    ctype: &CType,
    fields: &Bound<'_, PyAny>,
    ignored: Option<&Bound<'_, PyAny>>,
    totalsize: i64,
    totalalignment: i64,
    sflags: i32,
    pack: i64,
) -> PyResult<()> {
    let _ = ignored;
    if !ctype.is_record() {
        return Err(Msg::NotIncompleteRecord {
            ctype: &ctype.cname,
        }
        .to_err());
    }
    if table().record(ctype.id).is_some_and(|r| r.fields.is_some()) {
        return Err(Msg::RecordAlreadyComplete {
            ctype: &ctype.cname,
        }
        .to_err());
    }
    let specs = fields
        .try_iter()?
        .map(|f| field_spec(&f?))
        .collect::<PyResult<Vec<_>>>()?;
    let explicit = specs.iter().any(|f| f.offset.is_some()) || totalsize >= 0;
    let layout = explicit.then(|| implied_layout(&specs, totalsize, totalalignment));
    let mut t = table();
    if let Some(layout) = layout {
        let mut placed = Vec::with_capacity(specs.len());
        for f in &specs {
            let offset = f
                .offset
                .ok_or_else(|| Msg::FieldHasNoOffset { name: &f.name }.to_err())?;
            placed.push(Field {
                name: f.name.clone(),
                ty: f.ty.get().id,
                offset,
                bitshift: f.bits.map(|_| 0),
                bitsize: f.bits,
            });
        }
        t.complete_record_with(ctype.id, placed, layout);
    } else {
        let packing = if sflags & SF_PACKED != 0 {
            Packing::Packed
        } else if pack > 0 {
            Packing::Pack(pack as usize)
        } else {
            Packing::Natural
        };
        let decls: Vec<FieldDecl> = specs
            .iter()
            .map(|f| FieldDecl::plain(f.name.clone(), f.ty.get().id, f.bits))
            .collect();
        let bits = bitfield_rules(sflags);
        if bits == Bitfields::default() && packing != Packing::Packed {
            t.complete_record(ctype.id, &decls, packing, false)
                .map_err(to_pyerr)?;
        } else {
            let is_union = ctype.kind == Kind::Union;
            let (layout, placed) =
                layout::lay_out_as(&t, &decls, is_union, packing, 1, bits).map_err(to_pyerr)?;
            // gcc packs a bitfield into the bits left in the unit before it;
            // cffi's backend refuses such a field rather than read it across
            // two units of its type.
            for f in &placed {
                if let (Some(shift), Some(width)) = (f.bitshift, f.bitsize) {
                    let unit = t.size_of(f.ty).unwrap_or(0) * 8;
                    if (shift + width) as usize > unit {
                        return Err(Msg::PackedBitfieldReuse {
                            ctype: &ctype.cname,
                            name: &f.name,
                        }
                        .to_err());
                    }
                }
            }
            t.complete_record_with(ctype.id, placed, layout);
        }
    }
    drop(t);
    let _ = py;
    Ok(())
}

/// `new_enum_type(name, enumerators, values, basetype)`.
#[pyfunction]
pub fn new_enum_type(
    py: Python<'_>,
    name: &str,
    enumerators: &Bound<'_, PyTuple>,
    values: &Bound<'_, PyTuple>,
    basetype: &CType,
) -> PyResult<Py<CType>> {
    if enumerators.len() != values.len() {
        return Err(Msg::EnumTuplesDiffer.to_err());
    }
    let base = match (basetype.kind, basetype.prim) {
        (Kind::Primitive, Some(p)) if p.is_integer() && p != Prim::Bool => p,
        _ => {
            return Err(Msg::EnumBaseNotInteger {
                ctype: &basetype.cname,
            }
            .to_err())
        }
    };
    let mut pairs = Vec::with_capacity(enumerators.len());
    for (n, v) in enumerators.iter().zip(values.iter()) {
        let value: i128 = v.extract()?;
        let (lo, hi) = rcffi_core::scalar::int_range(base.size(), base.is_signed());
        if value < lo || value > hi {
            return Err(Msg::EnumValueDoesNotFit {
                value: &value,
                ctype: &basetype.cname,
            }
            .to_err());
        }
        pairs.push((n.extract::<String>()?, value));
    }
    let id = table().new_enum_with_base(name, pairs, base);
    Ok(ctype_for(py, id))
}

/// `new_function_type(args, result, ellipsis=0, abi=FFI_DEFAULT_ABI)`.
#[pyfunction]
#[pyo3(signature = (args, result, ellipsis=0, abi=crate::FFI_DEFAULT_ABI))]
pub fn new_function_type(
    py: Python<'_>,
    args: &Bound<'_, PyTuple>,
    result: &CType,
    ellipsis: i32,
    abi: i32,
) -> PyResult<Py<CType>> {
    let mut ids = Vec::with_capacity(args.len());
    for a in args.iter() {
        let ct = a.cast::<CType>().map_err(|_| Msg::ArgsNotCTypes.to_err())?;
        let ct = ct.get();
        match ct.kind {
            Kind::Void => return Err(Msg::VoidArgument.to_err()),
            Kind::Array => {
                let id = table().pointer(ct.item_ref().id);
                ids.push(id);
            }
            _ if ct.is_record() && ct.size().is_none() => {
                return Err(Msg::IncompleteArgument { ctype: &ct.cname }.to_err())
            }
            _ => ids.push(ct.id),
        }
    }
    if result.kind == Kind::Array {
        return Err(Msg::InvalidResultType {
            ctype: &result.cname,
        }
        .to_err());
    }
    let sig = FuncSig {
        args: ids,
        result: result.id,
        variadic: ellipsis != 0,
        abi: (abi == crate::ABI_KEEP_GIL).then(|| crate::KEEP_GIL_ABI_NAME.to_string()),
    };
    let id = table().function(sig);
    Ok(ctype_for(py, id))
}

/// `_get_common_types(dict)`: the standard type names cffi's front end resolves
/// through the backend.
#[pyfunction]
pub fn _get_common_types(d: &Bound<'_, PyDict>) -> PyResult<()> {
    d.set_item("FILE", "struct _IO_FILE")?;
    d.set_item("bool", "_Bool")?;
    Ok(())
}

/// `_get_types()`: the cdata and ctype classes.
#[pyfunction]
pub fn _get_types(py: Python<'_>) -> (Py<PyAny>, Py<PyAny>) {
    (
        py.get_type::<CData>().into_any().unbind(),
        py.get_type::<CType>().into_any().unbind(),
    )
}
