//! Compiling C source into a shared library at run time with the system compiler.
//!
//! [`CompileInfo`] is everything C code needs beyond its own text — headers to
//! include, libraries to link, where to find both, extra source files, macros,
//! raw flags — as a value that can be built in code, read from `pkg-config`, and
//! merged. [`compile_shared_library`] turns a C source plus that information into
//! a `.so` that [`Library::open`](crate::dl::Library::open) can load; API mode
//! builds its extension modules with the same function.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::error::Error;

/// What a piece of C needs to compile and link, besides its own text.
///
/// ```
/// use rcffi_core::CompileInfo;
///
/// let info = CompileInfo {
///     includes: vec!["math.h".into()],
///     libraries: vec!["m".into()],
///     define_macros: vec![("SCALE".into(), Some("3".into()))],
///     ..CompileInfo::default()
/// };
/// assert_eq!(info.prelude(), "#include <math.h>\n");
/// let args = info.compiler_args();
/// assert!(args.contains(&"-DSCALE=3".to_string()));
/// assert!(args.contains(&"-lm".to_string()));
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CompileInfo {
    /// Headers included before the source: `"stdio.h"` becomes
    /// `#include <stdio.h>`; a name already in quotes or angle brackets is kept.
    pub includes: Vec<String>,
    /// Libraries to link, without `lib` and suffix (`"m"` for libm).
    pub libraries: Vec<String>,
    /// Directories searched for libraries at link time (`-L`).
    pub library_dirs: Vec<PathBuf>,
    /// Directories searched for libraries when the result is loaded (`-Wl,-rpath`).
    pub runtime_library_dirs: Vec<PathBuf>,
    /// Directories searched for headers (`-I`).
    pub include_dirs: Vec<PathBuf>,
    /// Extra C files compiled into the same library.
    pub sources: Vec<PathBuf>,
    /// Macros defined on the command line: `("NDEBUG", None)` is `-DNDEBUG`,
    /// `("N", Some("3"))` is `-DN=3`.
    pub define_macros: Vec<(String, Option<String>)>,
    /// Macros undefined on the command line (`-U`).
    pub undef_macros: Vec<String>,
    /// Flags passed to the compiler as they are.
    pub extra_compile_args: Vec<String>,
    /// Flags passed to the linker step as they are.
    pub extra_link_args: Vec<String>,
    /// Object files linked in as they are.
    pub extra_objects: Vec<PathBuf>,
    /// Files whose change requires a rebuild, besides the sources themselves
    /// (headers the source includes, for example).
    pub depends: Vec<PathBuf>,
}

impl CompileInfo {
    /// The information `pkg-config` gives for `packages` (`--cflags --libs`),
    /// split into the matching fields; unrecognised flags go to the extra args.
    pub fn from_pkg_config(packages: &[&str]) -> Result<CompileInfo, Error> {
        let mut info = CompileInfo::default();
        for flag in pkg_config(packages, "--cflags")?.split_whitespace() {
            if let Some(dir) = flag.strip_prefix("-I") {
                info.include_dirs.push(dir.into());
            } else if let Some(m) = flag.strip_prefix("-D") {
                let (name, value) = match m.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (m, None),
                };
                info.define_macros.push((name.to_string(), value));
            } else {
                info.extra_compile_args.push(flag.to_string());
            }
        }
        for flag in pkg_config(packages, "--libs")?.split_whitespace() {
            if let Some(dir) = flag.strip_prefix("-L") {
                info.library_dirs.push(dir.into());
            } else if let Some(lib) = flag.strip_prefix("-l") {
                info.libraries.push(lib.to_string());
            } else {
                info.extra_link_args.push(flag.to_string());
            }
        }
        Ok(info)
    }

    /// This information followed by `other`'s (for a library that needs two
    /// packages, or defaults plus a user's additions).
    pub fn merge(mut self, other: &CompileInfo) -> CompileInfo {
        self.includes.extend_from_slice(&other.includes);
        self.libraries.extend_from_slice(&other.libraries);
        self.library_dirs.extend_from_slice(&other.library_dirs);
        self.runtime_library_dirs
            .extend_from_slice(&other.runtime_library_dirs);
        self.include_dirs.extend_from_slice(&other.include_dirs);
        self.sources.extend_from_slice(&other.sources);
        self.define_macros.extend_from_slice(&other.define_macros);
        self.undef_macros.extend_from_slice(&other.undef_macros);
        self.extra_compile_args
            .extend_from_slice(&other.extra_compile_args);
        self.extra_link_args
            .extend_from_slice(&other.extra_link_args);
        self.extra_objects.extend_from_slice(&other.extra_objects);
        self.depends.extend_from_slice(&other.depends);
        self
    }

    /// The `#include` lines put before the C source.
    pub fn prelude(&self) -> String {
        self.includes
            .iter()
            .map(|h| {
                if h.starts_with('<') || h.starts_with('"') {
                    format!("#include {h}\n")
                } else {
                    format!("#include <{h}>\n")
                }
            })
            .collect()
    }

    /// The compiler arguments besides the input and output files: macros and
    /// header directories, compile flags, extra sources, then the link flags
    /// (libraries last, so that the linker sees what uses them first).
    pub fn compiler_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for (name, value) in &self.define_macros {
            args.push(match value {
                Some(v) => format!("-D{name}={v}"),
                None => format!("-D{name}"),
            });
        }
        args.extend(self.undef_macros.iter().map(|m| format!("-U{m}")));
        args.extend(
            self.include_dirs
                .iter()
                .map(|d| format!("-I{}", d.display())),
        );
        args.extend(self.extra_compile_args.iter().cloned());
        args.extend(self.sources.iter().map(|s| s.display().to_string()));
        args.extend(self.extra_objects.iter().map(|o| o.display().to_string()));
        args.extend(
            self.library_dirs
                .iter()
                .map(|d| format!("-L{}", d.display())),
        );
        args.extend(
            self.runtime_library_dirs
                .iter()
                .map(|d| format!("-Wl,-rpath,{}", d.display())),
        );
        args.extend(self.libraries.iter().map(|l| format!("-l{l}")));
        args.extend(self.extra_link_args.iter().cloned());
        args
    }
}

fn pkg_config(packages: &[&str], what: &str) -> Result<String, Error> {
    let out = Command::new("pkg-config")
        .arg(what)
        .args(packages)
        .output()
        .map_err(|e| Error::Compile(format!("cannot run pkg-config: {e}")))?;
    if !out.status.success() {
        return Err(Error::Compile(format!(
            "pkg-config {what} {} failed: {}",
            packages.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        )));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Compiles `c_source` (after the `#include` lines of `info`) into the shared
/// library `out_dir/<name>.so` (`.dylib` on macOS) and returns its path.
///
/// The C file is written as `out_dir/<name>.c`, and only when its content
/// changed, so its modification time tells build tools whether anything did.
/// The compiler is `$CC` (which may include flags) or `cc`, run with
/// `-shared -fPIC`; a failure is an [`Error::Compile`] holding the command and
/// the compiler's messages. The library is written under a temporary name and
/// renamed into place, so a process that has the previous version loaded keeps
/// a consistent file.
///
/// ```
/// use std::sync::Arc;
/// use rcffi_core::{compile_shared_library, CompileInfo, Ffi, Function, Library, Type, Value};
///
/// let dir = std::env::temp_dir().join(format!("rcffi-doc-{}", std::process::id()));
/// let so = compile_shared_library(
///     "int add(int a, int b) { return a + b; }",
///     &CompileInfo::default(),
///     &dir,
///     "adder",
/// )
/// .unwrap();
/// let lib = Arc::new(Library::open(Some(so.to_str().unwrap()), 0).unwrap());
/// let ffi = Ffi::new();
/// ffi.cdef("int add(int, int);").unwrap();
/// let add = Function::lookup(&ffi, &lib, "add").unwrap();
/// assert_eq!(unsafe { add.call(&[Value::I32(2), Value::I32(40)]) }.unwrap(), Value::I32(42));
/// # std::fs::remove_dir_all(&dir).unwrap();
/// ```
pub fn compile_shared_library(
    c_source: &str,
    info: &CompileInfo,
    out_dir: &Path,
    name: &str,
) -> Result<PathBuf, Error> {
    fs::create_dir_all(out_dir).map_err(|e| io_error("create the directory", out_dir, e))?;
    let c_path = out_dir.join(format!("{name}.c"));
    let text = format!("{}{c_source}\n", info.prelude());
    write_if_changed(&c_path, &text)?;
    let output = out_dir.join(format!("{name}{}", std::env::consts::DLL_SUFFIX));
    compile_file(&c_path, &output, info)?;
    Ok(output)
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> Error {
    Error::Compile(format!("cannot {what} '{}': {e}", path.display()))
}

/// Writes `text` to `path` unless the file already holds exactly that, so its
/// modification time only moves when its content does.
pub fn write_if_changed(path: &Path, text: &str) -> Result<(), Error> {
    if fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    if let Some(dir) = path.parent() {
        fs::create_dir_all(dir).map_err(|e| io_error("create the directory", dir, e))?;
    }
    fs::write(path, text).map_err(|e| io_error("write", path, e))
}

/// Whether `output` exists, was built by `command_line`, and is newer than every
/// input of its build.
fn up_to_date(
    c_path: &Path,
    output: &Path,
    info: &CompileInfo,
    command_line: &str,
    stamp: &Path,
) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let Some(built) = modified(output) else {
        return false;
    };
    if fs::read_to_string(stamp).ok().as_deref() != Some(command_line) {
        return false;
    }
    std::iter::once(c_path)
        .chain(info.sources.iter().map(PathBuf::as_path))
        .chain(info.extra_objects.iter().map(PathBuf::as_path))
        .chain(info.depends.iter().map(PathBuf::as_path))
        .all(|input| modified(input).is_some_and(|t| t <= built))
}

/// Compiles the C file `c_path` (with `info`'s flags, sources and libraries)
/// into the shared library `output`, unless `output` was built by the same
/// command and is newer than all its inputs (recorded in `<output>.cmd`). The library is written under a temporary name and renamed, so a
/// concurrent loader never sees half a file.
pub fn compile_file(c_path: &Path, output: &Path, info: &CompileInfo) -> Result<(), Error> {
    let dir = output.parent().unwrap_or(Path::new("."));
    let name = output
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Unique per process and per call, so concurrent builds never share it.
    static BUILDS: AtomicUsize = AtomicUsize::new(0);
    let tmp = dir.join(format!(
        "{name}.{}-{}.tmp",
        std::process::id(),
        BUILDS.fetch_add(1, Ordering::Relaxed),
    ));

    let cc = std::env::var("CC").unwrap_or_default();
    let mut cc_words = cc.split_whitespace();
    let program = cc_words.next().unwrap_or("cc").to_string();
    let mut args: Vec<String> = cc_words.map(str::to_string).collect();
    args.extend(["-shared", "-fPIC", "-o"].map(String::from));
    args.push(tmp.display().to_string());
    args.push(c_path.display().to_string());
    // The functions of included headers are referenced weakly (see
    // `codegen`): without this, a linker defaulting to `--as-needed` drops a
    // library of `libraries=` that only such references use.
    if cfg!(target_os = "linux") {
        args.push("-Wl,--no-as-needed".to_string());
    }
    args.extend(info.compiler_args());
    let command_line = format!("{program} {}", args.join(" "));
    // The command without the temporary name identifies the build.
    let identity = command_line.replace(&tmp.display().to_string(), &output.display().to_string());
    let stamp = dir.join(format!("{name}.cmd"));
    if up_to_date(c_path, output, info, &identity, &stamp) {
        return Ok(());
    }

    let result = Command::new(&program).args(&args).output().map_err(|e| {
        Error::Compile(format!(
            "cannot run the C compiler '{program}' (set $CC to choose another): {e}"
        ))
    })?;
    if !result.status.success() {
        let _ = fs::remove_file(&tmp);
        let mut messages = String::from_utf8_lossy(&result.stderr).into_owned();
        messages.push_str(&String::from_utf8_lossy(&result.stdout));
        return Err(Error::Compile(format!(
            "the C compiler failed ({}) building '{}'\ncommand: {command_line}\n{}",
            result.status,
            output.display(),
            messages.trim_end()
        )));
    }
    fs::rename(&tmp, output).map_err(|e| io_error("move the library to", output, e))?;
    fs::write(&stamp, identity).map_err(|e| io_error("write", &stamp, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn includes_keep_explicit_delimiters() {
        let info = CompileInfo {
            includes: vec!["a.h".into(), "\"b.h\"".into(), "<c.h>".into()],
            ..CompileInfo::default()
        };
        assert_eq!(
            info.prelude(),
            "#include <a.h>\n#include \"b.h\"\n#include <c.h>\n"
        );
    }

    #[test]
    fn merged_information_keeps_both_in_order() {
        let a = CompileInfo {
            libraries: vec!["m".into()],
            ..CompileInfo::default()
        };
        let b = CompileInfo {
            libraries: vec!["z".into()],
            undef_macros: vec!["X".into()],
            ..CompileInfo::default()
        };
        let m = a.merge(&b);
        assert_eq!(m.libraries, ["m", "z"]);
        assert_eq!(m.compiler_args(), ["-UX", "-lm", "-lz"]);
    }

    #[test]
    fn unknown_pkg_config_packages_are_named() {
        if Command::new("pkg-config")
            .arg("--version")
            .output()
            .is_err()
        {
            return;
        }
        let e = CompileInfo::from_pkg_config(&["rcffi-no-such-package"]).unwrap_err();
        assert!(e.to_string().contains("rcffi-no-such-package"), "{e}");
    }
}
