//! Times the phases of `cdef()` on a header file, for profiling the parser:
//! `cargo run --release --example cdef_phases -- header.h [rounds]`.
//!
//! Each round parses the whole header into fresh `Declarations` sharing one type
//! table, as repeated `FFI().cdef(text)` calls do in the Python benchmark.

use std::time::Instant;

use rcffi_core::decl::{CdefOptions, Declarations};
use rcffi_core::TypeTable;

fn main() {
    let mut args = std::env::args().skip(1);
    let path = args.next().expect("usage: cdef_phases HEADER [ROUNDS]");
    let rounds: usize = args.next().map_or(20, |r| r.parse().expect("a number"));
    let src = std::fs::read_to_string(&path).expect("readable header");
    let mut table = TypeTable::new();
    let (mut lex_best, mut cdef_best) = (f64::MAX, f64::MAX);
    for _ in 0..rounds {
        let t0 = Instant::now();
        let lexed = rcffi_core::parse::lexer::lex(&src).expect("lexes");
        lex_best = lex_best.min(t0.elapsed().as_secs_f64());
        drop(lexed);
        let t1 = Instant::now();
        let mut decls = Declarations::new();
        decls
            .cdef(&mut table, &src, CdefOptions::default())
            .expect("parses");
        cdef_best = cdef_best.min(t1.elapsed().as_secs_f64());
    }
    println!(
        "{} bytes: lex {:.3} ms, whole cdef {:.3} ms (best of {rounds}); {} types in the table",
        src.len(),
        lex_best * 1e3,
        cdef_best * 1e3,
        table.len()
    );
}
