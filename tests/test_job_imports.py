"""A job's own process imports only what it uses (issue 17): the document jobs leave pandas,
numpy and matplotlib to their Jupyter kernel, which is where the notebooks use them.

Each case runs in a fresh interpreter, because this test session has imported everything."""

from __future__ import annotations

import ast
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SCRIPTS = ROOT / "workflow" / "scripts"

#: Heavy libraries the parent process of a document job never needs (0.3 s for pandas alone).
HEAVY = ("pandas", "numpy", "matplotlib", "pandera")


def _script_imports(script: Path) -> str:
    """The top-level import statements of a Snakemake shim, as source."""
    tree = ast.parse(script.read_text(encoding="utf-8"))
    return "\n".join(
        ast.unparse(node) for node in tree.body if isinstance(node, ast.Import | ast.ImportFrom)
    )


def _loaded_after(code: str, cwd: Path) -> list[str]:
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(sys.modules)))\n"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        cwd=cwd,
        env={"PYTHONPATH": str(ROOT / "workflow"), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("script", ["render_laporan", "render_tindak_lanjut"])
def test_document_job_imports_no_data_library(script, tmp_path):
    """The shim's imports, then what it does before the kernel runs: photos cleaned into
    foto/ (file names checked for personal data) and the inputs hashed."""
    from PIL import Image

    photo = tmp_path / "Foto Budi 0812-3456-7890.png"
    Image.new("RGB", (4, 4), "white").save(photo)
    code = "\n".join(
        [
            _script_imports(SCRIPTS / f"{script}.py"),
            "from skm.ingest.images import clean_photos",
            "from skm.ingest.redact import file_label",
            "from skm.audit.provenance import input_hashes",
            f"clean_photos([{str(photo)!r}], {str(tmp_path / 'foto')!r})",
            f"file_label({photo.name!r})",
            f"input_hashes([{str(photo)!r}], {str(tmp_path)!r})",
        ]
    )
    loaded = _loaded_after(code, tmp_path)
    assert list((tmp_path / "foto").iterdir()), "the photo was not cleaned"
    assert [m for m in HEAVY if m in loaded] == []
