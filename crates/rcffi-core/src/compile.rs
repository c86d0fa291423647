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

    /// The arguments that compile a C file: macros, header directories and
    /// compile flags.
    pub fn compile_args(&self) -> Vec<String> {
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
        args
    }

    /// The compiler arguments besides the input and output files: the compile
    /// arguments (the extra sources are compiled with them), extra sources,
    /// then the link flags (libraries last, so that the linker sees what uses
    /// them first).
    pub fn compiler_args(&self) -> Vec<String> {
        let mut args = self.compile_args();
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
/// The C file is written as `out_dir/<name>.c` and compiled to `out_dir/<name>.o`,
/// which is then linked, as [`compile_file`] does. The compiler is `$CC` (which
/// may include flags) or `cc`; a failure is an [`Error::Compile`] holding the
/// command and the compiler's messages.
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
    let output = out_dir.join(format!("{name}{}", std::env::consts::DLL_SUFFIX));
    compile_file(&c_path, &text, &output, info)?;
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

/// Whether `output` exists and is newer than every input of its build. The
/// commands are part of the C file (see [`compile_file`]), so a changed
/// command moved the C file's modification time.
fn up_to_date(c_path: &Path, output: &Path, info: &CompileInfo) -> bool {
    let modified = |p: &Path| fs::metadata(p).and_then(|m| m.modified()).ok();
    let Some(built) = modified(output) else {
        return false;
    };
    std::iter::once(c_path)
        .chain(info.sources.iter().map(PathBuf::as_path))
        .chain(info.extra_objects.iter().map(PathBuf::as_path))
        .chain(info.depends.iter().map(PathBuf::as_path))
        .all(|input| modified(input).is_some_and(|t| t <= built))
}

/// The compiler program (`$CC`'s first word, or `cc`) and the flags `$CC` adds.
fn compiler() -> (String, Vec<String>) {
    let cc = std::env::var("CC").unwrap_or_default();
    let mut words = cc.split_whitespace();
    let program = words.next().unwrap_or("cc").to_string();
    (program, words.map(str::to_string).collect())
}

/// The two steps of a build, as distutils runs them: the C file compiled to
/// `object`, then `object` (with the extra sources and objects) linked into
/// `output`.
fn build_commands(
    c_path: &Path,
    object: &Path,
    output: &Path,
    info: &CompileInfo,
) -> (String, [Vec<String>; 2]) {
    let (program, cc_flags) = compiler();
    let mut compile = cc_flags.clone();
    compile.extend(["-fPIC", "-c", "-o"].map(String::from));
    compile.push(object.display().to_string());
    compile.push(c_path.display().to_string());
    compile.extend(info.compile_args());
    let mut link = cc_flags;
    link.extend(["-shared", "-fPIC", "-o"].map(String::from));
    link.push(output.display().to_string());
    link.push(object.display().to_string());
    // The functions of included headers are referenced weakly (see
    // `codegen`): without this, a linker defaulting to `--as-needed` drops a
    // library of `libraries=` that only such references use.
    if cfg!(target_os = "linux") {
        link.push("-Wl,--no-as-needed".to_string());
    }
    link.extend(info.compiler_args());
    (program, [compile, link])
}

/// The comment ending the C file: the build's commands, so that a build with
/// other flags rewrites the file (moving its modification time) and rebuilds,
/// with no stamp file beside the library.
fn build_comment(program: &str, commands: &[Vec<String>; 2]) -> String {
    let lines: Vec<String> = commands
        .iter()
        .map(|args| format!("   {program} {}", args.join(" ")).replace("*/", "*\\/"))
        .collect();
    format!("\n/* built by rcffi with:\n{}\n*/\n", lines.join("\n"))
}

/// Writes `c_text` to the C file `c_path` (ended by a comment naming the build
/// commands, and only when that changed) and builds the shared library
/// `output` from it: compiled to the object file beside the C file
/// (`<name>.o`), then linked with `info`'s sources, objects and libraries.
/// Nothing is run when `output` is newer than the C file and every other
/// input. The object and the library are written under temporary names and
/// renamed, so concurrent builds never share a file and a loader never sees
/// half of one.
pub fn compile_file(
    c_path: &Path,
    c_text: &str,
    output: &Path,
    info: &CompileInfo,
) -> Result<(), Error> {
    let object = c_path.with_extension("o");
    let (program, commands) = build_commands(c_path, &object, output, info);
    write_if_changed(
        c_path,
        &format!("{c_text}{}", build_comment(&program, &commands)),
    )?;
    if up_to_date(c_path, output, info) {
        return Ok(());
    }
    // Unique per process and per call, so concurrent builds never share them.
    static BUILDS: AtomicUsize = AtomicUsize::new(0);
    let unique = format!(
        "{}-{}.tmp",
        std::process::id(),
        BUILDS.fetch_add(1, Ordering::Relaxed)
    );
    let temporary = |path: &Path| {
        let mut name = path.as_os_str().to_owned();
        name.push(format!(".{unique}"));
        PathBuf::from(name)
    };
    let (tmp_object, tmp_output) = (temporary(&object), temporary(output));
    let (_, run) = build_commands(c_path, &tmp_object, &tmp_output, info);
    let result = run_step(&program, &run[0], output)
        .and_then(|()| run_step(&program, &run[1], output))
        .and_then(|()| {
            fs::rename(&tmp_object, &object).map_err(|e| io_error("move the object to", &object, e))
        })
        .and_then(|()| {
            fs::rename(&tmp_output, output).map_err(|e| io_error("move the library to", output, e))
        });
    if result.is_err() {
        let _ = fs::remove_file(&tmp_object);
        let _ = fs::remove_file(&tmp_output);
    }
    result
}

/// Runs one step of the build of `output`; a failure carries the command and
/// the compiler's messages.
fn run_step(program: &str, args: &[String], output: &Path) -> Result<(), Error> {
    let result = Command::new(program).args(args).output().map_err(|e| {
        Error::Compile(format!(
            "cannot run the C compiler '{program}' (set $CC to choose another): {e}"
        ))
    })?;
    if result.status.success() {
        return Ok(());
    }
    let mut messages = String::from_utf8_lossy(&result.stderr).into_owned();
    messages.push_str(&String::from_utf8_lossy(&result.stdout));
    Err(Error::Compile(format!(
        "the C compiler failed ({}) building '{}'\ncommand: {program} {}\n{}",
        result.status,
        output.display(),
        args.join(" "),
        messages.trim_end()
    )))
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
