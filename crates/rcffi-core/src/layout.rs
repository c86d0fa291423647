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

/// Whose rules place bitfields. gcc's System V rules are the native ones;
/// the others are those `complete_struct_or_union`'s flags can ask for, to lay
/// out another platform's records.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum BitfieldRules {
    /// gcc on x86 (and PowerPC): unnamed bitfields do not align the record.
    #[default]
    GccX86,
    /// gcc on ARM: every bitfield, unnamed and zero-width ones too, aligns the
    /// record as its type does.
    GccArm,
    /// MSVC: a bitfield takes a whole unit of its type, shared only with the
    /// bitfields right before it of a type of the same size; zero-width ones
    /// only end such a run.
    Msvc,
}

/// How bitfields are placed and numbered: the rules, and whether bit 0 is the
/// most significant bit of a field's unit (big-endian targets) rather than the
/// least.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct Bitfields {
    /// The compiler's placement rules.
    pub rules: BitfieldRules,
    /// Bits numbered from the unit's most significant end.
    pub big_endian: bool,
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
    lay_out_as(
        table,
        fields,
        is_union,
        packing,
        min_align,
        Bitfields::default(),
    )
}

fn align_up(x: u128, a: u128) -> u128 {
    x.div_ceil(a) * a
}

/// The name of a member in messages.
fn member_name(f: &FieldDecl) -> String {
    if f.name.is_empty() {
        "an unnamed member".to_string()
    } else {
        format!("field '{}'", f.name)
    }
}

/// `offset` (in bytes) as a `usize`, when the member's `end` (in bits) is
/// still inside the address space.
fn byte_offset(offset: u128, end: u128, f: &FieldDecl) -> Result<usize, Error> {
    usize::try_from(offset)
        .ok()
        .filter(|_| end / 8 <= isize::MAX as u128)
        .ok_or_else(|| {
            Error::Overflow(format!(
                "the end of {} is larger than the address space",
                member_name(f)
            ))
        })
}

/// [`lay_out`] with the bitfield rules of `bits`. Positions are counted in
/// bits in a `u128`, so that a record may be as large as the address space.
pub fn lay_out_as(
    table: &TypeTable,
    fields: &[FieldDecl],
    is_union: bool,
    packing: Packing,
    min_align: usize,
    bits: Bitfields,
) -> Result<(Layout, Vec<Field>), Error> {
    let mut placed = Vec::with_capacity(fields.len());
    let mut bitpos: u128 = 0; // next free bit (structs)
    let mut size_bits: u128 = 0; // bits used so far (unions: the largest member)
    let mut align: usize = min_align.max(1);
    // MSVC: the unit the last bitfields share (byte offset, size) and its free bits.
    let mut msvc_unit: Option<(usize, usize, usize)> = None;
    let last = fields.len().saturating_sub(1);
    for (i, f) in fields.iter().enumerate() {
        let is_flexible = matches!(table.data(f.ty), TypeData::Array { length: None, .. });
        let (fsize, falign) = match (table.size_of(f.ty), table.align_of(f.ty)) {
            (Some(s), Some(a)) => (s, a),
            (None, Some(a)) if is_flexible && i == last && !is_union => (0, a),
            _ => {
                return Err(Error::Type(format!(
                    "{} has ctype '{}' of unknown size",
                    member_name(f),
                    table.cname(f.ty)
                )));
            }
        };
        let start = if is_union { 0 } else { bitpos };
        match f.bits {
            None => {
                msvc_unit = None;
                let a = packing.member(f, falign);
                align = align.max(a);
                let offset = align_up(start.div_ceil(8), a as u128);
                let end = (offset + fsize as u128) * 8;
                let offset = byte_offset(offset, end, f)?;
                placed.push(Field {
                    name: f.name.clone(),
                    ty: f.ty,
                    offset,
                    bitshift: None,
                    bitsize: None,
                });
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
                    match bits.rules {
                        // MSVC: only the end of a run of bitfields.
                        BitfieldRules::Msvc => msvc_unit = None,
                        // gcc: to the next unit of its type's full alignment,
                        // neither `packed` nor `#pragma pack` applying. Only ARM
                        // aligns the record for it.
                        rules => {
                            if rules == BitfieldRules::GccArm {
                                align = align.max(falign);
                            }
                            if !is_union {
                                bitpos = align_up(start, falign as u128 * 8);
                                size_bits = size_bits.max(bitpos);
                            }
                        }
                    }
                    continue;
                }
                let (offset, shift, end) = if bits.rules == BitfieldRules::Msvc {
                    let a = packing.member(f, falign);
                    align = align.max(a);
                    match msvc_unit {
                        Some((offset, size, free))
                            if size == fsize && free >= width && !is_union =>
                        {
                            msvc_unit = Some((offset, size, free - width));
                            (offset as u128, unit_bits - free, bitpos)
                        }
                        _ => {
                            let offset = align_up(start.div_ceil(8), a as u128);
                            let end = (offset + fsize as u128) * 8;
                            let unit_at = usize::try_from(offset).unwrap_or(usize::MAX);
                            msvc_unit = Some((unit_at, fsize, unit_bits - width));
                            (offset, 0, end)
                        }
                    }
                } else {
                    // gcc moves a bitfield to the next unit of its type's
                    // alignment only when it would span more such units than its
                    // type does, and never under `packed` or `#pragma pack`.
                    let unit = falign as u128 * 8;
                    let pos = if packing == Packing::Natural
                        && !f.packed
                        && ((start % unit) + width as u128).div_ceil(unit)
                            > (unit_bits / (falign * 8)) as u128
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
                    if !f.name.is_empty() || bits.rules == BitfieldRules::GccArm {
                        align = align.max(unit_align);
                    }
                    let offset = (pos / (unit_align as u128 * 8)) * unit_align as u128;
                    (offset, (pos - offset * 8) as usize, pos + width as u128)
                };
                let bitshift = if bits.big_endian {
                    unit_bits.checked_sub(shift + width).ok_or_else(|| {
                        Error::Unsupported(format!(
                            "bit-field '{}' does not fit in one '{}' from its offset, which \
                             big-endian numbering needs",
                            f.name,
                            table.cname(f.ty)
                        ))
                    })?
                } else {
                    shift
                };
                let offset = byte_offset(offset, end, f)?;
                placed.push(Field {
                    name: f.name.clone(),
                    ty: f.ty,
                    offset,
                    bitshift: Some(bitshift as u32),
                    bitsize: Some(width as u32),
                });
                bitpos = end;
                size_bits = size_bits.max(bitpos);
            }
        }
    }
    let size = usize::try_from(align_up(size_bits.div_ceil(8), align as u128))
        .ok()
        .filter(|&s| s <= isize::MAX as usize)
        .ok_or_else(|| Error::Overflow("the record is larger than the address space".into()))?;
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

    /// (offset, bitshift) of each member and the layout under `bits`.
    fn placed_as(
        t: &TypeTable,
        fields: &[FieldDecl],
        bits: Bitfields,
    ) -> (Layout, Vec<(usize, Option<u32>)>) {
        let (l, f) = lay_out_as(t, fields, false, Packing::Natural, 1, bits).unwrap();
        (l, offsets(&f))
    }

    fn rules(rules: BitfieldRules, big_endian: bool) -> Bitfields {
        Bitfields { rules, big_endian }
    }

    #[test]
    fn bitfield_flavours_place_mixed_widths() {
        // struct { char a; short b:5; int c:20; char d; }, worked out by hand
        // from each compiler's rules.
        let mut t = TypeTable::new();
        let (c, s, i) = (
            t.primitive(Prim::Char),
            t.primitive(Prim::Short),
            t.primitive(Prim::Int),
        );
        let fields = [
            fd("a", c, None),
            fd("b", s, Some(5)),
            fd("c", i, Some(20)),
            fd("d", c, None),
        ];
        // gcc: b shares a's short unit; c would cross an int unit, so it starts
        // the next one; d follows c's last bit.
        let gcc = vec![(0, None), (0, Some(8)), (4, Some(0)), (7, None)];
        let x86 = placed_as(&t, &fields, Bitfields::default());
        assert_eq!(x86, (Layout { size: 8, align: 4 }, gcc.clone()));
        let arm = placed_as(&t, &fields, rules(BitfieldRules::GccArm, false));
        assert_eq!(arm, (Layout { size: 8, align: 4 }, gcc));
        // Big-endian numbering counts from the unit's top bit.
        let (_, be) = placed_as(&t, &fields, rules(BitfieldRules::GccX86, true));
        assert_eq!(be[1], (0, Some(16 - 5 - 8)));
        assert_eq!(be[2], (4, Some(32 - 20)));
        // MSVC: a short unit for b, then an int unit for c (another size).
        let msvc = placed_as(&t, &fields, rules(BitfieldRules::Msvc, false));
        assert_eq!(
            msvc,
            (
                Layout { size: 12, align: 4 },
                vec![(0, None), (2, Some(0)), (4, Some(0)), (8, None)]
            )
        );
    }

    #[test]
    fn bitfield_flavours_unnamed_and_zero_width() {
        let mut t = TypeTable::new();
        let (c, i, ll) = (
            t.primitive(Prim::Char),
            t.primitive(Prim::Int),
            t.primitive(Prim::LongLong),
        );
        // struct { char a; long long :3; char b; }: only ARM aligns the
        // record for the unnamed bitfield.
        let unnamed = [fd("a", c, None), fd("", ll, Some(3)), fd("b", c, None)];
        let x86 = placed_as(&t, &unnamed, Bitfields::default());
        assert_eq!(x86.0, Layout { size: 3, align: 1 });
        assert_eq!(x86.1[2], (2, None));
        let arm = placed_as(&t, &unnamed, rules(BitfieldRules::GccArm, false));
        assert_eq!(arm.0, Layout { size: 8, align: 8 });
        assert_eq!(arm.1[2], (2, None));
        // struct { int a:3; int b:4; char :0; int c:2; }: MSVC shares a's
        // unit with b, and the zero-width member only ends that run; gcc
        // moves c to the next char, still in a's int.
        let run = [
            fd("a", i, Some(3)),
            fd("b", i, Some(4)),
            fd("", c, Some(0)),
            fd("c", i, Some(2)),
        ];
        let msvc = placed_as(&t, &run, rules(BitfieldRules::Msvc, false));
        assert_eq!(
            msvc,
            (
                Layout { size: 8, align: 4 },
                vec![(0, Some(0)), (0, Some(3)), (4, Some(0))]
            )
        );
        let gcc = placed_as(&t, &run, Bitfields::default());
        assert_eq!(
            gcc,
            (
                Layout { size: 4, align: 4 },
                vec![(0, Some(0)), (0, Some(3)), (0, Some(8))]
            )
        );
    }

    #[test]
    fn records_as_large_as_the_address_space() {
        let mut t = TypeTable::new();
        let c = t.primitive(Prim::Char);
        let huge = t.array(c, Some(isize::MAX as usize));
        let (l, _) = lay_out(&t, &[fd("a", huge, None)], false, Packing::Natural, 1).unwrap();
        assert_eq!(l.size, isize::MAX as usize);
        let two = [fd("a", huge, None), fd("b", huge, None)];
        assert!(matches!(
            lay_out(&t, &two, false, Packing::Natural, 1),
            Err(Error::Overflow(_))
        ));
    }
}
