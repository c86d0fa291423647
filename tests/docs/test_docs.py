"""The code samples of docs/ run as written, so the documentation cannot go stale."""

import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent
DOCS = ROOT / "docs"
FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.M | re.S)


def blocks(page, language):
    return [code for lang, code in FENCE.findall(page.read_text()) if lang == language]


PAGES = sorted(p.name for p in DOCS.glob("*.md") if blocks(p, "python"))


def test_every_page_is_in_the_site_navigation():
    nav = (ROOT / "mkdocs.yml").read_text()
    assert sorted(p.name for p in DOCS.glob("*.md")) == sorted(re.findall(r"(\S+\.md)", nav))


@pytest.mark.parametrize("page", PAGES)
def test_python_samples_run(page, tmp_path):
    """A page's samples run in order in one fresh interpreter, as a reader would."""
    program = "\n".join(blocks(DOCS / page, "python"))
    done = subprocess.run([sys.executable, "-c", program], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stderr


def test_the_embedding_program_prints_what_the_page_says(tmp_path):
    """embedding.md: its Python builds the library, its C program is linked
    with it, and the program prints the page's text block."""
    page = DOCS / "embedding.md"
    subprocess.run([sys.executable, "-c", "\n".join(blocks(page, "python"))], cwd=tmp_path,
                   check=True, capture_output=True, timeout=120)
    (program,) = blocks(page, "c")
    (tmp_path / "main.c").write_text(program)
    (shell,) = blocks(page, "sh")
    compile_line, run_line = shell.splitlines()
    subprocess.run(compile_line.split(), cwd=tmp_path, check=True)
    done = subprocess.run([run_line], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    (expected,) = blocks(page, "text")
    assert done.stdout == expected


def test_the_rust_sample_is_the_crate_doctest():
    (sample,) = blocks(DOCS / "rust-api.md", "rust")
    crate_doc = (ROOT / "crates" / "rcffi-core" / "src" / "lib.rs").read_text()
    doctest = re.search(r"^//! ```\n(.*?)^//! ```", crate_doc, re.M | re.S).group(1)
    lines = [line[4:] if line.startswith("//! ") else line[3:] for line in doctest.splitlines()]
    assert sample == "\n".join(lines) + "\n"
