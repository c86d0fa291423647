"""``find_library(name)``: the file name a library is loaded by, found the way
the platform's dynamic linker would (the ldconfig cache, then the compiler's and
the linker's search paths), as ``ctypes.util`` does."""

import os
import re
import shutil
import struct
import subprocess
import sys
import tempfile


def _machine():
    """The ldconfig cache's spelling of this process's ABI."""
    bits = struct.calcsize("P") * 8
    machine = os.uname().machine
    if machine == "x86_64":
        return "x86-64" if bits == 64 else "i386"
    if machine in ("aarch64", "arm64"):
        return "AArch64" if bits == 64 else ""
    return "64bit" if bits == 64 else ""


def _run(command, env=None):
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              env=env, check=False)
    except OSError:
        return b""
    return done.stdout


def _findSoname_ldconfig(name):
    """The soname of ``lib<name>.so`` in the ldconfig cache, for this ABI."""
    ldconfig = shutil.which("ldconfig") or "/sbin/ldconfig"
    env = dict(os.environ, LC_ALL="C", LANG="C")
    output = _run([ldconfig, "-p"], env).decode("utf-8", "replace")
    machine = _machine()
    pattern = re.compile(r"\s+(lib%s\.[^\s]+)\s+\(([^)]*)\)" % re.escape(name))
    for match in pattern.finditer(output):
        soname, flags = match.groups()
        if not soname.startswith("lib%s.so" % name):
            continue
        if not machine or machine in flags or ("x86-64" not in flags and
                                               "64bit" not in flags and machine == "i386"):
            return soname
    return None


def _is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def _soname(path):
    """The DT_SONAME of an ELF file, read with objdump when it is installed."""
    objdump = shutil.which("objdump")
    if objdump is None or not _is_elf(path):
        return os.path.basename(path) if _is_elf(path) else None
    match = re.search(rb"\sSONAME\s+([^\s]+)", _run([objdump, "-p", "-j", ".dynamic", path]))
    return os.fsdecode(match.group(1)) if match else os.path.basename(path)


def _findLib_gcc(name):
    """The file the C compiler links for ``-l<name>``, from its linker trace."""
    compiler = shutil.which("gcc") or shutil.which("cc")
    if compiler is None:
        return None
    with tempfile.TemporaryDirectory() as tmp:
        output = _run([compiler, "-Wl,-t", "-o", os.path.join(tmp, "a.out"), "-l" + name],
                      dict(os.environ, LC_ALL="C", LANG="C"))
    pattern = re.compile(rb"[^\(\)\s]*lib%s\.[^\(\)\s]*" % re.escape(os.fsencode(name)))
    for match in pattern.findall(output):
        path = os.fsdecode(match)
        if _is_elf(path):
            return _soname(path)
    return None


def _findLib_ld(name):
    """The file ``ld`` finds for ``-l<name>`` on its and LD_LIBRARY_PATH's paths."""
    ld = shutil.which("ld")
    if ld is None:
        return None
    command = [ld, "-t"]
    for directory in os.environ.get("LD_LIBRARY_PATH", "").split(":"):
        if directory:
            command += ["-L", directory]
    command += ["-o", os.devnull, "-l" + name]
    pattern = re.compile(rb"[^\(\)\s]*lib%s\.[^\(\)\s]*" % re.escape(os.fsencode(name)))
    for match in pattern.findall(_run(command)):
        path = os.fsdecode(match)
        if _is_elf(path):
            return _soname(path)
    return None


def find_library(name):
    """The name to give ``CDLL`` for library ``name`` (``"c"``, ``"m"``...), or
    None when there is none."""
    if sys.platform == "darwin" or os.name == "nt":
        return None
    return _findSoname_ldconfig(name) or _findLib_gcc(name) or _findLib_ld(name)
