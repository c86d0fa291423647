//! Calls the C library from Rust through rcffi-core: `strlen` declared from C
//! text, `qsort` with a Rust closure as its comparator, and the variadic
//! `snprintf` writing into memory allocated by hand.
//!
//! Run it with `cargo run -p rcffi-core --example call_libc`.

use std::sync::Arc;

use rcffi_core::{c_string, Closure, Error, Ffi, Function, Library, RawMemory, Type, Value};

fn main() -> Result<(), Error> {
    let ffi = Ffi::new();
    ffi.cdef(
        "size_t strlen(const char *);
         void qsort(void *base, size_t nmemb, size_t size,
                    int (*compar)(const void *, const void *));",
    )?;
    // None: the C library already loaded in the process.
    let libc = Arc::new(Library::open(None, 0)?);

    // strlen, from its C prototype.
    let strlen = Function::lookup(&ffi, &libc, "strlen")?;
    let text = c_string("hello, rcffi")?;
    // SAFETY: strlen reads the NUL-terminated string `text` owns.
    let n = unsafe { strlen.call(&[Value::from(text.as_ptr())]) }?;
    println!("strlen(\"hello, rcffi\") = {}", n.to_u64()?);

    // qsort, sorting C ints with a Rust comparator (descending).
    let numbers = [5i32, -3, 42, 0, 17, 8];
    let int_size = std::mem::size_of::<i32>();
    let mut array = RawMemory::for_type(&ffi, &Type::array(&Type::int(), numbers.len()))?;
    for (i, x) in numbers.iter().enumerate() {
        array.write(i * int_size, *x)?;
    }
    let descending = Closure::from_signature(&ffi, "int(*)(const void *, const void *)", |args| {
        // SAFETY: qsort passes pointers to two ints of the array.
        let (a, b) = unsafe {
            (
                *(args[0].to_ptr().unwrap() as *const i32),
                *(args[1].to_ptr().unwrap() as *const i32),
            )
        };
        Value::I32(b.cmp(&a) as i32)
    })?;
    let qsort = Function::lookup(&ffi, &libc, "qsort")?;
    // SAFETY: the array holds `numbers.len()` ints; the comparator matches.
    unsafe {
        qsort.call(&[
            array.to_value(),
            Value::from(numbers.len()),
            Value::from(int_size),
            descending.to_value(),
        ])
    }?;
    let sorted = (0..numbers.len())
        .map(|i| array.read::<i32>(i * int_size))
        .collect::<Result<Vec<_>, _>>()?;
    println!("qsort({numbers:?}, descending) = {sorted:?}");

    // snprintf, declared in Rust; the extra arguments are promoted as C does
    // (the f32 is passed as a double).
    let snprintf = Function::declare_variadic(
        &ffi,
        &libc,
        "snprintf",
        &[
            Type::char_ptr(),
            Type::size_t(),
            Type::pointer(&Type::char()),
        ],
        &Type::int(),
    )?;
    let mut buffer = RawMemory::alloc(64, 1)?;
    let format = c_string("%s has %d items, the largest is %ld, %.2f%%")?;
    let name = c_string("the array")?;
    // SAFETY: the buffer holds 64 bytes and the format matches the arguments.
    let written = unsafe {
        snprintf.call(&[
            buffer.to_value(),
            Value::from(buffer.len()),
            Value::from(format.as_ptr()),
            Value::from(name.as_ptr()),
            Value::I32(numbers.len() as i32),
            Value::I64(i64::from(sorted[0])),
            Value::F32(99.5),
        ])
    }?;
    println!(
        "snprintf(...) = {} -> \"{}\"",
        written.to_i64()?,
        buffer.read_c_string(0)?
    );
    Ok(())
}
