"""Audit trail: deterministic outputs, the manifest, `skm publish` and `skm verify`.

Two clean runs of the real snakemake on the shipped sample (in two folders) must
give byte-identical processed data, documents and manifests. One of them is then published,
verified untouched, verified after tampering, and published again after an input changed.
Each scenario works on its own copy of the finished run; snakemake runs five times in all.
Run: ``pytest tests/test_audit.py -q``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import stat
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import copy_project
from skm.audit import manifest as mf
from skm.audit.publish import publish
from skm.audit.text import compare_text, document_text, numbers
from skm.audit.verify import LEVEL_TEXT, compare_rerun
from skm.cli import main as skm_main
from skm.io import sha256, write_json

pytestmark = pytest.mark.workflow

UNIT = "biro-umum"
YEARS = (2022, 2023)
YEAR = 2023
EXPORT = f"data/raw/{UNIT}/{YEAR}/Form Responses 1.csv"
ARCHIVE_INCLUDE = 'include: "workflow/rules/archive.smk"\n'


def manifest_targets() -> list[str]:
    """The manifests; each depends on every document of the unit, so this builds everything."""
    return [f"reports/{UNIT}/{y}/manifest.json" for y in YEARS]


def wire_archive(root: Path) -> None:
    """Include archive.smk in the copy's Snakefile if the project does not yet."""
    snakefile = root / "Snakefile"
    text = snakefile.read_text(encoding="utf-8")
    if "archive.smk" not in text:
        snakefile.write_text(
            text.replace("\n\nrule all:", f"\n{ARCHIVE_INCLUDE}\n\nrule all:"), encoding="utf-8"
        )


def snakemake(root: Path, *args: str, cores: int = 2) -> subprocess.Popen:
    """Start the real snakemake in `root`, importing the copy's own `skm` package."""
    env = dict(os.environ, PYTHONPATH=str(root / "workflow"))
    return subprocess.Popen(
        [sys.executable, "-m", "snakemake", "--cores", str(cores), *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def finish(proc: subprocess.Popen) -> None:
    out, _ = proc.communicate(timeout=900)
    assert proc.returncode == 0, f"snakemake failed:\n{out[-6000:]}"


def outputs(root: Path) -> dict[str, str]:
    """sha256 of every file under data/processed/ and reports/ (Snakemake markers aside)."""
    return {
        p.relative_to(root).as_posix(): sha256(p)
        for top in ("data/processed", "reports")
        for p in sorted((root / top).rglob("*"))
        if p.is_file() and p.name != ".snakemake_timestamp"
    }


def clone(src: Path, dest: Path) -> Path:
    """A copy of a finished project (archive folders stay read-only)."""
    shutil.copytree(src, dest, symlinks=True)
    return dest


def run_cli(*argv: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = skm_main(list(argv))
    return code, out.getvalue() + err.getvalue()


def change_one_answer(root: Path) -> None:
    """Change the first respondent's U1 answer in the 2023 export."""
    path = root / EXPORT
    text = path.read_text(encoding="utf-8")
    old = "Laki-laki,46,SMA,Wiraswasta,Kurang sesuai,"
    assert old in text
    path.write_text(
        text.replace(old, "Laki-laki,46,SMA,Wiraswasta,Sangat sesuai,", 1), encoding="utf-8"
    )


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    """(sha256, permission bits) of a folder and every file in it."""
    out = {".": ("", mode(folder))}
    for p in sorted(folder.rglob("*")):
        out[p.relative_to(folder).as_posix()] = (sha256(p) if p.is_file() else "", mode(p))
    return out


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> tuple[Path, Path]:
    """Two clean runs of the same snapshot of the project in two folders."""
    a = copy_project(tmp_path_factory.mktemp("run-a") / "proyek")
    wire_archive(a)
    b = tmp_path_factory.mktemp("run-b") / "lain"
    shutil.copytree(a, b)
    for root in (a, b):
        finish(snakemake(root, *manifest_targets()))
    return a, b


@pytest.fixture(scope="module")
def published(runs, tmp_path_factory) -> Path:
    """A copy of run A with the 2023 documents published once (v1)."""
    root = clone(runs[0], tmp_path_factory.mktemp("terbit") / "proyek")
    result = publish(root, UNIT, YEAR)
    assert (result.version, result.created) == ("v1", True)
    return root


@pytest.fixture(scope="module")
def verified_untouched(published, tmp_path_factory) -> tuple[int, str]:
    root = clone(published, tmp_path_factory.mktemp("utuh") / "proyek")
    return run_cli("verify", "--root", str(root), UNIT, str(YEAR))


@pytest.fixture(scope="module")
def verified_tampered(published, tmp_path_factory) -> tuple[int, str]:
    """verify after one answer of an export and one archived document were changed."""
    root = clone(published, tmp_path_factory.mktemp("rusak") / "proyek")
    change_one_answer(root)
    doc = root / f"reports/{UNIT}/{YEAR}/arsip/v1/laporan-skm-{UNIT}-{YEAR}.html"
    os.chmod(doc, 0o644)
    with open(doc, "a", encoding="utf-8") as fh:
        fh.write("<!-- diubah -->")
    os.chmod(doc, 0o444)
    return run_cli("verify", "--root", str(root), UNIT, str(YEAR))


# --------------------------------------------------------------------------- determinism


def test_two_clean_runs_are_byte_identical(runs):
    a, b = (outputs(r) for r in runs)
    assert a.keys() == b.keys()
    differing = sorted(p for p in a if a[p] != b[p])
    assert not differing, f"differ between two clean runs: {differing}"
    kinds = {Path(p).suffix for p in a}
    assert {".pdf", ".docx", ".html", ".xlsx", ".json", ".csv", ".png"} <= kinds


def test_manifest_lists_every_input_artefact_and_document(runs):
    root = runs[0]
    path = root / f"reports/{UNIT}/{YEAR}/manifest.json"
    text = path.read_text(encoding="utf-8")
    m = json.loads(text)
    assert text == json.dumps(m, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    inputs = {e["path"] for e in m["inputs"]}
    assert {EXPORT, f"data/raw/{UNIT}/unit.yaml", f"data/raw/{UNIT}/{YEAR}/survei.yaml"} <= inputs
    assert "config.yaml" not in inputs  # the unit's part of it is in settings.json
    assert m["settings"]["path"] == f"data/processed/{UNIT}/{YEAR}/settings.json"
    processed = {
        p.relative_to(root).as_posix()
        for p in (root / f"data/processed/{UNIT}/{YEAR}").rglob("*")
        if p.is_file() and not p.name.startswith(".")
    }
    assert {e["path"] for e in m["processed"]} == processed
    assert any(p.endswith(".png") and "/figures/" in p for p in processed)
    assert {Path(e["path"]).suffix for e in m["documents"]} == {
        ".pdf",
        ".docx",
        ".html",
        ".xlsx",
        ".png",
    }
    for section in ("inputs", "processed", "documents"):
        for e in m[section]:
            assert e["sha256"] == sha256(root / e["path"]), e["path"]
    fonts = sorted(p.name for p in (root / "workflow/skm/render/fonts").iterdir())
    assert [f["file"] for f in m["environment"]["fonts"]] == fonts
    assert {"python", "snakemake", "pandas", "pandera", "pandoc", "typst"} <= set(
        m["environment"]["versions"]
    )
    assert m["code"]["commit"] == mf.UNKNOWN  # the copy is no git work tree
    assert m["command"].startswith("snakemake")
    assert m["document_date"] == "2023-07-14" and "diterbitkan" not in text


def test_no_rule_output_covers_the_archive(runs):
    root = runs[0]
    env = dict(os.environ, PYTHONPATH=str(root / "workflow"))
    out = subprocess.run(
        [sys.executable, "-m", "snakemake", "--summary", *manifest_targets()],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    files = [line.split("\t")[0] for line in out.splitlines()[1:] if line.strip()]
    assert f"reports/{UNIT}/{YEAR}/manifest.json" in files
    for year in YEARS:
        arsip = f"reports/{UNIT}/{year}/arsip"
        for f in files:
            assert not (f == arsip or arsip.startswith(f + "/") or f.startswith(arsip + "/")), f


# --------------------------------------------------------------------------- publish


def test_published_version_is_read_only_and_complete(published):
    folder = published / f"reports/{UNIT}/{YEAR}/arsip/v1"
    assert mode(folder) == 0o555
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        [
            *(f"laporan-skm-{UNIT}-{YEAR}.{x}" for x in ("docx", "html", "pdf", "xlsx")),
            *(f"infografis-skm-{UNIT}-{YEAR}.{x}" for x in ("pdf", "png")),
            "manifest.json",
        ]
    )
    for p in folder.iterdir():
        assert mode(p) == 0o444, p.name
        if p.name != "manifest.json":
            assert p.read_bytes() == (folder.parents[1] / p.name).read_bytes()
    m = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert m["arsip"]["versi"] == "v1" and m["perubahan"] is None
    assert not mf.archive_problems(folder, m)


def test_publishing_again_without_change_keeps_one_version(published, tmp_path):
    root = clone(published, tmp_path / "proyek")
    code, out = run_cli("publish", "--root", str(root), UNIT, str(YEAR))
    assert code == 0 and "Versi terkini: v1" in out
    assert mf.archived_versions(root, UNIT, YEAR) == ["v1"]


def test_changed_input_makes_a_new_version_and_leaves_v1_alone(published, tmp_path):
    root = clone(published, tmp_path / "proyek")
    v1 = root / f"reports/{UNIT}/{YEAR}/arsip/v1"
    before = snapshot(v1)
    change_one_answer(root)
    with pytest.raises(mf.AuditError, match="snakemake"):  # stale documents: rerun first
        publish(root, UNIT, YEAR)
    finish(snakemake(root, f"reports/{UNIT}/{YEAR}/manifest.json"))
    result = publish(root, UNIT, YEAR)
    assert (result.version, result.created) == ("v2", True)
    assert snapshot(v1) == before
    m2 = json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))
    change = m2["perubahan"]
    assert change["sejak"] == "v1" and change["inputs"]["diubah"] == [EXPORT]
    assert f"data/processed/{UNIT}/{YEAR}/ikm.json" in change["processed"]["diubah"]
    assert len(change["documents"]["diubah"]) == 6  # Laporan (4 formats), infografis (2)
    assert mf.archived_versions(root, UNIT, YEAR) == ["v1", "v2"]

    # A signed PDF becomes v3: v2's documents (same bytes) plus the signed file.
    signed = tmp_path / "laporan-bertanda-tangan.pdf"
    signed.write_bytes(b"%PDF-1.4\n% pindaian tanda tangan basah\n")
    code, out = run_cli("publish", "--root", str(root), "--ttd", str(signed), UNIT, str(YEAR))
    assert code == 0 and "v3" in out
    v3 = result.path.parent / "v3"
    m3 = json.loads((v3 / "manifest.json").read_text(encoding="utf-8"))
    assert m3["ttd"][0]["path"] == "ttd-laporan-bertanda-tangan.pdf"
    assert m3["ttd"][0]["sha256"] == sha256(signed)
    assert m3["ttd"][0]["untuk_versi"] == "v2" and m3["arsip"]["dokumen_dari"] == "v2"
    assert m3["perubahan"]["ttd"]["ditambahkan"] == ["ttd-laporan-bertanda-tangan.pdf"]
    for p in result.path.iterdir():
        if p.name != "manifest.json":
            assert (v3 / p.name).read_bytes() == p.read_bytes()
    assert mode(v3) == 0o555 and mode(v3 / "ttd-laporan-bertanda-tangan.pdf") == 0o444
    code, out = run_cli("publish", "--root", str(root), "--ttd", str(signed), UNIT, str(YEAR))
    assert code == 0 and mf.archived_versions(root, UNIT, YEAR) == ["v1", "v2", "v3"]
    not_pdf = tmp_path / "scan.jpg"
    not_pdf.write_bytes(b"\xff\xd8\xff")
    code, out = run_cli("publish", "--root", str(root), "--ttd", str(not_pdf), UNIT, str(YEAR))
    assert code == 2 and "bukan file PDF" in out


# --------------------------------------------------------------------------- verify


def test_verify_passes_on_an_untouched_archive(verified_untouched):
    code, out = verified_untouched
    assert code == 0, out
    assert "Tingkat: hash" in out and out.rstrip().endswith("cocok")


def test_verify_names_a_tampered_export(verified_tampered):
    code, out = verified_tampered
    assert code == 1
    assert f"BERBEDA  {EXPORT}: masukan mentah berbeda" in out


def test_verify_names_a_tampered_archived_document(verified_tampered):
    code, out = verified_tampered
    doc = f"reports/{UNIT}/{YEAR}/arsip/v1/laporan-skm-{UNIT}-{YEAR}.html"
    assert code == 1
    assert f"BERBEDA  {doc}: berkas arsip berubah" in out
    assert "tidak cocok" in out


def test_verify_without_archive_says_what_to_do(runs, tmp_path):
    root = clone(runs[0], tmp_path / "proyek")
    code, out = run_cli("verify", "--root", str(root), UNIT, str(YEAR))
    assert code == 2 and "skm publish" in out


# --------------------------------------------------------------------------- text level


def test_text_comparison_finds_a_changed_number(runs, tmp_path):
    a, b = runs
    for ext in ("pdf", "docx", "html", "xlsx"):
        doc = f"reports/{UNIT}/{YEAR}/laporan-skm-{UNIT}-{YEAR}.{ext}"
        assert compare_text(a / doc, b / doc) is None
        assert len(numbers(document_text(a / doc))) > 20, ext
    html = a / f"reports/{UNIT}/{YEAR}/laporan-skm-{UNIT}-{YEAR}.html"
    text = html.read_text(encoding="utf-8")
    ikm = json.loads((a / f"data/processed/{UNIT}/{YEAR}/ikm.json").read_text(encoding="utf-8"))
    shown = ikm["display"]["ikm_konversi"].replace(".", ",")
    assert shown in text
    changed = tmp_path / "x.html"
    changed.write_text(text.replace(shown, "99,99", 1), encoding="utf-8")
    assert "angka berbeda" in compare_text(html, changed)


def _other_software(rerun: Path, package: str = "pandoc") -> None:
    """Make a rerun folder's manifest record another version of `package` (a rerun made with
    other software)."""
    path = rerun / f"reports/{UNIT}/{YEAR}/manifest.json"
    m = json.loads(path.read_text(encoding="utf-8"))
    m["environment"]["versions"][package] = "0.0-lain"
    write_json(m, path)


def test_text_level_when_software_differs(runs, published, tmp_path):
    """Other software versions: documents are compared by text, figures only noted."""
    rerun = clone(runs[1], tmp_path / "ulang")  # stands in for a rerun elsewhere
    _other_software(rerun)
    png = rerun / f"data/processed/{UNIT}/{YEAR}/figures/nrr_unsur.png"
    png.write_bytes(png.read_bytes() + b"\0")
    result = compare_rerun(published, UNIT, YEAR, rerun)
    assert result.level == LEVEL_TEXT and "pandoc" in result.notes[0]
    assert result.ok and any("nrr_unsur.png" in n for n in result.notes)

    docx = rerun / f"reports/{UNIT}/{YEAR}/laporan-skm-{UNIT}-{YEAR}.docx"
    (rerun / "x").mkdir()
    with zipfile.ZipFile(docx) as z:
        z.extractall(rerun / "x")
    xml = rerun / "x/word/document.xml"
    ikm = json.loads((rerun / f"data/processed/{UNIT}/{YEAR}/ikm.json").read_text(encoding="utf-8"))
    shown = ikm["display"]["ikm_konversi"].replace(".", ",")
    text = xml.read_text(encoding="utf-8")
    assert shown in text
    xml.write_text(text.replace(shown, "12,34"), encoding="utf-8")
    with zipfile.ZipFile(docx, "w") as z:
        for p in sorted((rerun / "x").rglob("*")):
            if p.is_file():
                z.write(p, p.relative_to(rerun / "x").as_posix())
    result = compare_rerun(published, UNIT, YEAR, rerun)
    assert [f.path for f in result.findings] == [
        f"reports/{UNIT}/{YEAR}/arsip/v1/laporan-skm-{UNIT}-{YEAR}.docx"
    ]
    assert "angka berbeda" in result.findings[0].reason


def test_provenance_differing_only_in_versions_is_accepted(runs, published, tmp_path):
    rerun = clone(runs[1], tmp_path / "ulang")
    _other_software(rerun, "pandas")
    path = rerun / f"data/processed/{UNIT}/{YEAR}/provenance.json"
    prov = json.loads(path.read_text(encoding="utf-8"))
    prov["versions"]["pandas"] = "0.0-lain"
    write_json(prov, path)
    result = compare_rerun(published, UNIT, YEAR, rerun)
    assert result.ok and any("hanya pada versi perangkat lunak" in n for n in result.notes)
    prov["inputs"][0]["sha256"] = "0" * 64
    write_json(prov, path)
    result = compare_rerun(published, UNIT, YEAR, rerun)
    assert [f.path for f in result.findings] == [f"data/processed/{UNIT}/{YEAR}/provenance.json"]


# --------------------------------------------------------------------------- small parts


def test_code_version_from_git(tmp_path):
    root = tmp_path / "repo"
    (root / "workflow").mkdir(parents=True)
    (root / "Snakefile").write_text("# x\n", encoding="utf-8")
    (root / "workflow" / "a.py").write_text("x = 1\n", encoding="utf-8")
    assert mf.code_version(root)["commit"] == mf.UNKNOWN
    git = ["git", "-C", str(root), "-c", "user.name=uji", "-c", "user.email=uji@example.com"]
    subprocess.run([*git, "init", "-q"], check=True)
    subprocess.run([*git, "add", "."], check=True)
    subprocess.run([*git, "commit", "-q", "-m", "awal"], check=True)
    clean = mf.code_version(root)
    assert len(clean["commit"]) == 40 and clean["dirty"] is False
    assert clean == mf.code_version(root)  # deterministic
    (root / "workflow" / "a.py").write_text("x = 2\n", encoding="utf-8")
    (root / "data").mkdir()
    (root / "data" / "ekspor.csv").write_text("data is not code\n", encoding="utf-8")
    dirty = mf.code_version(root)
    assert dirty["dirty"] is True and dirty["changed"] == ["workflow/a.py"]
