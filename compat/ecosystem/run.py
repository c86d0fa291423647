"""Real PyPI projects built on cffi, run with rcffi standing in for it.

    python compat/ecosystem/run.py              # every project
    python compat/ecosystem/run.py xattr pymunk # some of them

Each project's wheels (the cffi-compiled extension modules or out-of-line
modules its authors built with cffi) are installed from the package index into
two throwaway virtual environments under ``build/ecosystem/``: ``cffi`` (the
real cffi, the reference) and ``rcffi`` (cffi and pycparser uninstalled, rcffi
on the path and a ``.pth`` file calling ``rcffi.install_as_cffi()`` at start-up,
so every ``import cffi`` and ``import _cffi_backend`` gives rcffi). The
project's own test suite, from its sdist (or from the package, when it ships
one), runs unchanged in both, with a per-test timeout; the pass counts are
printed side by side. The run fails when a project passes fewer tests on rcffi
than on cffi.

A project with ``build`` is instead built from its sdist in each environment
(``pip install --no-binary``, no build isolation): by the real cffi in the
reference, and by rcffi standing in for cffi (its ``cffi_modules=`` setup
keyword, registered by a ``.dist-info`` written beside the ``.pth``) in the
other. Those projects get environments of their own (``cffi-sdist``,
``rcffi-sdist``), so their builds never replace the wheels of the others.
"""

import argparse
import os
import re
import shutil
import subprocess
import sys
import tarfile
import venv
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WORK = ROOT / "build" / "ecosystem"
TEST_DEPS = ["pytest==8.4.2", "pytest-timeout==2.4.0"]


@dataclass
class Project:
    """One project: the wheels to install, where its tests come from and
    the pytest arguments that run them."""

    name: str
    wheels: list
    #: ``name==version`` of the sdist holding the tests, or None when the
    #: tests are a package installed with the wheels (``--pyargs``).
    sdist: str = None
    #: Test paths inside the unpacked sdist, or the test package.
    tests: list = field(default_factory=list)
    deps: list = field(default_factory=list)
    #: Other paths of the sdist the tests read (data files).
    data: list = field(default_factory=list)
    #: Python code run once by the reference interpreter in the tests'
    #: directory, making data files the sdist does not ship.
    prepare: str = ""
    #: What the project uses cffi for (shown in the report).
    kind: str = ""
    #: ``name==version`` built from its sdist in each environment (with
    #: ``build_deps``) rather than installed as a wheel.
    build: str = None
    build_deps: list = field(default_factory=list)


#: brotli's test corpus is a git submodule the sdist leaves out: the tests get
#: files of their own sdist (and a few made-up ones), compressed by the reference.
BROTLI_TESTDATA = """
import os, shutil, brotlicffi
out = os.path.join("libbrotli", "tests", "testdata")
os.makedirs(out)
for name in os.listdir("test"):
    if name.endswith(".py"):
        shutil.copy(os.path.join("test", name), os.path.join(out, name))
with open(os.path.join(out, "zeros"), "wb") as f:
    f.write(bytes(100000))
with open(os.path.join(out, "pattern"), "wb") as f:
    f.write(bytes(range(256)) * 300)
with open(os.path.join(out, "alice29.txt"), "wb") as f:
    for name in sorted(os.listdir("test")):
        if name.endswith(".py"):
            with open(os.path.join("test", name), "rb") as src:
                f.write(src.read())
for name in os.listdir(out):
    with open(os.path.join(out, name), "rb") as f, open(os.path.join(out, name + ".compressed"), "wb") as g:
        g.write(brotlicffi.compress(f.read()))
"""

PROJECTS = [
    Project("argon2-cffi", ["argon2-cffi-bindings==26.2.0", "argon2-cffi==25.1.0"],
            sdist="argon2-cffi==25.1.0", tests=["tests"], deps=["hypothesis"],
            kind="API mode: compiled _argon2_cffi_bindings._ffi"),
    Project("brotlicffi", ["brotlicffi==1.2.1.0"], sdist="brotlicffi==1.2.1.0",
            tests=["test"], deps=["hypothesis"], data=["libbrotli/c/common/version.h"],
            prepare=BROTLI_TESTDATA,
            kind="API mode: compiled _brotlicffi"),
    Project("xattr", ["xattr==1.3.1"], sdist="xattr==1.3.1", tests=["tests"],
            kind="API mode: compiled xattr._lib"),
    Project("pynacl", ["PyNaCl==1.5.0"], sdist="PyNaCl==1.5.0", tests=["tests"],
            deps=["hypothesis"], kind="API mode: compiled nacl._sodium (libsodium)"),
    Project("pymunk", ["pymunk==7.3.1"], tests=["pymunk.tests"],
            kind="API mode with extern \"Python\": compiled pymunk._chipmunk"),
    Project("xattr-sdist", [], sdist="xattr==1.3.1", tests=["tests"], build="xattr==1.3.1",
            build_deps=["setuptools>=77", "wheel"],
            kind="API mode built from its sdist: cffi_modules= makes xattr._lib"),
    Project("cairocffi", ["cairocffi==1.7.1"], tests=["cairocffi"], deps=["pikepdf==10.18.0"],
            kind="ABI mode: out-of-line cairocffi/_generated/ffi.py, system libcairo"),
    Project("soundfile", ["soundfile==0.14.0", "numpy==2.2.6"], sdist="soundfile==0.14.0",
            tests=["tests"], kind="ABI mode: out-of-line _soundfile.py, bundled libsndfile"),
]


def sh(*cmd, **kwargs):
    return subprocess.run([str(c) for c in cmd], check=True, **kwargs)


def _register_setup_keywords(site):
    """rcffi's ``distutils.setup_keywords`` entry points (``cffi_modules=``),
    which setuptools finds in a ``.dist-info``: rcffi itself is on the path
    through a ``.pth``."""
    import tomllib

    with open(ROOT / "pyproject.toml", "rb") as f:
        project = tomllib.load(f)["project"]
    keywords = project["entry-points"]["distutils.setup_keywords"]
    info = site / ("rcffi-%s.dist-info" % project["version"])
    info.mkdir(exist_ok=True)
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: rcffi\nVersion: %s\n"
                                   % project["version"])
    (info / "entry_points.txt").write_text(
        "[distutils.setup_keywords]\n"
        + "".join("%s = %s\n" % item for item in sorted(keywords.items())))


def environment(flavour, projects, suffix=""):
    """The virtual environment ``build/ecosystem/<flavour><suffix>`` with the
    projects' wheels and test dependencies; for ``rcffi``, cffi removed and
    rcffi installed as cffi at start-up. Projects with ``build`` are built
    from their sdists last, by whichever cffi the environment has."""
    home = WORK / (flavour + suffix)
    python = home / "bin" / "python"
    if not python.exists():
        venv.create(home, with_pip=True)
    wheels = [w for p in projects for w in p.wheels]
    deps = (TEST_DEPS + [d for p in projects for d in p.deps + p.build_deps]
            + ["cffi==2.0.0"])
    sh(python, "-m", "pip", "install", "--quiet", "--only-binary", ":all:", *wheels, *deps)
    site = Path(subprocess.check_output(
        [python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        text=True).strip())
    if flavour == "rcffi":
        sh(python, "-m", "pip", "uninstall", "--quiet", "--yes", "cffi", "pycparser")
        (site / "rcffi-source.pth").write_text(str(ROOT / "python") + "\n")
        (site / "zz-rcffi-as-cffi.pth").write_text("import rcffi; rcffi.install_as_cffi()\n")
        _register_setup_keywords(site)
        check = "import _cffi_backend, cffi; assert _cffi_backend.__name__ == 'rcffi._backend'"
        sh(python, "-c", check)
    builds = [p.build for p in projects if p.build]
    if builds:
        names = ",".join(b.split("==")[0] for b in builds)
        sh(python, "-m", "pip", "install", "--quiet", "--force-reinstall", "--no-deps",
           "--no-build-isolation", "--no-cache-dir", "--no-binary", names, *builds)
    return python


def sdist_tests(project, reference_python):
    """The unpacked sdist of ``project`` (downloaded once), without its
    package sources: the tests import the installed wheel."""
    name, version = project.sdist.split("==")
    target = WORK / "sdists" / ("%s-%s" % (name, version))
    if target.exists():
        return target
    downloads = WORK / "downloads"
    downloads.mkdir(parents=True, exist_ok=True)
    sh(reference_python, "-m", "pip", "download", "--quiet", "--no-deps", "--no-binary",
       ":all:", "-d", downloads, project.sdist)
    stem = re.sub(r"[-_.]+", "[-_.]", name)
    archive = next(p for p in downloads.iterdir()
                   if re.match(r"(?i)%s-%s\.tar\.gz$" % (stem, re.escape(version)), p.name))
    unpacked = WORK / "sdists" / "unpack"
    shutil.rmtree(unpacked, ignore_errors=True)
    with tarfile.open(archive) as tar:
        tar.extractall(unpacked, filter="data")
    (top,) = unpacked.iterdir()
    target.mkdir(parents=True)
    for item in project.tests + project.data + ["pyproject.toml", "setup.cfg", "pytest.ini",
                                                "tox.ini"]:
        if (top / item).exists():
            (target / item).parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(top / item), str(target / item))
    shutil.rmtree(unpacked)
    if project.prepare:
        sh(reference_python, "-c", project.prepare, cwd=target)
    return target


COUNT = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)")


def run_tests(python, project, where):
    """pytest's counts for the project's tests: ``{"passed": n, ...}``."""
    args = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--timeout", "120",
            "-o", "addopts=", "--import-mode=importlib"]
    if project.sdist:
        args += [where / t for t in project.tests]
        cwd = where
    else:
        args += ["--pyargs", *project.tests]
        cwd = WORK
    out = subprocess.run([str(a) for a in args], cwd=cwd, capture_output=True, text=True,
                         timeout=1800, env=dict(os.environ, PYTHONDONTWRITEBYTECODE="1"))
    last = (out.stdout.strip().splitlines() or [""])[-1]
    counts = {kind.rstrip("s") if kind.startswith("error") else kind: int(n)
              for n, kind in COUNT.findall(last)}
    if not counts:
        counts = {"crashed": 1}
        print(out.stdout[-3000:], out.stderr[-3000:], sep="\n")
    return counts, out.stdout


def shown(counts):
    return ", ".join("%d %s" % (n, k) for k, n in sorted(counts.items())) or "nothing ran"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("projects", nargs="*", help="names of projects to run (default: all)")
    parser.add_argument("--show", action="store_true", help="print rcffi's pytest output")
    args = parser.parse_args()
    chosen = [p for p in PROJECTS if not args.projects or p.name in args.projects]
    unknown = set(args.projects) - {p.name for p in PROJECTS}
    if unknown:
        parser.error("unknown projects: %s" % ", ".join(sorted(unknown)))
    WORK.mkdir(parents=True, exist_ok=True)
    wheeled = [p for p in chosen if not p.build]
    built = [p for p in chosen if p.build]
    pythons = {}
    for group, suffix in ((wheeled, ""), (built, "-sdist")):
        if group:
            pair = (environment("cffi", group, suffix), environment("rcffi", group, suffix))
            pythons.update((p.name, pair) for p in group)
    worse = []
    rows = []
    for project in chosen:
        reference, stand_in = pythons[project.name]
        where = sdist_tests(project, reference) if project.sdist else None
        expected, _ = run_tests(reference, project, where)
        got, output = run_tests(stand_in, project, where)
        if args.show:
            print(output)
        rows.append((project, expected, got))
        if got.get("passed", 0) < expected.get("passed", 0) or "crashed" in got:
            worse.append(project.name)
    print("%-12s %-34s %-34s %s" % ("project", "cffi 2.0.0", "rcffi", "what it uses"))
    for project, expected, got in rows:
        print("%-12s %-34s %-34s %s" % (project.name, shown(expected), shown(got), project.kind))
    if worse:
        print("fewer tests pass on rcffi than on cffi: %s" % ", ".join(worse))
        return 1
    print("every project passes as many tests on rcffi as on cffi")
    return 0


if __name__ == "__main__":
    sys.exit(main())
