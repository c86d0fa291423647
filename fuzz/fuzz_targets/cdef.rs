//! Any text through `cdef()` and type strings must give declarations or an
//! error, never a panic, a stack overflow or a hang; whatever it declares must
//! have a computable layout and C name.

#![no_main]

use libfuzzer_sys::fuzz_target;
use rcffi_core::decl::{CdefOptions, Declarations};
use rcffi_core::TypeTable;

fuzz_target!(|data: &[u8]| {
    let Some((&mode, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let mut table = TypeTable::new();
    let mut decls = Declarations::new();
    if mode & 1 == 0 {
        let options = CdefOptions {
            override_: mode & 2 != 0,
            ..CdefOptions::default()
        };
        if decls.cdef(&mut table, &text, options).is_err() {
            return;
        }
        let (typedefs, structs, unions) = decls.list_types();
        let names = typedefs
            .into_iter()
            .chain(structs.into_iter().map(|s| format!("struct {s}")))
            .chain(unions.into_iter().map(|u| format!("union {u}")));
        for name in names {
            if let Ok(id) = decls.parse_type(&mut table, &name) {
                let _ = (table.size_of(id), table.align_of(id), table.cname(id).len());
            }
        }
    } else if let Ok(id) = decls.parse_type(&mut table, &text) {
        let _ = (table.size_of(id), table.align_of(id), table.cname(id).len());
    }
});
