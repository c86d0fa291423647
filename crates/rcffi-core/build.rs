//! Finds the system libffi through pkg-config, so a missing library stops the build
//! with the name of the package to install instead of an obscure link error.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    match pkg_config::Config::new()
        .atleast_version("3.0")
        .probe("libffi")
    {
        Ok(_) => {}
        Err(err) => {
            panic!(
                "\n\nrcffi needs the system libffi (version 3 or later), found through pkg-config.\n\
                 Install it with:  apt-get install libffi-dev pkg-config   (Debian/Ubuntu)\n\
                 or:               dnf install libffi-devel pkgconf      (Fedora)\n\
                 or:               brew install libffi                   (macOS)\n\
                 pkg-config said: {err}\n"
            );
        }
    }
}
