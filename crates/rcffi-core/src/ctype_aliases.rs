//! Two types that became equal: a `[...]` array resolved to a length for which
//! an array already existed.
//!
//! `int a[...]` gets a type of its own at cdef time, built upon by pointers,
//! arrays and functions; once the compiler says the length is 8 it must be *the*
//! `int[8]` (and `int(*)[...]` the `int(*)[8]`), or `ffi.typeof(lib.a) ==
//! ffi.typeof("int[8]")` depends on whether some earlier code spelled `int[8]`.
//! The resolved type is made an alias of the existing one, and so is every
//! interned type built on it whose equivalent built on the existing one exists;
//! the others are re-keyed so that spelling them later finds them.

use super::{InternKey, TypeId, TypeTable};

impl TypeTable {
    /// Makes `from` the same type as `to` (see the module documentation).
    pub(super) fn merge(&mut self, from: TypeId, to: TypeId) {
        let mut work = vec![(from, to)];
        while let Some((from, to)) = work.pop() {
            if from == to || self.aliases.contains_key(&from) {
                continue;
            }
            self.aliases.insert(from, to);
            self.new_aliases.push((from, to));
            let built_on: Vec<(InternKey, TypeId)> = self
                .interned
                .iter()
                .filter(|(k, _)| mentions(k, from))
                .map(|(k, id)| (k.clone(), *id))
                .collect();
            for (key, id) in built_on {
                let rekeyed = replace(&key, from, to);
                match self.interned.get(&rekeyed) {
                    Some(&existing) if existing != id => work.push((id, existing)),
                    Some(_) => {}
                    None => {
                        self.interned.insert(rekeyed, id);
                    }
                }
            }
        }
    }

    /// The type `id` stands for: itself, or the type it was merged into.
    #[inline]
    pub fn canonical(&self, id: TypeId) -> TypeId {
        if self.aliases.is_empty() {
            return id;
        }
        let mut id = id;
        while let Some(&to) = self.aliases.get(&id) {
            id = to;
        }
        id
    }

    /// The merges made since the last call, `(from, to)`: for caches keyed by
    /// type (the Python `CType` objects) to follow.
    pub fn take_new_aliases(&mut self) -> Vec<(TypeId, TypeId)> {
        std::mem::take(&mut self.new_aliases)
    }
}

fn mentions(key: &InternKey, id: TypeId) -> bool {
    match key {
        InternKey::Pointer(t) | InternKey::Array(t, _) => *t == id,
        InternKey::Function(sig) => sig.result == id || sig.args.contains(&id),
        InternKey::Void | InternKey::Primitive(_) => false,
    }
}

fn replace(key: &InternKey, from: TypeId, to: TypeId) -> InternKey {
    let swap = |t: TypeId| if t == from { to } else { t };
    match key {
        InternKey::Pointer(t) => InternKey::Pointer(swap(*t)),
        InternKey::Array(t, n) => InternKey::Array(swap(*t), *n),
        InternKey::Function(sig) => {
            let mut sig = sig.clone();
            sig.result = swap(sig.result);
            for a in &mut sig.args {
                *a = swap(*a);
            }
            InternKey::Function(sig)
        }
        other => other.clone(),
    }
}
