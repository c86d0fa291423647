//! A compact, versioned binary form of one FFI's declarations and the types they
//! use, so that out-of-line modules rebuild their `ffi` at import time without
//! parsing any C.
//!
//! Layout of the blob: a magic and version byte; the types (records and enums as
//! nominal shells first referenced by index, structural types by their parts);
//! then the members and layouts of records (a second section, because records may
//! point to themselves); then typedefs, tags and names. Integers are LEB128
//! varints (zigzag for signed values), strings are length-prefixed UTF-8.
//!
//! Types that come from an included FFI (`ffi.include()`) are written as a
//! reference by name into that include, not by their parts, so the module that
//! reads the blob shares the included module's types (cffi's `_includes`): one
//! `struct foo_s` for both, `ffi1.typeof("struct foo_s") is ffi2.typeof(...)`.

use std::collections::HashMap;

use crate::ctype::{Field, FuncSig, Prim, TypeData, TypeId, TypeTable, UnknownNumeric};
use crate::decl::{Declarations, Entity, ExternPython, Typedef};
use crate::error::Error;
use crate::layout::Layout;

const MAGIC: &[u8; 4] = b"RCFD";
/// Bumped whenever the format changes; older blobs are refused with a message
/// asking to regenerate the module.
pub const VERSION: u8 = 1;

/// Serialises `decls` and every type they reach.
pub fn serialize(table: &TypeTable, decls: &Declarations) -> Vec<u8> {
    serialize_with_includes(table, decls, &[])
}

/// Which declaration of an included FFI names a type.
#[derive(Clone, Copy, PartialEq, Eq)]
enum ImportKind {
    Struct = 0,
    Union = 1,
    Enum = 2,
    Typedef = 3,
    /// What a typedef of a pointer points to (`typedef struct {...} *p_t;`).
    TypedefTarget = 4,
}

/// Serialises `decls`; the nominal types (records, enums, and what typedefs
/// name) that one of `includes` declares are written as references into it, to
/// be resolved against the same includes by [`deserialize_with_includes`].
pub fn serialize_with_includes(
    table: &TypeTable,
    decls: &Declarations,
    includes: &[&Declarations],
) -> Vec<u8> {
    let mut w = Writer {
        out: Vec::new(),
        index: HashMap::new(),
        order: Vec::new(),
        imported: imported_types(table, includes),
    };
    w.out.extend_from_slice(MAGIC);
    w.out.push(VERSION);
    // Collect reachable types in dependency order.
    let mut roots: Vec<TypeId> = Vec::new();
    roots.extend(decls.record_order.iter().copied());
    let mut typedef_names: Vec<&String> = decls.typedefs.keys().collect();
    typedef_names.sort();
    roots.extend(typedef_names.iter().map(|n| decls.typedefs[*n].ty));
    for map in [&decls.structs, &decls.unions, &decls.enums] {
        let mut names: Vec<&String> = map.keys().collect();
        names.sort();
        roots.extend(names.iter().map(|n| map[*n]));
    }
    for name in &decls.name_order {
        match &decls.names[name] {
            Entity::Function { ty, .. } | Entity::Global { ty, .. } => roots.push(*ty),
            Entity::IntConstant { ty: Some(ty), .. } => roots.push(*ty),
            _ => {}
        }
    }
    for r in roots {
        w.visit(table, r);
    }
    w.write_types(table);
    w.write_records(table);
    w.write_names(decls);
    // `__asm__` renames come last: a blob without them (written before
    // they existed) simply ends here.
    let mut renames: Vec<(&String, &String)> = decls.asm_names.iter().collect();
    renames.sort();
    w.uint(renames.len() as u64);
    for (name, symbol) in renames {
        w.string(name);
        w.string(symbol);
    }
    // What included headers declared (the loader's entries must be the
    // builder's, see `Declarations::from_header`), after the renames.
    let header_names: Vec<&String> = decls
        .name_order
        .iter()
        .filter(|n| decls.from_header.contains(*n))
        .collect();
    w.uint(header_names.len() as u64);
    for name in header_names {
        w.string(name);
    }
    let header_records: Vec<TypeId> = decls
        .record_order
        .iter()
        .copied()
        .filter(|id| decls.header_records.contains(id))
        .collect();
    w.uint(header_records.len() as u64);
    for id in header_records {
        w.reference(id);
    }
    w.out
}

/// The types `includes` declare by name: records and enums by tag, then the
/// nominal types (and unknown numerics) their typedefs name. The first include
/// that names a type wins, as `ffi.include()` keeps the first declaration.
fn imported_types(
    table: &TypeTable,
    includes: &[&Declarations],
) -> HashMap<TypeId, (usize, ImportKind, String)> {
    let mut found = HashMap::new();
    for (k, inc) in includes.iter().enumerate() {
        for (map, kind) in [
            (&inc.structs, ImportKind::Struct),
            (&inc.unions, ImportKind::Union),
            (&inc.enums, ImportKind::Enum),
        ] {
            for (name, id) in map {
                found.entry(*id).or_insert((k, kind, name.clone()));
            }
        }
        for (name, td) in &inc.typedefs {
            let nominal = matches!(
                table.data(td.ty),
                TypeData::Record(_) | TypeData::Enum(_) | TypeData::Unknown(_)
            );
            if nominal {
                found
                    .entry(td.ty)
                    .or_insert((k, ImportKind::Typedef, name.clone()));
            } else if let TypeData::Pointer(target) = table.data(td.ty) {
                if matches!(table.data(*target), TypeData::Record(_) | TypeData::Enum(_)) {
                    found
                        .entry(*target)
                        .or_insert((k, ImportKind::TypedefTarget, name.clone()));
                }
            }
        }
    }
    found
}

struct Writer {
    out: Vec<u8>,
    index: HashMap<TypeId, u32>,
    order: Vec<TypeId>,
    imported: HashMap<TypeId, (usize, ImportKind, String)>,
}

impl Writer {
    fn uint(&mut self, mut v: u64) {
        loop {
            let byte = (v & 0x7f) as u8;
            v >>= 7;
            if v == 0 {
                self.out.push(byte);
                return;
            }
            self.out.push(byte | 0x80);
        }
    }

    fn int(&mut self, v: i128) {
        let zig = ((v << 1) ^ (v >> 127)) as u128;
        self.uint((zig & u64::MAX as u128) as u64);
        self.uint((zig >> 64) as u64);
    }

    fn string(&mut self, s: &str) {
        self.uint(s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
    }

    fn reference(&mut self, id: TypeId) {
        let i = self.index[&id];
        self.uint(u64::from(i));
    }

    /// Numbers `id` after everything it is built from. Records and enums are
    /// numbered before their members are visited, which breaks cycles.
    fn visit(&mut self, table: &TypeTable, id: TypeId) {
        if self.index.contains_key(&id) {
            return;
        }
        if self.imported.contains_key(&id) {
            self.number(id);
            return;
        }
        match table.data(id) {
            TypeData::Record(r) => {
                self.number(id);
                for f in r.fields.iter().flatten() {
                    self.visit(table, f.ty);
                }
                return;
            }
            TypeData::Pointer(t) => self.visit(table, *t),
            TypeData::Array { item, .. } | TypeData::UnknownLength(item) => {
                self.visit(table, *item)
            }
            TypeData::Function(sig) => {
                for a in &sig.args {
                    self.visit(table, *a);
                }
                self.visit(table, sig.result);
            }
            _ => {}
        }
        // A cycle through a record (a function taking a struct that points
        // back to the function's own type) numbers `id` while its parts are
        // visited: numbering it again would make earlier references point
        // forward.
        if !self.index.contains_key(&id) {
            self.number(id);
        }
    }

    fn number(&mut self, id: TypeId) {
        let i = self.order.len() as u32;
        self.index.insert(id, i);
        self.order.push(id);
    }

    fn write_types(&mut self, table: &TypeTable) {
        let order = self.order.clone();
        self.uint(order.len() as u64);
        for id in order {
            if let Some((k, kind, name)) = self.imported.get(&id).cloned() {
                self.out.push(10);
                self.uint(k as u64);
                self.out.push(kind as u8);
                self.string(&name);
                continue;
            }
            match table.data(id) {
                TypeData::Void => self.out.push(0),
                TypeData::Primitive(p) => {
                    self.out.push(1);
                    self.uint(prim_index(*p));
                }
                TypeData::Pointer(t) => {
                    self.out.push(2);
                    self.reference(*t);
                }
                TypeData::Array { item, length } => {
                    self.out.push(3);
                    self.reference(*item);
                    self.uint(length.map_or(0, |n| n as u64 + 1));
                }
                TypeData::Record(r) => {
                    self.out.push(if r.is_union { 5 } else { 4 });
                    self.string(table.cname(id));
                }
                TypeData::Enum(e) => {
                    self.out.push(6);
                    self.string(table.cname(id));
                    self.uint(prim_index(e.base));
                    self.out.push(u8::from(e.partial));
                    self.uint(e.values.len() as u64);
                    for (name, v) in &e.values {
                        self.string(name);
                        self.int(*v);
                    }
                }
                TypeData::UnknownLength(item) => {
                    self.out.push(9);
                    self.reference(*item);
                }
                TypeData::Unknown(kind) => {
                    self.out.push(8);
                    self.string(table.cname(id));
                    self.out.push(u8::from(*kind == UnknownNumeric::Float));
                }
                TypeData::Function(sig) => {
                    self.out.push(7);
                    self.uint(sig.args.len() as u64);
                    for a in &sig.args {
                        self.reference(*a);
                    }
                    self.reference(sig.result);
                    self.out.push(u8::from(sig.variadic));
                }
            }
        }
    }

    fn write_records(&mut self, table: &TypeTable) {
        let records: Vec<TypeId> = self
            .order
            .iter()
            .copied()
            .filter(|id| table.record(*id).is_some() && !self.imported.contains_key(id))
            .collect();
        self.uint(records.len() as u64);
        for id in records {
            let r = table.record(id).expect("record");
            self.reference(id);
            self.out.push(u8::from(r.partial));
            match (&r.fields, r.layout) {
                (Some(fields), layout) => {
                    // 1: members and layout; 2: members whose layout the compiler gives.
                    match layout {
                        Some(layout) => {
                            self.out.push(1);
                            self.uint(layout.size as u64);
                            self.uint(layout.align as u64);
                        }
                        None => self.out.push(2),
                    }
                    self.uint(fields.len() as u64);
                    for f in fields {
                        self.string(&f.name);
                        self.reference(f.ty);
                        self.uint(f.offset as u64);
                        self.uint(f.bitshift.map_or(0, |b| u64::from(b) + 1));
                        self.uint(f.bitsize.map_or(0, |b| u64::from(b) + 1));
                    }
                }
                (None, _) => self.out.push(0),
            }
        }
    }

    fn write_names(&mut self, decls: &Declarations) {
        let mut typedefs: Vec<(&String, &Typedef)> = decls.typedefs.iter().collect();
        typedefs.sort_by(|a, b| a.0.cmp(b.0));
        self.uint(typedefs.len() as u64);
        for (name, td) in typedefs {
            self.string(name);
            self.reference(td.ty);
            self.out
                .push(u8::from(td.raw_function) | (u8::from(td.is_const) << 1));
        }
        for map in [&decls.structs, &decls.unions, &decls.enums] {
            let mut tags: Vec<(&String, &TypeId)> = map.iter().collect();
            tags.sort_by(|a, b| a.0.cmp(b.0));
            self.uint(tags.len() as u64);
            for (name, id) in tags {
                self.string(name);
                self.reference(*id);
            }
        }
        self.uint(decls.name_order.len() as u64);
        for name in &decls.name_order {
            self.string(name);
            match &decls.names[name] {
                Entity::Function { ty, extern_python } => {
                    self.out.push(0);
                    self.reference(*ty);
                    self.out.push(match extern_python {
                        None => 0,
                        Some(ExternPython::Static) => 1,
                        Some(ExternPython::PlusC) => 2,
                        Some(ExternPython::Exported) => 3,
                    });
                }
                Entity::Global { ty, constant } => {
                    self.out.push(1);
                    self.reference(*ty);
                    self.out.push(u8::from(*constant));
                }
                Entity::IntConstant { value, ty } => {
                    self.out.push(2);
                    self.int(*value);
                    match ty {
                        Some(t) => {
                            self.out.push(1);
                            self.reference(*t);
                        }
                        None => self.out.push(0),
                    }
                }
                Entity::UnknownConstant => self.out.push(3),
                Entity::FloatConstant(v) => {
                    self.out.push(4);
                    self.out.extend_from_slice(&v.to_le_bytes());
                }
                Entity::StrConstant(bytes) => {
                    self.out.push(5);
                    self.uint(bytes.len() as u64);
                    self.out.extend_from_slice(bytes);
                }
            }
        }
    }
}

fn prim_index(p: Prim) -> u64 {
    Prim::ALL
        .iter()
        .position(|q| *q == p)
        .expect("every primitive is listed") as u64
}

/// Rebuilds declarations from a blob made by [`serialize`], creating their types
/// in `table` (records and enums are new types; structural ones are interned).
pub fn deserialize(table: &mut TypeTable, blob: &[u8]) -> Result<Declarations, Error> {
    deserialize_with_includes(table, blob, &[])
}

/// Refuses what is not a blob of this format: the checks a module's import
/// makes at once, the rest of the blob being decoded on first use.
pub fn check_header(blob: &[u8]) -> Result<(), Error> {
    let mut r = Reader { data: blob, pos: 0 };
    if r.take(4)? != MAGIC {
        return Err(Error::Type(
            "not a serialised rcffi declaration blob".into(),
        ));
    }
    let version = r.byte()?;
    if version != VERSION {
        return Err(Error::Type(format!(
            "declarations were serialised by another rcffi version (format {version}, this rcffi reads {VERSION}): regenerate the module"
        )));
    }
    Ok(())
}

/// Rebuilds declarations from a blob made by [`serialize_with_includes`]; its
/// references into included FFIs resolve to the types of `includes` (the
/// declarations of the same included modules, in the same order).
pub fn deserialize_with_includes(
    table: &mut TypeTable,
    blob: &[u8],
    includes: &[&Declarations],
) -> Result<Declarations, Error> {
    check_header(blob)?;
    let mut r = Reader {
        data: blob,
        pos: MAGIC.len() + 1,
    };
    let n = r.uint()? as usize;
    let mut ids: Vec<TypeId> = Vec::with_capacity(n);
    let mut imported: Vec<TypeId> = Vec::new();
    for _ in 0..n {
        let tag = r.byte()?;
        let id = match tag {
            0 => table.void(),
            1 => table.primitive(r.prim()?),
            2 => {
                let t = r.reference(&ids)?;
                table.pointer(t)
            }
            3 => {
                let item = r.reference(&ids)?;
                let len = r.uint()?;
                table.array(item, len.checked_sub(1).map(|l| l as usize))
            }
            4 | 5 => {
                let name = r.string()?;
                if name == "FILE" {
                    // The C library's `FILE`: one type for every FFI.
                    table.file()
                } else {
                    table.new_record(&name, tag == 5)
                }
            }
            6 => {
                let name = r.string()?;
                let base = r.prim()?;
                let partial = r.byte()? != 0;
                let count = r.uint()? as usize;
                let mut values = Vec::with_capacity(count);
                for _ in 0..count {
                    values.push((r.string()?, r.int()?));
                }
                let id = table.new_enum_with_base(&name, values, base);
                table.set_enum_partial(id, partial);
                id
            }
            7 => {
                let nargs = r.uint()? as usize;
                let mut args = Vec::with_capacity(nargs);
                for _ in 0..nargs {
                    args.push(r.reference(&ids)?);
                }
                let result = r.reference(&ids)?;
                let variadic = r.byte()? != 0;
                table.function(FuncSig {
                    args,
                    result,
                    variadic,
                    abi: None,
                })
            }
            8 => {
                let name = r.string()?;
                let kind = if r.byte()? != 0 {
                    UnknownNumeric::Float
                } else {
                    UnknownNumeric::Integer
                };
                table.new_unknown(&name, kind)
            }
            9 => {
                let item = r.reference(&ids)?;
                table.new_unknown_length(item)
            }
            10 => {
                let k = r.uint()? as usize;
                let kind = r.byte()?;
                let name = r.string()?;
                let id = imported_type(table, includes, k, kind, &name)?;
                imported.push(id);
                id
            }
            other => {
                return Err(Error::Type(format!(
                    "corrupt declaration blob: type tag {other}"
                )))
            }
        };
        ids.push(id);
    }
    let records = r.uint()? as usize;
    for _ in 0..records {
        let id = r.reference(&ids)?;
        let partial = r.byte()? != 0;
        let form = r.byte()?;
        if form == 1 || form == 2 {
            let layout = if form == 1 {
                let size = r.uint()? as usize;
                let align = r.uint()? as usize;
                Some(Layout { size, align })
            } else {
                None
            };
            let count = r.uint()? as usize;
            let mut fields = Vec::with_capacity(count);
            for _ in 0..count {
                let name = r.string()?;
                let ty = r.reference(&ids)?;
                let offset = r.uint()? as usize;
                let bitshift = r.uint()?.checked_sub(1).map(|b| b as u32);
                let bitsize = r.uint()?.checked_sub(1).map(|b| b as u32);
                fields.push(Field {
                    name,
                    ty,
                    offset,
                    bitshift,
                    bitsize,
                });
            }
            table.set_record_members(id, fields, layout);
        }
        table.set_record_partial(id, partial);
    }
    let mut decls = Declarations::new();
    let typedefs = r.uint()?;
    decls.typedefs.reserve(capacity(typedefs, &r));
    for _ in 0..typedefs {
        let name = r.string()?;
        let ty = r.reference(&ids)?;
        let flags = r.byte()?;
        decls.typedefs.insert(
            name,
            Typedef {
                ty,
                raw_function: flags & 1 != 0,
                is_const: flags & 2 != 0,
            },
        );
    }
    for which in 0..3 {
        let tags = r.uint()?;
        let map = match which {
            0 => &mut decls.structs,
            1 => &mut decls.unions,
            _ => &mut decls.enums,
        };
        map.reserve(capacity(tags, &r));
        for _ in 0..tags {
            let name = r.string()?;
            let id = r.reference(&ids)?;
            map.insert(name, id);
        }
    }
    let entities = r.uint()?;
    decls.names.reserve(capacity(entities, &r));
    decls.name_order.reserve(capacity(entities, &r));
    for _ in 0..entities {
        let name = r.string()?;
        let entity = match r.byte()? {
            0 => {
                let ty = r.reference(&ids)?;
                let extern_python = match r.byte()? {
                    0 => None,
                    1 => Some(ExternPython::Static),
                    2 => Some(ExternPython::PlusC),
                    _ => Some(ExternPython::Exported),
                };
                Entity::Function { ty, extern_python }
            }
            1 => {
                let ty = r.reference(&ids)?;
                Entity::Global {
                    ty,
                    constant: r.byte()? != 0,
                }
            }
            2 => {
                let value = r.int()?;
                let ty = if r.byte()? == 1 {
                    Some(r.reference(&ids)?)
                } else {
                    None
                };
                Entity::IntConstant { value, ty }
            }
            3 => Entity::UnknownConstant,
            4 => {
                let bytes: [u8; 8] = r.take(8)?.try_into().expect("8 bytes");
                Entity::FloatConstant(f64::from_le_bytes(bytes))
            }
            5 => {
                let n = usize::try_from(r.uint()?).map_err(|_| Reader::truncated())?;
                Entity::StrConstant(r.take(n)?.to_vec())
            }
            other => {
                return Err(Error::Type(format!(
                    "corrupt declaration blob: entity tag {other}"
                )))
            }
        };
        decls.names.insert(name.clone(), entity);
        decls.name_order.push(name);
    }
    if r.pos < r.data.len() {
        for _ in 0..r.uint()? {
            let name = r.string()?;
            let symbol = r.string()?;
            decls.asm_names.insert(name, symbol);
        }
    }
    if r.pos < r.data.len() {
        for _ in 0..r.uint()? {
            decls.from_header.insert(r.string()?);
        }
        for _ in 0..r.uint()? {
            decls.header_records.insert(r.reference(&ids)?);
        }
    }
    decls.record_order = ids
        .iter()
        .copied()
        .filter(|id| table.record(*id).is_some() || matches!(table.data(*id), TypeData::Enum(_)))
        .filter(|id| !imported.contains(id))
        .collect();
    Ok(decls)
}

/// Room to reserve for `count` entries read from `r`: never more than the
/// bytes left (each entry takes at least one), so a corrupt count cannot make
/// a huge allocation.
fn capacity(count: u64, r: &Reader<'_>) -> usize {
    usize::try_from(count)
        .unwrap_or(usize::MAX)
        .min(r.data.len() - r.pos)
}

/// The type a blob's reference into include `k` names.
fn imported_type(
    table: &TypeTable,
    includes: &[&Declarations],
    k: usize,
    kind: u8,
    name: &str,
) -> Result<TypeId, Error> {
    let inc = includes.get(k).ok_or_else(|| {
        Error::Type(format!(
            "the module's declarations refer to included module number {k}, but only {} were given",
            includes.len()
        ))
    })?;
    let (found, what) = match kind {
        0 => (inc.structs.get(name).copied(), "struct"),
        1 => (inc.unions.get(name).copied(), "union"),
        2 => (inc.enums.get(name).copied(), "enum"),
        3 => (inc.typedefs.get(name).map(|t| t.ty), "typedef"),
        _ => (
            inc.typedefs.get(name).and_then(|t| match table.data(t.ty) {
                TypeData::Pointer(target) => Some(*target),
                _ => None,
            }),
            "pointer typedef",
        ),
    };
    found.ok_or_else(|| {
        Error::Type(format!(
            "the included module no longer declares {what} '{name}': rebuild this module"
        ))
    })
}

struct Reader<'a> {
    data: &'a [u8],
    pos: usize,
}

impl Reader<'_> {
    fn truncated() -> Error {
        Error::Type("corrupt declaration blob: truncated".into())
    }

    #[inline]
    fn byte(&mut self) -> Result<u8, Error> {
        let b = *self.data.get(self.pos).ok_or_else(Self::truncated)?;
        self.pos += 1;
        Ok(b)
    }

    fn take(&mut self, n: usize) -> Result<&[u8], Error> {
        let end = self
            .pos
            .checked_add(n)
            .filter(|e| *e <= self.data.len())
            .ok_or_else(Self::truncated)?;
        let s = &self.data[self.pos..end];
        self.pos = end;
        Ok(s)
    }

    /// A varint. Most are one byte (counts, references, short names' lengths),
    /// read inline: the import of a large module reads tens of thousands.
    #[inline]
    fn uint(&mut self) -> Result<u64, Error> {
        if let Some(&b) = self.data.get(self.pos) {
            if b & 0x80 == 0 {
                self.pos += 1;
                return Ok(u64::from(b));
            }
        }
        self.uint_long()
    }

    fn uint_long(&mut self) -> Result<u64, Error> {
        let mut v: u64 = 0;
        let mut shift = 0;
        loop {
            let b = self.byte()?;
            if shift >= 64 {
                return Err(Error::Type(
                    "corrupt declaration blob: varint too long".into(),
                ));
            }
            v |= u64::from(b & 0x7f) << shift;
            if b & 0x80 == 0 {
                return Ok(v);
            }
            shift += 7;
        }
    }

    fn int(&mut self) -> Result<i128, Error> {
        let lo = u128::from(self.uint()?);
        let hi = u128::from(self.uint()?);
        let zig = lo | (hi << 64);
        Ok(((zig >> 1) as i128) ^ -((zig & 1) as i128))
    }

    fn string(&mut self) -> Result<String, Error> {
        let n = self.uint()? as usize;
        let bytes = self.take(n)?;
        String::from_utf8(bytes.to_vec())
            .map_err(|_| Error::Type("corrupt declaration blob: bad UTF-8".into()))
    }

    fn prim(&mut self) -> Result<Prim, Error> {
        let i = self.uint()? as usize;
        Prim::ALL
            .get(i)
            .copied()
            .ok_or_else(|| Error::Type(format!("corrupt declaration blob: primitive {i}")))
    }

    fn reference(&mut self, ids: &[TypeId]) -> Result<TypeId, Error> {
        let i = self.uint()? as usize;
        ids.get(i)
            .copied()
            .ok_or_else(|| Error::Type(format!("corrupt declaration blob: type reference {i}")))
    }
}

#[cfg(test)]
#[path = "serial_tests.rs"]
mod tests;
