//! Makes PyO3's interpreter-version cfgs (`Py_3_12`, ...) available to this crate,
//! for the few places that read CPython object layouts directly.

fn main() {
    pyo3_build_config::use_pyo3_cfgs();
}
