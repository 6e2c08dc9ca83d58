"""Shared fixtures: one real snakemake run of the whole workflow per test session.

The run copies the project (Snakefile, workflow/, notebooks/, config.yaml) and the shipped
sample plus the test unit `uji` into a temporary directory, runs `snakemake --cores 2` once,
and every document test reads its outputs: documents are rendered once per session.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from skm.audit.text import HtmlText as AuditHtmlText

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
BAD_UNIT_NAME = "Unit Baru Ölah"  # a space and a non-ASCII letter: fails that unit only


class HtmlText(AuditHtmlText):
    """The product's HTML reader (skm.audit.text.HtmlText): ``text`` is the page's text nodes
    outside style/script, ``tags`` every tag with its attributes."""

    @property
    def text(self) -> list[str]:
        """The text nodes, in order."""
        return self.data


def _squash_space(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdf_text(path: Path) -> str:
    """A PDF's text with white space folded (poppler's pdftotext, else pypdf)."""
    if shutil.which("pdftotext"):
        out = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    else:
        from pypdf import PdfReader

        out = "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)
    return _squash_space(out)


def html_text(path: Path) -> str:
    """An HTML file's text (outside style/script) with white space folded."""
    parser = HtmlText()
    parser.feed(path.read_text(encoding="utf-8"))
    return _squash_space(" ".join(parser.text))


def docx_text(path: Path) -> str:
    """A DOCX's paragraphs and table cells (python-docx) with white space folded."""
    from docx import Document

    doc = Document(path)
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return _squash_space(" ".join(parts))


def copy_project(dest: Path, units: dict[str, Path] | None = None, sample: bool = True) -> Path:
    """A runnable copy of the project in `dest` (no processed data, no reports)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in ("Snakefile", "config.yaml"):
        shutil.copy2(ROOT / name, dest / name)
    for name in ("workflow", "notebooks", "profiles"):
        shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
    raw = dest / "data" / "raw"
    raw.mkdir(parents=True)
    if sample:
        shutil.copytree(ROOT / "data" / "raw" / "biro-umum", raw / "biro-umum")
    for name, src in (units or {}).items():
        shutil.copytree(src, raw / name)
    return dest


def run_snakemake(workdir: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess:
    """Run the real snakemake CLI of this interpreter in `workdir`."""
    cmd = [sys.executable, "-m", "snakemake", "--cores", "2", *args]
    proc = subprocess.run(
        cmd, cwd=workdir, capture_output=True, text=True, timeout=900, check=False
    )
    if check and proc.returncode != 0:
        raise AssertionError(f"snakemake failed ({proc.returncode}):\n{proc.stderr[-6000:]}")
    return proc


@dataclass
class Run:
    """A finished workflow run."""

    root: Path
    returncode: int = 0
    output: str = ""

    def processed(self, unit: str, year: int) -> Path:
        return self.root / "data" / "processed" / unit / str(year)

    def reports(self, unit: str, year: int) -> Path:
        return self.root / "reports" / unit / str(year)


@pytest.fixture(scope="session")
def pipeline(tmp_path_factory) -> Run:
    """The workflow run on the shipped sample, the `uji` test unit and the broken unit `rusak`
    as a user runs it (the default profile's `keep-going` lets the other units finish);
    `hilang` is expected but sends nothing; the folder BAD_UNIT_NAME (a copy of `uji`) has a
    name no unit may have, so it is listed, not processed."""
    root = copy_project(
        tmp_path_factory.mktemp("pipeline"),
        units={
            "uji": FIXTURES / "units" / "uji",
            "rusak": FIXTURES / "units" / "rusak",
            BAD_UNIT_NAME: FIXTURES / "units" / "uji",
        },
    )
    cfg = root / "config.yaml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace(
            "expected_units: []", "expected_units: [uji, rusak, hilang]"
        ),
        encoding="utf-8",
    )
    proc = run_snakemake(root, check=False)
    run = Run(root, proc.returncode, proc.stdout + proc.stderr)
    failed_logs = sorted(
        p.parent.parent.name
        for p in (root / "logs").rglob("*.log")
        if "ERROR" in p.read_text(encoding="utf-8", errors="replace")
    )
    assert set(failed_logs) <= {"rusak"}, (
        f"unexpected failures: {failed_logs}\n{run.output[-4000:]}"
    )
    return run
