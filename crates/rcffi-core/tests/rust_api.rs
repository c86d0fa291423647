//! The Rust API end to end: declaring and calling C functions of libc and libm,
//! structs by value, callbacks, variadics, compiling C at run time, raw memory.

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use rcffi_core::{
    c_string, compile_shared_library, string_from_value, Closure, CompileInfo, Error, Ffi,
    Function, Library, RawMemory, StructBuilder, Type, Value,
};

fn libc() -> Arc<Library> {
    Arc::new(Library::open(None, 0).unwrap())
}

fn build_dir(test: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(format!("rust_api-{test}"))
}

#[test]
fn calls_libc_declared_from_c_text() {
    let ffi = Ffi::new();
    ffi.cdef("size_t strlen(const char *); char *strchr(const char *, int); long labs(long);")
        .unwrap();
    let lib = libc();
    let strlen = Function::lookup(&ffi, &lib, "strlen").unwrap();
    let s = c_string("rcffi").unwrap();
    let n = unsafe { strlen.call(&[Value::from(s.as_ptr())]) }.unwrap();
    assert_eq!(n, Value::U64(5));

    let strchr = Function::lookup(&ffi, &lib, "strchr").unwrap();
    let found = unsafe { strchr.call(&[Value::from(s.as_ptr()), Value::from(b'f')]) }.unwrap();
    assert_eq!(unsafe { string_from_value(&found) }.unwrap(), "ffi");
    let missing = unsafe { strchr.call(&[Value::from(s.as_ptr()), Value::I32('z' as i32)]) };
    assert_eq!(missing.unwrap(), Value::null());

    let labs = Function::lookup(&ffi, &lib, "labs").unwrap();
    let r = unsafe { labs.call(&[Value::I64(-(1 << 40))]) }.unwrap();
    assert_eq!(r, Value::I64(1 << 40));
}

#[test]
fn calls_libm_declared_programmatically() {
    let ffi = Ffi::new();
    let libm = Arc::new(Library::open(Some("libm.so.6"), 0).unwrap());
    let pow = Function::declare(
        &ffi,
        &libm,
        "pow",
        &[Type::double(), Type::double()],
        &Type::double(),
    )
    .unwrap();
    let r = unsafe { pow.call(&[Value::F64(2.0), Value::I32(10)]) }.unwrap();
    assert_eq!(r, Value::F64(1024.0));
    let sqrtf = Function::declare(&ffi, &libm, "sqrtf", &[Type::float()], &Type::float()).unwrap();
    assert_eq!(
        unsafe { sqrtf.call(&[Value::F32(2.25)]) }.unwrap(),
        Value::F32(1.5)
    );
}

#[test]
fn struct_results_by_value_from_libc() {
    let ffi = Ffi::new();
    ffi.cdef("typedef struct { int quot; int rem; } div_t; div_t div(int, int);")
        .unwrap();
    let div = Function::lookup(&ffi, &libc(), "div").unwrap();
    let r = unsafe { div.call(&[Value::I32(17), Value::I32(5)]) }.unwrap();
    let div_t = ffi.type_of("div_t").unwrap();
    let mem = RawMemory::from_bytes(r.as_bytes().unwrap(), ffi.align_of(&div_t).unwrap()).unwrap();
    let rem = ffi.offset_of(&div_t, "rem").unwrap();
    assert_eq!(mem.read::<i32>(0).unwrap(), 3);
    assert_eq!(mem.read::<i32>(rem).unwrap(), 2);
}

#[test]
fn errors_name_the_function_and_argument() {
    let ffi = Ffi::new();
    let lib = libc();
    let abs = Function::declare(&ffi, &lib, "abs", &[Type::int()], &Type::int()).unwrap();
    let e = unsafe { abs.call(&[Value::F64(1.5)]) }.unwrap_err();
    assert!(matches!(e, Error::Type(_)));
    assert_eq!(
        e.to_string(),
        "abs() argument 1: expected an integer for 'int', got f64 1.5"
    );
    let e = unsafe { abs.call(&[Value::U64(u64::MAX)]) }.unwrap_err();
    assert!(matches!(e, Error::Overflow(_)), "{e}");
    let e = unsafe { abs.call(&[Value::I32(1), Value::I32(2)]) }.unwrap_err();
    assert_eq!(e.to_string(), "abs() takes 1 argument, got 2");

    let e = Function::declare(&ffi, &lib, "rcffi_nope", &[], &Type::void()).unwrap_err();
    assert!(matches!(e, Error::Library(_)));
    assert!(e.to_string().contains("rcffi_nope"), "{e}");

    let e = Function::lookup(&ffi, &lib, "undeclared").unwrap_err();
    assert_eq!(
        e.to_string(),
        "function 'undeclared' is not declared (declare it with cdef() first)"
    );
    ffi.cdef("struct opaque; struct opaque getenv(void);")
        .unwrap();
    let e = Function::lookup(&ffi, &lib, "getenv")
        .unwrap_err()
        .to_string();
    assert!(e.contains("struct opaque"), "{e}");
}

#[test]
fn variadic_calls_promote_their_extra_arguments() {
    let ffi = Ffi::new();
    ffi.cdef("int snprintf(char *, size_t, const char *, ...);")
        .unwrap();
    let snprintf = Function::lookup(&ffi, &libc(), "snprintf").unwrap();
    assert!(snprintf.is_variadic());
    let mut buf = RawMemory::alloc(128, 1).unwrap();
    let fmt = c_string("%d %u %hhd %lld %llu %.1f %.3f %s|").unwrap();
    let word = c_string("ok").unwrap();
    let args = [
        buf.to_value(),
        Value::from(128usize),
        Value::from(fmt.as_ptr()),
        Value::I8(-4),
        Value::U32(u32::MAX),
        Value::Bool(true),
        Value::I64(i64::MIN),
        Value::U64(u64::MAX),
        Value::F32(0.5),
        Value::F64(2.25),
        Value::from(word.as_ptr()),
    ];
    let n = unsafe { snprintf.call(&args) }.unwrap();
    let expected = format!("-4 {} 1 {} {} 0.5 2.250 ok|", u32::MAX, i64::MIN, u64::MAX);
    assert_eq!(buf.read_c_string(0).unwrap(), expected);
    assert_eq!(n.to_u64().unwrap(), expected.len() as u64);
    // A second call of the same shape reuses the plan; a different shape gets its own.
    let fmt2 = c_string("%d").unwrap();
    unsafe {
        snprintf.call(&[
            buf.to_value(),
            Value::from(128usize),
            Value::from(fmt2.as_ptr()),
            Value::I32(7),
        ])
    }
    .unwrap();
    assert_eq!(buf.read_c_string(0).unwrap(), "7");

    let e = unsafe { snprintf.call(&[buf.to_value()]) }.unwrap_err();
    assert_eq!(
        e.to_string(),
        "snprintf() takes at least 3 arguments, got 1"
    );
    let e = unsafe {
        snprintf.call(&[
            buf.to_value(),
            Value::from(128usize),
            Value::from(fmt2.as_ptr()),
            Value::Bytes(vec![0; 8]),
        ])
    }
    .unwrap_err();
    assert!(
        e.to_string()
            .starts_with("snprintf() argument 4: 8 bytes cannot be passed"),
        "{e}"
    );
}

#[test]
fn qsort_calls_a_rust_comparator() {
    let ffi = Ffi::new();
    ffi.cdef("void qsort(void *, size_t, size_t, int(*)(const void *, const void *));")
        .unwrap();
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let cmp = Closure::new(
        &ffi,
        &[Type::void_ptr(), Type::void_ptr()],
        &Type::int(),
        move |args| {
            seen.fetch_add(1, Ordering::SeqCst);
            let a = unsafe { *(args[0].to_ptr().unwrap() as *const f64) };
            let b = unsafe { *(args[1].to_ptr().unwrap() as *const f64) };
            Value::I32(a.total_cmp(&b) as i32)
        },
    )
    .unwrap();
    let mut mem = RawMemory::alloc(5 * 8, 8).unwrap();
    for (i, x) in [3.5, -1.0, 2.0, 10.0, 0.0].iter().enumerate() {
        mem.write(i * 8, *x).unwrap();
    }
    let qsort = Function::lookup(&ffi, &libc(), "qsort").unwrap();
    unsafe {
        qsort.call(&[
            mem.to_value(),
            Value::from(5usize),
            Value::from(8usize),
            cmp.to_value(),
        ])
    }
    .unwrap();
    let sorted: Vec<f64> = (0..5).map(|i| mem.read(i * 8).unwrap()).collect();
    assert_eq!(sorted, [-1.0, 0.0, 2.0, 3.5, 10.0]);
    assert!(calls.load(Ordering::SeqCst) >= 4);
}

#[test]
fn callbacks_that_fail_return_zero_to_c() {
    let ffi = Ffi::new();
    let ty = Type::function(&[Type::int()], &Type::short(), false);
    let bad = Closure::new(&ffi, &[Type::int()], &Type::short(), |args| {
        if i32::try_from(&args[0]).unwrap() < 0 {
            panic!("negative");
        }
        Value::I32(1 << 20) // does not fit a short
    })
    .unwrap();
    let f = unsafe { Function::from_ptr(&ffi, "bad", bad.code_ptr(), &ty) }.unwrap();
    assert_eq!(unsafe { f.call(&[Value::I32(1)]) }.unwrap(), Value::I16(0));
    assert_eq!(unsafe { f.call(&[Value::I32(-1)]) }.unwrap(), Value::I16(0));
}

const SOURCE: &str = r#"
typedef struct { int x; double y; } pt;
typedef struct { char tag; short n; } small;

pt make_pt(int x, double y) { pt p = { x * SCALE, y }; return p; }
double norm(pt p) { return sqrt(p.x * p.x + p.y * p.y); }
small bump(small s) { s.tag += 1; s.n *= 2; return s; }
int apply(int (*f)(int, int), int a, int b) { return f(a, b) + helper(); }
"#;

#[test]
fn compiles_and_calls_c_with_structs_by_value_and_callbacks() {
    let dir = build_dir("structs");
    let extra = dir.join("helper.c");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(&extra, "int helper(void) { return 1000; }\n").unwrap();
    std::fs::write(dir.join("helper.h"), "int helper(void);\n").unwrap();
    let info = CompileInfo {
        includes: vec!["math.h".into(), "\"helper.h\"".into()],
        include_dirs: vec![dir.clone()],
        libraries: vec!["m".into()],
        sources: vec![extra],
        define_macros: vec![("SCALE".into(), Some("10".into()))],
        ..CompileInfo::default()
    };
    let so = compile_shared_library(SOURCE, &info, &dir, "structs").unwrap();
    assert_eq!(so, dir.join("structs.so"));
    let lib = Arc::new(Library::open(Some(so.to_str().unwrap()), 0).unwrap());

    let ffi = Ffi::new();
    let pt = StructBuilder::new("pt")
        .field("x", Type::int())
        .field("y", Type::double())
        .build(&ffi)
        .unwrap();
    let make =
        Function::declare(&ffi, &lib, "make_pt", &[Type::int(), Type::double()], &pt).unwrap();
    let norm = Function::declare(
        &ffi,
        &lib,
        "norm",
        std::slice::from_ref(&pt),
        &Type::double(),
    )
    .unwrap();
    let p = unsafe { make.call(&[Value::I32(3), Value::F64(4.0)]) }.unwrap();
    let bytes = RawMemory::from_bytes(p.as_bytes().unwrap(), 8).unwrap();
    assert_eq!(
        bytes.read_value(&ffi, &Type::int(), 0).unwrap(),
        Value::I32(30)
    );
    assert_eq!(
        unsafe { norm.call(&[p]) }.unwrap(),
        Value::F64(30.0_f64.hypot(4.0))
    );

    ffi.cdef("typedef struct { char tag; short n; } small; small bump(small);")
        .unwrap();
    let small = ffi.type_of("small").unwrap();
    let mut s = RawMemory::for_type(&ffi, &small).unwrap();
    s.write_value(&ffi, &Type::char(), 0, &Value::I8(b'a' as i8))
        .unwrap();
    let n_at = ffi.offset_of(&small, "n").unwrap();
    s.write::<i16>(n_at, 21).unwrap();
    let bump = Function::lookup(&ffi, &lib, "bump").unwrap();
    let r = unsafe { bump.call(&[Value::Bytes(s.bytes().to_vec())]) }.unwrap();
    let r = RawMemory::from_bytes(r.as_bytes().unwrap(), 2).unwrap();
    assert_eq!(r.read::<u8>(0).unwrap(), b'b');
    assert_eq!(r.read::<i16>(n_at).unwrap(), 42);

    let sub = Closure::from_signature(&ffi, "int(int, int)", |args| {
        Value::I32(args[0].to_i64().unwrap() as i32 - args[1].to_i64().unwrap() as i32)
    })
    .unwrap();
    let apply = Function::declare(
        &ffi,
        &lib,
        "apply",
        &[
            Type::function(&[Type::int(), Type::int()], &Type::int(), false),
            Type::int(),
            Type::int(),
        ],
        &Type::int(),
    )
    .unwrap();
    let r = unsafe { apply.call(&[sub.to_value(), Value::I32(50), Value::I32(8)]) }.unwrap();
    assert_eq!(r, Value::I32(1042));
}

#[test]
fn compiling_leaves_an_unchanged_source_alone_and_reports_errors() {
    let dir = build_dir("rebuild");
    let info = CompileInfo::default();
    compile_shared_library("int one(void) { return 1; }", &info, &dir, "one").unwrap();
    let c = dir.join("one.c");
    let before = std::fs::metadata(&c).unwrap().modified().unwrap();
    std::thread::sleep(std::time::Duration::from_millis(20));
    compile_shared_library("int one(void) { return 1; }", &info, &dir, "one").unwrap();
    assert_eq!(std::fs::metadata(&c).unwrap().modified().unwrap(), before);

    let e =
        compile_shared_library("int broken(void) { return }", &info, &dir, "broken").unwrap_err();
    assert!(matches!(e, Error::Compile(_)));
    let msg = e.to_string();
    assert!(msg.contains("the C compiler failed"), "{msg}");
    assert!(msg.contains("broken.c"), "{msg}");
    assert!(msg.contains("error"), "{msg}");
    assert!(!dir.join("broken.so").exists());
}

#[test]
fn pkg_config_information_compiles() {
    let Ok(info) = CompileInfo::from_pkg_config(&["libffi"]) else {
        return; // pkg-config or libffi's .pc missing: nothing to check here
    };
    assert!(info.libraries.contains(&"ffi".to_string()), "{info:?}");
    let info = info.merge(&CompileInfo {
        includes: vec!["ffi.h".into()],
        ..CompileInfo::default()
    });
    let so = compile_shared_library(
        "int default_abi(void) { return FFI_DEFAULT_ABI; }",
        &info,
        &build_dir("pkg"),
        "pkg",
    )
    .unwrap();
    assert!(so.exists());
}

#[test]
fn raw_memory_reads_and_writes_typed_values_with_bounds_checks() {
    let ffi = Ffi::new();
    let u = StructBuilder::union("number")
        .field("i", Type::longlong())
        .field("d", Type::double())
        .field("b", Type::array(&Type::uchar(), 8))
        .build(&ffi)
        .unwrap();
    assert_eq!(ffi.size_of(&u).unwrap(), 8);
    let mut m = RawMemory::for_type(&ffi, &u).unwrap();
    m.write_value(&ffi, &Type::double(), 0, &Value::F64(1.0))
        .unwrap();
    assert_eq!(m.read::<u64>(0).unwrap(), 1.0f64.to_bits());
    let b = m
        .read_value(&ffi, &Type::array(&Type::uchar(), 8), 0)
        .unwrap();
    assert_eq!(b, Value::Bytes(1.0f64.to_ne_bytes().to_vec()));

    let e = m
        .write_value(&ffi, &Type::uchar(), 0, &Value::I32(256))
        .unwrap_err();
    assert_eq!(e.to_string(), "integer 256 does not fit 'unsigned char'");
    let e = m.read_value(&ffi, &Type::int(), 6).unwrap_err();
    assert!(matches!(e, Error::Memory(_)));
    assert_eq!(
        e.to_string(),
        "access of 4 bytes at offset 6 is out of bounds of a 8-byte block"
    );
    let e = m.write_bytes(9, &[]).unwrap_err();
    assert!(matches!(e, Error::Memory(_)));
    m.zero();
    assert_eq!(m.read::<i64>(0).unwrap(), 0);
    let p = m.as_ptr();
    m.write::<*const u8>(0, p).unwrap();
    assert_eq!(m.read::<*const u8>(0).unwrap(), p);
    m.free();
}

#[test]
fn c_strings_report_nul_bytes_null_pointers_and_bad_utf8() {
    assert!(c_string("a\0b")
        .unwrap_err()
        .to_string()
        .contains("NUL byte at position 1"));
    let e = unsafe { rcffi_core::string_from_ptr(std::ptr::null()) }.unwrap_err();
    assert_eq!(
        e.to_string(),
        "got a NULL pointer where a C string was expected"
    );
    let bad = [b'o', b'k', 0xff, 0];
    let e = unsafe { rcffi_core::string_from_ptr(bad.as_ptr().cast()) }.unwrap_err();
    assert!(e.to_string().contains("is not valid UTF-8"), "{e}");
}
