//! How the platform's C ABI passes aggregates, computed from the layout rather
//! than from libffi's element lists. libffi classifies a struct by walking its
//! element types with natural alignment, which cannot describe unions, bitfields
//! or packed members; the System V x86-64 rules only depend on which bytes hold
//! floating data, so each aggregate is reduced to its "eightbytes" here and
//! described to libffi as a struct of stand-in elements that classify the same.

use crate::ctype::{Prim, PrimClass, TypeData, TypeId, TypeTable};

/// One byte range of an aggregate holding a scalar.
#[derive(Clone, Copy, Debug)]
struct Leaf {
    offset: usize,
    size: usize,
    floating: bool,
    /// At a multiple of its type's natural alignment (packed structs break this).
    aligned: bool,
}

/// The class of one eightbyte (8-byte chunk) of an aggregate.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Eightbyte {
    /// Passed in a general-purpose register; `len` bytes of the aggregate.
    Integer {
        /// Bytes of the aggregate in this eightbyte (1 to 8).
        len: usize,
    },
    /// Passed in a vector register; `len` bytes of the aggregate.
    Sse {
        /// Bytes of the aggregate in this eightbyte (4 or 8).
        len: usize,
    },
}

/// How an aggregate travels on System V x86-64.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Passing {
    /// In registers, one class per eightbyte (aggregates of at most 16 bytes).
    Registers(Vec<Eightbyte>),
    /// In memory (a copy on the stack, or a hidden pointer for results).
    Memory,
}

/// Whether the aggregate holds a `long double` (x87 classes), which these rules
/// do not model: such aggregates are left to libffi's own classification.
pub fn has_long_double(table: &TypeTable, id: TypeId) -> bool {
    match table.data(id) {
        TypeData::Primitive(p) => *p == Prim::LongDouble,
        TypeData::Array { item, .. } => has_long_double(table, *item),
        TypeData::Record(r) => r
            .fields
            .as_ref()
            .is_some_and(|fs| fs.iter().any(|f| has_long_double(table, f.ty))),
        _ => false,
    }
}

/// The System V x86-64 passing of a complete aggregate of `size` bytes.
pub fn sysv_x86_64(table: &TypeTable, id: TypeId, size: usize) -> Passing {
    if size > 16 || size == 0 {
        return Passing::Memory;
    }
    let mut leaves = Vec::new();
    collect_leaves(table, id, 0, &mut leaves);
    // "If it has unaligned fields, it has class MEMORY."
    if leaves.iter().any(|l| !l.aligned) {
        return Passing::Memory;
    }
    let mut classes = Vec::new();
    let mut start = 0;
    while start < size {
        let len = (size - start).min(8);
        let touching = leaves
            .iter()
            .filter(|l| l.offset < start + len && l.offset + l.size > start);
        let mut any = false;
        let mut all_float = true;
        for l in touching {
            any = true;
            all_float &= l.floating;
        }
        classes.push(if any && all_float {
            Eightbyte::Sse { len }
        } else if any {
            Eightbyte::Integer { len }
        } else {
            // Pure padding classifies as NO_CLASS, which merges as SSE.
            Eightbyte::Sse { len }
        });
        start += 8;
    }
    Passing::Registers(classes)
}

/// Whether the System V x86-64 passing of a record of `size` bytes is known
/// although it may have members the cdef leaves out (`...;`): it is when it
/// travels in memory (over 16 bytes), and otherwise when every eightbyte either
/// holds a declared integer (INTEGER wins over anything a hidden member could
/// add) or is filled by declared floating members (no room for a hidden one).
pub fn sysv_x86_64_known_despite_hidden(table: &TypeTable, id: TypeId, size: usize) -> bool {
    if size > 16 {
        return true;
    }
    let mut leaves = Vec::new();
    collect_leaves(table, id, 0, &mut leaves);
    (0..size).step_by(8).all(|start| {
        let end = (start + 8).min(size);
        let touching: Vec<&Leaf> = leaves
            .iter()
            .filter(|l| l.offset < end && l.offset + l.size > start)
            .collect();
        if touching.iter().any(|l| !l.floating) {
            return true;
        }
        let covered: usize = touching
            .iter()
            .map(|l| (l.offset + l.size).min(end) - l.offset.max(start))
            .sum();
        covered == end - start
    })
}

fn collect_leaves(table: &TypeTable, id: TypeId, base: usize, out: &mut Vec<Leaf>) {
    match table.data(id) {
        TypeData::Primitive(p) => {
            if p.class() == PrimClass::Complex {
                let half = p.size() / 2;
                let aligned = base % p.align() == 0;
                out.push(Leaf {
                    offset: base,
                    size: half,
                    floating: true,
                    aligned,
                });
                out.push(Leaf {
                    offset: base + half,
                    size: half,
                    floating: true,
                    aligned,
                });
            } else {
                let floating = matches!(p.class(), PrimClass::Float);
                out.push(Leaf {
                    offset: base,
                    size: p.size(),
                    floating,
                    aligned: base % p.align() == 0,
                });
            }
        }
        TypeData::Array { item, length } => {
            let step = table.size_of(*item).unwrap_or(0);
            for i in 0..length.unwrap_or(0) {
                collect_leaves(table, *item, base + i * step, out);
            }
        }
        TypeData::Record(r) => {
            for f in r.fields.iter().flatten() {
                match (f.bitshift, f.bitsize) {
                    (Some(shift), Some(width)) => {
                        let first = shift as usize / 8;
                        let last = (shift + width).div_ceil(8) as usize;
                        out.push(Leaf {
                            offset: base + f.offset + first,
                            size: last.saturating_sub(first).max(1),
                            floating: false,
                            aligned: true,
                        });
                    }
                    _ => collect_leaves(table, f.ty, base + f.offset, out),
                }
            }
        }
        _ => {
            let size = table.size_of(id).unwrap_or(8);
            let align = table.align_of(id).unwrap_or(1);
            out.push(Leaf {
                offset: base,
                size,
                floating: false,
                aligned: base % align == 0,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::decl::{CdefOptions, Declarations};

    fn passing(src: &str, name: &str) -> Passing {
        let mut t = TypeTable::new();
        let mut d = Declarations::new();
        d.cdef(&mut t, src, CdefOptions::default()).unwrap();
        let id = d.parse_type(&mut t, name).unwrap();
        let size = t.size_of(id).unwrap();
        sysv_x86_64(&t, id, size)
    }

    #[test]
    fn floats_and_ints_split_by_eightbyte() {
        let p = passing("struct s { double d; int i; };", "struct s");
        assert_eq!(
            p,
            Passing::Registers(vec![
                Eightbyte::Sse { len: 8 },
                Eightbyte::Integer { len: 8 }
            ])
        );
        let p = passing("struct s { float a, b, c; };", "struct s");
        assert_eq!(
            p,
            Passing::Registers(vec![Eightbyte::Sse { len: 8 }, Eightbyte::Sse { len: 4 }])
        );
    }

    #[test]
    fn unions_merge_their_members() {
        let p = passing("union u { float f[3]; int i; };", "union u");
        assert_eq!(
            p,
            Passing::Registers(vec![
                Eightbyte::Integer { len: 8 },
                Eightbyte::Sse { len: 4 }
            ])
        );
        let p = passing("union u { double d; float f; };", "union u");
        assert_eq!(p, Passing::Registers(vec![Eightbyte::Sse { len: 8 }]));
    }

    #[test]
    fn bitfields_are_integer() {
        let p = passing("struct b { unsigned a:3, b:20; float f; };", "struct b");
        assert_eq!(p, Passing::Registers(vec![Eightbyte::Integer { len: 8 }]));
    }

    #[test]
    fn unaligned_fields_go_to_memory() {
        let mut t = TypeTable::new();
        let mut d = Declarations::new();
        let packed = CdefOptions {
            packing: crate::layout::Packing::Packed,
            ..Default::default()
        };
        d.cdef(&mut t, "struct p { char c; double d; };", packed)
            .unwrap();
        let id = d.parse_type(&mut t, "struct p").unwrap();
        assert_eq!(sysv_x86_64(&t, id, 9), Passing::Memory);
    }

    #[test]
    fn large_aggregates_go_to_memory() {
        assert_eq!(
            passing("struct l { long a, b, c; };", "struct l"),
            Passing::Memory
        );
    }
}
