//! Struct and union layout: sizes, alignments, member offsets and bitfield placement
//! as gcc computes them for the System V ABIs (x86-64, aarch64 Linux), including
//! `__attribute__((packed))`, `aligned(N)` on members and records, and
//! `#pragma pack(N)`.

use crate::ctype::{Field, FieldDecl, Prim, TypeData, TypeTable};
use crate::error::Error;

/// Size and alignment of a completed struct or union.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Layout {
    /// `sizeof`, including tail padding.
    pub size: usize,
    /// `alignof`.
    pub align: usize,
}

/// How members are packed: gcc's defaults, `packed` (alignment 1 everywhere,
/// bitfields back to back), or `#pragma pack(N)` (alignments capped at N).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Packing {
    /// The compiler's default layout.
    #[default]
    Natural,
    /// `__attribute__((packed))`.
    Packed,
    /// `#pragma pack(N)`.
    Pack(usize),
}

impl Packing {
    /// The alignment a member of natural alignment `align` gets.
    fn cap(self, align: usize) -> usize {
        match self {
            Packing::Natural => align,
            Packing::Packed => 1,
            Packing::Pack(n) => align.min(n.max(1)),
        }
    }

    /// The alignment of member `f` of natural alignment `align`: `packed` on the
    /// member lowers it to 1, `aligned(N)` raises it to N, and `#pragma pack`
    /// caps the result (gcc caps even an explicit `aligned`).
    fn member(self, f: &FieldDecl, align: usize) -> usize {
        let own = if f.packed { 1 } else { self.cap(align) };
        let wanted = own.max(f.aligned.unwrap_or(1));
        match self {
            Packing::Pack(n) => wanted.min(n.max(1)),
            _ => wanted,
        }
    }
}

fn align_up(x: usize, a: usize) -> usize {
    x.div_ceil(a) * a
}

/// Places `fields` and returns the record's layout with every member's offset;
/// `min_align` is the record's own `aligned(N)` (1 without one), which
/// `#pragma pack` does not cap.
pub fn lay_out(
    table: &TypeTable,
    fields: &[FieldDecl],
    is_union: bool,
    packing: Packing,
    min_align: usize,
) -> Result<(Layout, Vec<Field>), Error> {
    let mut placed = Vec::with_capacity(fields.len());
    let mut bitpos: usize = 0; // next free bit (structs)
    let mut size_bits: usize = 0; // bits used so far (unions: the largest member)
    let mut align: usize = min_align.max(1);
    let last = fields.len().saturating_sub(1);
    for (i, f) in fields.iter().enumerate() {
        let is_flexible = matches!(table.data(f.ty), TypeData::Array { length: None, .. });
        let (fsize, falign) = match (table.size_of(f.ty), table.align_of(f.ty)) {
            (Some(s), Some(a)) => (s, a),
            (None, Some(a)) if is_flexible && i == last && !is_union => (0, a),
            _ => {
                let what = if f.name.is_empty() {
                    "an unnamed member".to_string()
                } else {
                    format!("field '{}'", f.name)
                };
                return Err(Error::Type(format!(
                    "{what} has ctype '{}' of unknown size",
                    table.cname(f.ty)
                )));
            }
        };
        let start = if is_union { 0 } else { bitpos };
        match f.bits {
            None => {
                let a = packing.member(f, falign);
                align = align.max(a);
                let offset = align_up(start.div_ceil(8), a);
                placed.push(Field {
                    name: f.name.clone(),
                    ty: f.ty,
                    offset,
                    bitshift: None,
                    bitsize: None,
                });
                // Positions are counted in bits, so a record is bounded by
                // usize::MAX / 8 bytes, still far beyond any address space.
                let end = offset
                    .checked_add(fsize)
                    .filter(|&e| e <= usize::MAX / 8)
                    .map(|e| e * 8)
                    .ok_or_else(|| {
                        Error::Overflow(format!(
                            "{} is larger than the address space",
                            if f.name.is_empty() {
                                "an unnamed member's end".to_string()
                            } else {
                                format!("the end of field '{}'", f.name)
                            }
                        ))
                    })?;
                bitpos = end;
                size_bits = size_bits.max(end);
            }
            Some(width) => {
                let width = width as usize;
                let unit_bits = fsize * 8;
                if !table.data(f.ty).is_integer_like() {
                    return Err(Error::Type(format!(
                        "field '{}' is a bitfield, but its type '{}' is not an integer type",
                        f.name,
                        table.cname(f.ty)
                    )));
                }
                // gcc: the width of a `_Bool` bitfield is at most 1, not 8.
                let max_width = if matches!(table.data(f.ty), TypeData::Primitive(Prim::Bool)) {
                    1
                } else {
                    unit_bits
                };
                if width > max_width {
                    return Err(Error::Type(format!(
                        "bit-field '{}' is wider than its type '{}' ({width} > {max_width} bits)",
                        f.name,
                        table.cname(f.ty)
                    )));
                }
                if width == 0 {
                    if !f.name.is_empty() {
                        return Err(Error::Type(format!(
                            "bit-field '{}' has zero width",
                            f.name
                        )));
                    }
                    // An unnamed zero-width bitfield moves to the next unit of its
                    // type's full alignment: gcc applies neither `packed` nor
                    // `#pragma pack` to it. It does not change the record's alignment.
                    if !is_union {
                        bitpos = align_up(start, falign * 8);
                        size_bits = size_bits.max(bitpos);
                    }
                    continue;
                }
                // gcc moves a bitfield to the next unit of its type's alignment only
                // when it would span more such units than its type does, and never
                // under `packed` or `#pragma pack`.
                let unit = falign * 8;
                let pos = if packing == Packing::Natural
                    && !f.packed
                    && ((start % unit) + width).div_ceil(unit) > unit_bits / unit
                {
                    align_up(start, unit)
                } else {
                    start
                };
                // gcc: a packed bitfield still aligns the record as its type
                // does under `#pragma pack` (capped), and not at all without.
                let unit_align = if f.packed && !matches!(packing, Packing::Pack(_)) {
                    1
                } else {
                    packing.cap(falign)
                };
                if !f.name.is_empty() {
                    align = align.max(unit_align);
                }
                let offset = (pos / (unit_align * 8)) * unit_align;
                placed.push(Field {
                    name: f.name.clone(),
                    ty: f.ty,
                    offset,
                    bitshift: Some((pos - offset * 8) as u32),
                    bitsize: Some(width as u32),
                });
                bitpos = pos + width;
                size_bits = size_bits.max(bitpos);
            }
        }
    }
    let size = align_up(size_bits.div_ceil(8), align);
    Ok((Layout { size, align }, placed))
}

impl TypeData {
    /// Whether a bitfield may have this type.
    fn is_integer_like(&self) -> bool {
        match self {
            TypeData::Primitive(p) => p.is_integer(),
            TypeData::Enum(_) => true,
            _ => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ctype::{Prim, TypeId};

    fn fd(name: &str, ty: TypeId, bits: Option<u32>) -> FieldDecl {
        FieldDecl::plain(name.into(), ty, bits)
    }

    fn offsets(fields: &[Field]) -> Vec<(usize, Option<u32>)> {
        fields.iter().map(|f| (f.offset, f.bitshift)).collect()
    }

    #[test]
    fn plain_struct_pads_to_alignment() {
        let mut t = TypeTable::new();
        let c = t.primitive(Prim::Char);
        let d = t.primitive(Prim::Double);
        let (l, f) = lay_out(
            &t,
            &[fd("a", c, None), fd("b", d, None), fd("c", c, None)],
            false,
            Packing::Natural,
            1,
        )
        .unwrap();
        assert_eq!(l, Layout { size: 24, align: 8 });
        assert_eq!(offsets(&f), vec![(0, None), (8, None), (16, None)]);
    }

    #[test]
    fn packed_and_pack_n() {
        let mut t = TypeTable::new();
        let c = t.primitive(Prim::Char);
        let i = t.primitive(Prim::Int);
        let fields = [fd("a", c, None), fd("b", i, None)];
        let (l, _) = lay_out(&t, &fields, false, Packing::Packed, 1).unwrap();
        assert_eq!(l, Layout { size: 5, align: 1 });
        let (l, f) = lay_out(&t, &fields, false, Packing::Pack(2), 1).unwrap();
        assert_eq!(l, Layout { size: 6, align: 2 });
        assert_eq!(f[1].offset, 2);
    }

    #[test]
    fn bitfields_share_units_and_do_not_straddle() {
        let mut t = TypeTable::new();
        let c = t.primitive(Prim::Char);
        let i = t.primitive(Prim::Int);
        // struct { char a; int b:3; int c:30; }
        let (l, f) = lay_out(
            &t,
            &[fd("a", c, None), fd("b", i, Some(3)), fd("c", i, Some(30))],
            false,
            Packing::Natural,
            1,
        )
        .unwrap();
        assert_eq!(offsets(&f), vec![(0, None), (0, Some(8)), (4, Some(0))]);
        assert_eq!(l, Layout { size: 8, align: 4 });
    }

    #[test]
    fn unnamed_bitfields_do_not_align_the_record() {
        let mut t = TypeTable::new();
        let c = t.primitive(Prim::Char);
        let ll = t.primitive(Prim::LongLong);
        let (l, _) = lay_out(
            &t,
            &[fd("a", c, None), fd("", ll, Some(3))],
            false,
            Packing::Natural,
            1,
        )
        .unwrap();
        assert_eq!(l, Layout { size: 2, align: 1 });
        let (l, _) = lay_out(
            &t,
            &[fd("a", c, None), fd("", ll, Some(0)), fd("b", c, None)],
            false,
            Packing::Natural,
            1,
        )
        .unwrap();
        assert_eq!(l, Layout { size: 9, align: 1 });
    }

    #[test]
    fn zero_width_bitfields_ignore_packing() {
        // gcc: `#pragma pack` and `packed` leave a zero-width bitfield's alignment
        // alone; it still moves to the next unit of its type, without aligning the
        // record.
        let mut t = TypeTable::new();
        let c = t.primitive(Prim::Char);
        let i = t.primitive(Prim::Int);
        let l = t.primitive(Prim::Long);
        let fields = [fd("a", c, None), fd("", i, Some(0)), fd("b", c, None)];
        for packing in [Packing::Packed, Packing::Pack(1), Packing::Pack(2)] {
            let (lay, f) = lay_out(&t, &fields, false, packing, 1).unwrap();
            assert_eq!(f[1].offset, 4, "{packing:?}");
            assert_eq!(lay, Layout { size: 5, align: 1 }, "{packing:?}");
        }
        // struct { char a; long :0; long b:3; } under pack(4): b at bit 64, size 12.
        let (lay, f) = lay_out(
            &t,
            &[fd("a", c, None), fd("", l, Some(0)), fd("b", l, Some(3))],
            false,
            Packing::Pack(4),
            1,
        )
        .unwrap();
        assert_eq!((f[1].offset * 8 + f[1].bitshift.unwrap() as usize), 64);
        assert_eq!(lay, Layout { size: 12, align: 4 });
    }

    #[test]
    fn unions_overlay_members() {
        let mut t = TypeTable::new();
        let c = t.primitive(Prim::Char);
        let d = t.primitive(Prim::Double);
        let a = t.array(c, Some(9));
        let (l, f) = lay_out(
            &t,
            &[fd("a", a, None), fd("b", d, None)],
            true,
            Packing::Natural,
            1,
        )
        .unwrap();
        assert_eq!(l, Layout { size: 16, align: 8 });
        assert!(f.iter().all(|f| f.offset == 0));
    }

    #[test]
    fn flexible_array_member_last() {
        let mut t = TypeTable::new();
        let i = t.primitive(Prim::Int);
        let s = t.primitive(Prim::Short);
        let open = t.array(i, None);
        let (l, f) = lay_out(
            &t,
            &[fd("n", s, None), fd("data", open, None)],
            false,
            Packing::Natural,
            1,
        )
        .unwrap();
        assert_eq!(l, Layout { size: 4, align: 4 });
        assert_eq!(f[1].offset, 4);
        assert!(lay_out(
            &t,
            &[fd("data", open, None), fd("n", s, None)],
            false,
            Packing::Natural,
            1,
        )
        .is_err());
    }
}
