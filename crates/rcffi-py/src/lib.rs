use pyo3::prelude::*;
#[pymodule]
fn _backend(_m: &Bound<'_, PyModule>) -> PyResult<()> {
    Ok(())
}
