//! Freeing the types nothing refers to any more.
//!
//! Structs, unions and enums are nominal: every `cdef()` of every FFI makes new
//! ones, so a table that only grew would grow for as long as a program makes
//! FFIs. The owner of the table (the Python backend: its live declarations and
//! `CType` objects) knows which types are still in use; [`TypeTable::collect`]
//! keeps those and everything they are built from (pointer targets, array
//! items, members, signatures) and frees the rest. Freed ids are reused by the
//! next types made, so a stale id would silently name another type: a caller
//! must pass every id it still holds as a root.
//!
//! `void`, the primitives and `FILE` are always kept: they are interned for the
//! whole process, cost one entry each, and every FFI shares them.

use std::cell::OnceCell;

use super::{InternKey, TypeData, TypeEntry, TypeId, TypeTable};

/// Fewest types made before a collection is worth its walk over the table.
const MIN_MADE_BEFORE_COLLECT: usize = 1024;

impl TypeTable {
    /// Whether enough types were made since the last collection (as many as
    /// survived it, and at least a thousand) for another to pay off: each
    /// collection costs a walk over the table, which this keeps amortised to a
    /// constant per type made.
    pub fn wants_collect(&self) -> bool {
        self.made_since_collect >= self.live_after_collect.max(MIN_MADE_BEFORE_COLLECT)
    }

    /// Number of types in use (made and not freed).
    pub fn live_len(&self) -> usize {
        self.entries.len() - self.free.len()
    }

    /// Frees every type that is neither in `roots` nor reachable from one, and
    /// returns the ids freed (for tables parallel to this one to forget them).
    pub fn collect(&mut self, roots: impl IntoIterator<Item = TypeId>) -> Vec<TypeId> {
        let mut marked = vec![false; self.entries.len()];
        let mut stack: Vec<TypeId> = roots.into_iter().collect();
        stack.extend(self.interned.iter().filter_map(|(k, id)| {
            matches!(k, InternKey::Void | InternKey::Primitive(_)).then_some(*id)
        }));
        stack.extend(self.file);
        while let Some(id) = stack.pop() {
            let Some(m) = marked.get_mut(id.index()) else {
                continue;
            };
            if std::mem::replace(m, true) {
                continue;
            }
            if let Some(&to) = self.aliases.get(&id) {
                stack.push(to);
            }
            match &self.entries[id.index()].data {
                TypeData::Pointer(t)
                | TypeData::Array { item: t, .. }
                | TypeData::UnknownLength(t) => stack.push(*t),
                TypeData::Function(sig) => {
                    stack.push(sig.result);
                    stack.extend(sig.args.iter().copied());
                }
                TypeData::Record(r) => {
                    if let Some(fields) = &r.fields {
                        stack.extend(fields.iter().map(|f| f.ty));
                    }
                }
                TypeData::Void
                | TypeData::Unknown(_)
                | TypeData::Primitive(_)
                | TypeData::Enum(_) => {}
            }
        }
        self.keep_structural_over_live(&mut marked);
        for id in &self.free {
            // Already free: neither kept nor freed again.
            marked[id.index()] = true;
        }
        let freed: Vec<TypeId> = (0..self.entries.len())
            .filter(|&i| !marked[i])
            .map(|i| TypeId(i as u32))
            .collect();
        let live = |id: TypeId| marked[id.index()];
        for id in &freed {
            self.entries[id.index()] = TypeEntry {
                data: TypeData::Void,
                name: OnceCell::from(("<freed type>".to_string(), 0)),
            };
        }
        // A key naming a freed type goes too, whatever it maps to: its
        // value is freed with it, except for keys re-keyed by a merge.
        self.interned
            .retain(|k, id| live(*id) && key_ids(k).iter().all(|t| live(*t)));
        self.aliases.retain(|from, to| live(*from) && live(*to));
        self.new_aliases
            .retain(|(from, to)| live(*from) && live(*to));
        // Lowest ids last, so that they are reused first and the table stays dense.
        self.free.extend(freed.iter().copied());
        self.free.sort_unstable_by(|a, b| b.cmp(a));
        self.live_after_collect = self.live_len();
        self.made_since_collect = 0;
        freed
    }
}

impl TypeTable {
    /// Marks every pointer, array and function type whose parts are all kept.
    ///
    /// Such a type costs one entry, is found again by its parts whenever it is
    /// spelled, and may be held for a moment by code that just built it from
    /// types in use (`table().pointer(ct.id)`) before anything roots it: only
    /// the ones built on a freed struct, union, enum or `[...]` array go.
    fn keep_structural_over_live(&self, marked: &mut [bool]) {
        // 0: not decided, 1: parts being decided, 2: kept, 3: freed.
        let mut state = vec![0u8; self.entries.len()];
        for (i, m) in marked.iter().enumerate() {
            if *m {
                state[i] = 2;
            }
        }
        for start in 0..self.entries.len() {
            if state[start] != 0 {
                continue;
            }
            let mut stack = vec![start];
            while let Some(&i) = stack.last() {
                if state[i] >= 2 {
                    stack.pop();
                    continue;
                }
                let parts = structural_parts(&self.entries[i].data);
                let Some(parts) = parts else {
                    // Nominal and not reached from a root.
                    state[i] = 3;
                    stack.pop();
                    continue;
                };
                if state[i] == 0 {
                    state[i] = 1;
                    stack.extend(
                        parts
                            .iter()
                            .map(|p| p.index())
                            .filter(|&p| state.get(p) == Some(&0)),
                    );
                    continue;
                }
                stack.pop();
                if state[i] == 1 {
                    let kept = parts.iter().all(|p| state.get(p.index()) == Some(&2));
                    state[i] = if kept { 2 } else { 3 };
                }
            }
        }
        for (m, s) in marked.iter_mut().zip(&state) {
            *m = *s == 2;
        }
    }
}

/// The parts of a pointer, array or function type; `None` for the others.
fn structural_parts(data: &TypeData) -> Option<Vec<TypeId>> {
    match data {
        TypeData::Pointer(t) | TypeData::Array { item: t, .. } => Some(vec![*t]),
        TypeData::Function(sig) => {
            let mut ids = sig.args.clone();
            ids.push(sig.result);
            Some(ids)
        }
        _ => None,
    }
}

/// The types an interning key is built from.
fn key_ids(key: &InternKey) -> Vec<TypeId> {
    match key {
        InternKey::Void | InternKey::Primitive(_) => Vec::new(),
        InternKey::Pointer(t) | InternKey::Array(t, _) => vec![*t],
        InternKey::Function(sig) => {
            let mut ids = sig.args.clone();
            ids.push(sig.result);
            ids
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::ctype::{FieldDecl, FuncSig, Prim, TypeTable};
    use crate::layout::Packing;

    #[test]
    fn unreachable_records_are_freed_and_their_ids_reused() {
        let mut t = TypeTable::new();
        let int = t.primitive(Prim::Int);
        let kept = t.new_record("struct kept", false);
        let kept_ptr = t.pointer(kept);
        let gone = t.new_record("struct gone", false);
        let gone_ptr = t.pointer(gone);
        let fields = [FieldDecl::plain("p".into(), gone_ptr, None)];
        t.complete_record(gone, &fields, Packing::Natural, false)
            .unwrap();
        let int_ptr = t.pointer(int);
        let kept_ptr_ptr = t.pointer(kept_ptr);
        let before = t.live_len();
        let freed = t.collect([kept]);
        assert_eq!(freed.len(), 2);
        assert!(freed.contains(&gone) && freed.contains(&gone_ptr));
        assert_eq!(t.live_len(), before - 2);
        // Pointers over kept types stay, rooted or not.
        assert_eq!(t.pointer(int), int_ptr);
        assert_eq!(t.pointer(kept_ptr), kept_ptr_ptr);
        // What was kept still works, primitives included.
        assert_eq!(t.cname(kept_ptr), "struct kept *");
        assert_eq!(t.pointer(kept), kept_ptr);
        assert_eq!(t.primitive(Prim::Int), int);
        // A new type reuses a freed id rather than growing the table.
        let slots = t.len();
        let again = t.new_record("struct again", false);
        assert!(freed.contains(&again));
        assert_eq!(t.len(), slots);
        // The freed pointer's key is gone: a pointer to the new record is new.
        let again_ptr = t.pointer(again);
        assert_eq!(t.cname(again_ptr), "struct again *");
    }

    #[test]
    fn members_and_signatures_keep_what_they_use() {
        let mut t = TypeTable::new();
        let inner = t.new_record("struct inner", false);
        let d = t.primitive(Prim::Double);
        let arr = t.array(d, Some(3));
        t.complete_record(
            inner,
            &[FieldDecl::plain("a".into(), arr, None)],
            Packing::Natural,
            false,
        )
        .unwrap();
        let outer = t.new_record("struct outer", false);
        t.complete_record(
            outer,
            &[FieldDecl::plain("i".into(), inner, None)],
            Packing::Natural,
            false,
        )
        .unwrap();
        let p_outer = t.pointer(outer);
        let f = t.function(FuncSig {
            args: vec![p_outer],
            result: d,
            variadic: false,
            abi: None,
        });
        assert!(t.collect([f]).is_empty());
        assert_eq!(t.size_of(outer), Some(24));
        assert_eq!(t.cname(f), "double(*)(struct outer *)");
        let freed = t.collect([]);
        for id in [f, p_outer, outer, inner] {
            assert!(freed.contains(&id));
        }
        // An array of a primitive is built on nothing that can go.
        assert_eq!(t.array(d, Some(3)), arr);
        assert_eq!(t.size_of(arr), Some(24));
    }

    #[test]
    fn a_merged_type_keeps_the_type_it_stands_for() {
        let mut t = TypeTable::new();
        let int = t.primitive(Prim::Int);
        let int8 = t.array(int, Some(8));
        let unknown = t.new_unknown_length(int);
        t.resolve_unknown_length(unknown, 8);
        t.collect([unknown]);
        assert_eq!(t.canonical(unknown), int8);
        assert_eq!(t.array(int, Some(8)), int8);
        // Both are arrays of a primitive now: kept, and still one type.
        assert!(t.collect([]).is_empty());
        assert_eq!(t.canonical(unknown), int8);
    }

    #[test]
    fn collections_are_amortised() {
        let mut t = TypeTable::new();
        assert!(!t.wants_collect());
        for i in 0..1024 {
            t.new_record(&format!("struct s{i}"), false);
        }
        assert!(t.wants_collect());
        t.collect([]);
        assert!(!t.wants_collect());
    }
}
