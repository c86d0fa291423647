//! `compile_module()`: building the C file of an API-mode module into its shared
//! library, through the core's compiler driver (the same one Rust users call).

use std::path::PathBuf;

use pyo3::prelude::*;
use pyo3::types::PyDict;
use rcffi_core::compile::{compile_file, CompileInfo};

use crate::errors::{PkgConfigError, VerificationError};
use crate::messages::Msg;

fn strings(options: &Bound<'_, PyDict>, key: &str) -> PyResult<Vec<String>> {
    match options.get_item(key)? {
        None => Ok(Vec::new()),
        Some(v) if v.is_none() => Ok(Vec::new()),
        Some(v) if v.is_instance_of::<pyo3::types::PyString>() => {
            Err(Msg::SourceKeywordIsString { key: &key }.to_err())
        }
        Some(v) => v
            .try_iter()?
            .map(|item| item?.extract::<String>())
            .collect::<PyResult<Vec<String>>>()
            .map_err(|_| Msg::SourceKeywordNotList { key: &key }.to_err()),
    }
}

fn paths(options: &Bound<'_, PyDict>, key: &str) -> PyResult<Vec<PathBuf>> {
    Ok(strings(options, key)?
        .into_iter()
        .map(PathBuf::from)
        .collect())
}

/// The compile information `set_source()`'s keywords describe.
fn compile_info(options: &Bound<'_, PyDict>) -> PyResult<CompileInfo> {
    let mut define_macros = Vec::new();
    if let Some(v) = options.get_item("define_macros")? {
        for item in v.try_iter()? {
            let (name, value): (String, Option<String>) = item?
                .extract()
                .map_err(|_| Msg::DefineMacrosNotPairs.to_err())?;
            define_macros.push((name, value));
        }
    }
    let debug = options
        .get_item("debug")?
        .map(|d| d.is_truthy())
        .transpose()?
        .unwrap_or(false);
    let mut extra_compile_args = if debug {
        vec!["-g".into(), "-O0".into()]
    } else {
        vec!["-O2".into()]
    };
    extra_compile_args.extend(strings(options, "extra_compile_args")?);
    let info = CompileInfo {
        libraries: strings(options, "libraries")?,
        library_dirs: paths(options, "library_dirs")?,
        runtime_library_dirs: paths(options, "runtime_library_dirs")?,
        include_dirs: paths(options, "include_dirs")?,
        sources: paths(options, "sources")?,
        define_macros,
        undef_macros: strings(options, "undef_macros")?,
        extra_compile_args,
        extra_link_args: strings(options, "extra_link_args")?,
        extra_objects: paths(options, "extra_objects")?,
        depends: paths(options, "depends")?,
        ..CompileInfo::default()
    };
    let packages = strings(options, "pkgconfig")?;
    if packages.is_empty() {
        return Ok(info);
    }
    let names: Vec<&str> = packages.iter().map(String::as_str).collect();
    let from_pkg =
        CompileInfo::from_pkg_config(&names).map_err(|e| PkgConfigError::new_err(e.to_string()))?;
    Ok(from_pkg.merge(&info))
}

/// `compile_module(c_path, c_text, output, options, verbose=False)`: writes
/// `c_text` as the C file `c_path` (when it changed) and builds it into the
/// shared library `output` with the `set_source()` keywords in `options`,
/// through `<name>.o` beside the C file; a compiler failure is a
/// `VerificationError` with its messages.
#[pyfunction]
#[pyo3(signature = (c_path, c_text, output, options, verbose=false))]
pub fn compile_module(
    py: Python<'_>,
    c_path: PathBuf,
    c_text: &str,
    output: PathBuf,
    options: &Bound<'_, PyDict>,
    verbose: bool,
) -> PyResult<()> {
    let info = compile_info(options)?;
    if verbose {
        let args = info.compiler_args().join(" ");
        println!(
            "compiling {} -> {} {args}",
            c_path.display(),
            output.display()
        );
    }
    py.detach(|| compile_file(&c_path, c_text, &output, &info))
        .map_err(|e| VerificationError::new_err(e.to_string()))
}

/// `pkg_config_options(packages)`: what `pkg-config` says for `packages`, as
/// the keywords of a setuptools `Extension` (`include_dirs`, `define_macros`,
/// `libraries`, ...), for `ffi.distutils_extension()` and the setuptools
/// integration, which hand the build to setuptools rather than to
/// `compile_module()`.
#[pyfunction]
pub fn pkg_config_options<'py>(
    py: Python<'py>,
    packages: Vec<String>,
) -> PyResult<Bound<'py, PyDict>> {
    let names: Vec<&str> = packages.iter().map(String::as_str).collect();
    let info =
        CompileInfo::from_pkg_config(&names).map_err(|e| PkgConfigError::new_err(e.to_string()))?;
    let display = |paths: &[PathBuf]| -> Vec<String> {
        paths.iter().map(|p| p.display().to_string()).collect()
    };
    let out = PyDict::new(py);
    out.set_item("include_dirs", display(&info.include_dirs))?;
    out.set_item("define_macros", info.define_macros.clone())?;
    out.set_item("extra_compile_args", info.extra_compile_args.clone())?;
    out.set_item("library_dirs", display(&info.library_dirs))?;
    out.set_item("libraries", info.libraries.clone())?;
    out.set_item("extra_link_args", info.extra_link_args.clone())?;
    Ok(out)
}
