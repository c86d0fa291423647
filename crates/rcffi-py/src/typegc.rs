//! Freeing the types no FFI, `CType` or cdata refers to any more (issue #17).
//!
//! The type table is shared by the whole process, so the structs, unions and
//! enums each `FFI().cdef()` declares would otherwise live forever. What is in
//! use is known here: the types named by live declarations (the registry
//! below) and the types some `CType` object stands for (every cdata holds its
//! `CType`, and a `CType` holds its item's and members'). A collection keeps
//! those and frees the rest from the table (see `rcffi_core`'s
//! `ctype_collect.rs`, which also keeps pointers, arrays and functions built
//! on kept types).
//!
//! A collection runs when an `FFI` is made from Python and the table has grown
//! enough since the last one (amortised: a walk of the table per as many types
//! made as survived). It needs the table and every declarations' lock free, so
//! it never runs inside a `cdef()`; code that holds new types no declarations
//! or `CType` know yet across Python code (a cffi-compiled module being
//! initialised) holds [`hold`] meanwhile.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, Weak};

use pyo3::prelude::*;
use rcffi_core::decl::Declarations as CoreDeclarations;
use rcffi_core::fasthash::FastMap;

use crate::types;

type Shared = Arc<Mutex<CoreDeclarations>>;

/// Every live `Declarations` object's declarations, by address.
static LIVE: Mutex<Option<FastMap<usize, Weak<Mutex<CoreDeclarations>>>>> = Mutex::new(None);

/// How many [`Hold`]s exist.
static HOLDS: AtomicUsize = AtomicUsize::new(0);

/// Registers declarations whose types stay in use while they live.
pub(crate) fn register(decls: &Shared) {
    let mut live = LIVE.lock().unwrap_or_else(|p| p.into_inner());
    live.get_or_insert_with(FastMap::default)
        .insert(Arc::as_ptr(decls) as usize, Arc::downgrade(decls));
}

/// Forgets declarations being dropped.
pub(crate) fn unregister(decls: &Shared) {
    let mut live = LIVE.lock().unwrap_or_else(|p| p.into_inner());
    if let Some(map) = live.as_mut() {
        map.remove(&(Arc::as_ptr(decls) as usize));
    }
}

/// While it lives, no collection runs.
pub(crate) struct Hold(());

/// Defers collections: for code that holds type ids nothing roots yet while
/// Python code may run (which may make an `FFI`).
pub(crate) fn hold() -> Hold {
    HOLDS.fetch_add(1, Ordering::SeqCst);
    Hold(())
}

impl Drop for Hold {
    fn drop(&mut self) {
        HOLDS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Frees the unused types if enough were made since the last collection and
/// nothing is in the middle of using the table (then it waits for next time).
/// Called with the GIL held, so no `CType` is made or dropped meanwhile.
pub(crate) fn collect_unused() {
    collect(false);
}

/// `_collect_types()`: a collection now, however few types were made since
/// the last (for tests and memory-minded programs); returns how many types
/// were freed and how many remain, or `None` when one cannot run now.
#[pyfunction]
pub fn _collect_types() -> Option<(usize, usize)> {
    collect(true)
}

fn collect(always: bool) -> Option<(usize, usize)> {
    if HOLDS.load(Ordering::SeqCst) > 0 {
        return None;
    }
    let mut table = types::try_table()?;
    if !always && !table.wants_collect() {
        return None;
    }
    let all: Vec<Shared> = {
        let live = LIVE.lock().unwrap_or_else(|p| p.into_inner());
        live.iter()
            .flat_map(|m| m.values())
            .filter_map(Weak::upgrade)
            .collect()
    };
    let mut roots = types::types_with_ctypes();
    for decls in &all {
        // Held by a `cdef()` or a type lookup (on another thread, or below
        // this call): those may hold new type ids not written down yet.
        let Ok(d) = decls.try_lock() else {
            return None;
        };
        roots.extend(d.type_ids());
    }
    let freed = table.collect(roots);
    let live = table.live_len();
    drop(table);
    types::forget_types(&freed);
    Some((freed.len(), live))
}
