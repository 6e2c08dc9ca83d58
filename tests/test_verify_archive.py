"""`skm verify` verifies the archive itself, and `skm publish` survives a killed publish
(issue 13 items 5, 14, 17).

Works on copies of the session's `pipeline` run with `uji` 2024 published once. One `skm
verify` reruns the small `uji` unit; the other checks need no rerun.
Run: ``pytest tests/test_verify_archive.py -q``.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pytest

from skm.audit.manifest import archive_problems, archived_versions, load_manifest, rel_path
from skm.audit.publish import publish
from skm.audit.text import document_text
from skm.audit.verify import LEVEL_TEXT, compare_rerun, format_report, verify
from skm.io import sha256, write_json

UNIT, YEAR = "uji", 2024
DOC = f"laporan-skm-{UNIT}-{YEAR}"


@pytest.fixture(scope="module")
def published(pipeline, tmp_path_factory) -> Path:
    """A copy of the pipeline run with uji/2024 published once (v1)."""
    root = tmp_path_factory.mktemp("terbit") / "proyek"
    shutil.copytree(pipeline.root, root, symlinks=True)
    result = publish(root, UNIT, YEAR)
    assert (result.version, result.created) == ("v1", True)
    return root


def clone(src: Path, dest: Path) -> Path:
    shutil.copytree(src, dest, symlinks=True)
    return dest


def v1(root: Path) -> Path:
    return root / f"reports/{UNIT}/{YEAR}/arsip/v1"


def writable(folder: Path):
    """Make an archived version writable (as an attacker with file access would)."""
    for p in [folder, *folder.iterdir()]:
        os.chmod(p, 0o755 if p.is_dir() else 0o644)


def adjust_archive_entries(folder: Path, documents_too: bool = False) -> None:
    """Rewrite the archived manifest's file list (and optionally its document hashes) so that
    it matches the archive's files as they now are."""
    path = folder / "manifest.json"
    m = json.loads(path.read_text(encoding="utf-8"))
    m["arsip"]["berkas"] = [
        {"path": p.name, "sha256": sha256(p), "bytes": p.stat().st_size}
        for p in sorted(folder.iterdir())
        if p.name != "manifest.json"
    ]
    if documents_too:
        for e in m["documents"]:
            p = folder / Path(e["path"]).name
            if p.is_file():
                e["sha256"] = sha256(p)
    write_json(m, path)


def stale_tmp(root: Path, name: str = ".v2.k1ll3d.tmp") -> Path:
    """What a publish killed before its final rename leaves: a read-only hidden copy."""
    tmp = root / f"reports/{UNIT}/{YEAR}/arsip" / name
    tmp.mkdir()
    (tmp / f"{DOC}.pdf").write_bytes(b"%PDF-1.7 setengah")
    os.chmod(tmp / f"{DOC}.pdf", 0o444)
    os.chmod(tmp, 0o555)
    return tmp


def findings(root: Path) -> dict[str, str]:
    """{path: reason} of the archive checks that need no rerun."""
    manifest = load_manifest(v1(root) / "manifest.json")
    return {rel_path(root, p): why for p, why in archive_problems(v1(root), manifest)}


# --------------------------------------------------------------------------- no rerun


def test_tampered_archive_with_adjusted_file_list_is_found(published, tmp_path):
    """Issue 13 item 5: a changed byte in the PDF and a deleted XLSX, the manifest's archive
    entries adjusted to match, is no longer 'cocok'."""
    root = clone(published, tmp_path / "proyek")
    folder = v1(root)
    writable(folder)
    pdf = folder / f"{DOC}.pdf"
    data = bytearray(pdf.read_bytes())
    data[len(data) // 2] ^= 0x01
    pdf.write_bytes(bytes(data))
    (folder / f"{DOC}.xlsx").unlink()
    adjust_archive_entries(folder)
    found = findings(root)
    base = f"reports/{UNIT}/{YEAR}/arsip/v1"
    assert found[f"{base}/{DOC}.pdf"].startswith("berkas arsip berubah")
    assert found[f"{base}/{DOC}.xlsx"].startswith("berkas arsip hilang")
    assert len(found) == 2


def test_publish_removes_a_killed_publish_leftover(published, tmp_path):
    root = clone(published, tmp_path / "proyek")
    tmp = stale_tmp(root)
    result = publish(root, UNIT, YEAR)
    assert not tmp.exists()
    assert "Folder sementara sisa penerbitan yang terhenti dihapus" in result.message
    assert f"reports/{UNIT}/{YEAR}/arsip/.v2.k1ll3d.tmp" in result.message
    assert not result.created and archived_versions(root, UNIT, YEAR) == ["v1"]


def test_publish_waits_for_another_publish(published, tmp_path):
    """Under the lock of a running publish, its temporary folder is not touched."""
    import fcntl
    import threading

    root = clone(published, tmp_path / "proyek")
    folder = root / f"reports/{UNIT}/{YEAR}"
    fd = os.open(folder, os.O_RDONLY)
    fcntl.flock(fd, fcntl.LOCK_EX)
    tmp = stale_tmp(root, ".v2.sedangjalan.tmp")
    done = threading.Event()
    thread = threading.Thread(target=lambda: (publish(root, UNIT, YEAR), done.set()))
    thread.start()
    try:
        assert not done.wait(1.5)  # blocked by the running publish
        assert tmp.is_dir()
    finally:
        os.close(fd)  # the running publish ends
    thread.join(30)
    assert done.is_set() and not tmp.exists()


# --------------------------------------------------------------------------- one verify


def test_verify_checks_archive_rerun_and_processed_files(published, tmp_path):
    root = clone(published, tmp_path / "proyek")
    folder = v1(root)
    writable(folder)
    base = f"reports/{UNIT}/{YEAR}/arsip/v1"
    # only the archive's file list adjusted: the manifest's document hashes catch it
    pdf = folder / f"{DOC}.pdf"
    pdf.write_bytes(pdf.read_bytes().replace(b"%PDF-", b"%PDF-", 1) + b"\n% diubah\n")
    (folder / f"{DOC}.xlsx").unlink()
    adjust_archive_entries(folder)
    # the document hashes adjusted too: only the rerun can tell
    html = folder / f"{DOC}.html"
    html.write_text(
        html.read_text(encoding="utf-8").replace("Unit Uji", "Unit Lain"), encoding="utf-8"
    )
    adjust_archive_entries(folder, documents_too=True)
    for p in folder.iterdir():
        os.chmod(p, 0o444)
    os.chmod(folder, 0o555)
    # a processed file changed on disk after publishing (issue 13 item 14)
    quality = root / f"data/processed/{UNIT}/{YEAR}/quality.json"
    quality.write_text(
        quality.read_text(encoding="utf-8").replace('"n_raw": 9', '"n_raw": 10'), encoding="utf-8"
    )
    stale_tmp(root)

    result = verify(root, UNIT, YEAR, cores=2)
    report = format_report(result)
    by_path = {f.path: f.reason for f in result.findings}
    assert not result.ok and report.rstrip().endswith("tidak cocok: 4 berkas berbeda"), report
    assert report.count(f"{base}/{DOC}.pdf:") == 1, report  # one line per file
    assert by_path[f"{base}/{DOC}.xlsx"].startswith("berkas arsip hilang"), report
    assert f"{base}/{DOC}.pdf" in by_path, report
    assert by_path[f"{base}/{DOC}.html"].startswith("dokumen hasil ulang berbeda"), report
    assert "teks berbeda" in by_path[f"{base}/{DOC}.html"]
    assert by_path[f"data/processed/{UNIT}/{YEAR}/quality.json"].startswith(
        "data olahan di folder proyek berubah"
    ), report
    assert "folder sementara sisa penerbitan yang terhenti" in report
    assert "chmod -R u+w" in report and ".v2.k1ll3d.tmp" in report


# --------------------------------------------------------------------------- documents required


def _manifest(folder: Path) -> dict:
    return json.loads((folder / "manifest.json").read_text(encoding="utf-8"))


def test_document_deleted_with_its_manifest_entries_is_found(published, tmp_path):
    """Deleting an archived document, its `documents` entry and its `arsip.berkas` entry gave
    'cocok': the documents required came from the (editable) archived manifest only."""
    root = clone(published, tmp_path / "proyek")
    folder = v1(root)
    writable(folder)
    (folder / f"{DOC}.docx").unlink()
    m = _manifest(folder)
    m["documents"] = [e for e in m["documents"] if not e["path"].endswith(".docx")]
    write_json(m, folder / "manifest.json")
    adjust_archive_entries(folder)
    assert findings(root) == {}  # the archive agrees with its (edited) manifest
    result = compare_rerun(root, UNIT, YEAR, root)  # the session's run stands in for a rerun
    by_path = {f.path: f.reason for f in result.findings}
    docx = f"reports/{UNIT}/{YEAR}/arsip/v1/{DOC}.docx"
    assert list(by_path) == [docx], by_path
    assert "tidak tercantum di manifest arsip" in by_path[docx]
    assert "tidak cocok: 1 berkas berbeda" in format_report(result)


def _pdf_changed_bytes_same_text(folder: Path) -> Path:
    """A byte-only change to the archived PDF (a comment after %%EOF: same text, numbers)."""
    pdf = folder / f"{DOC}.pdf"
    before = document_text(pdf)
    pdf.write_bytes(pdf.read_bytes() + b"\n% disisipkan\n")
    assert document_text(pdf) == before
    return pdf


@pytest.mark.parametrize("edit", ["versions", "fonts"])
def test_forced_text_level_still_reports_byte_only_tampering(published, tmp_path, edit):
    """An edited `environment` forced the text level, which hid a byte-only change: the
    manifest's own provenance.json hash and font files contradict the edit."""
    root = clone(published, tmp_path / "proyek")
    folder = v1(root)
    writable(folder)
    _pdf_changed_bytes_same_text(folder)
    m = _manifest(folder)
    if edit == "versions":
        m["environment"]["versions"]["pandoc"] = "0.0.1"
    else:
        m["environment"]["fonts"][0]["sha256"] = "0" * 64
    write_json(m, folder / "manifest.json")
    adjust_archive_entries(folder, documents_too=True)
    assert findings(root) == {}
    result = compare_rerun(root, UNIT, YEAR, root)
    assert result.level == LEVEL_TEXT
    by_path = {f.path: f.reason for f in result.findings}
    base = f"reports/{UNIT}/{YEAR}/arsip/v1"
    assert "bertentangan" in by_path[f"{base}/manifest.json"], by_path
    assert ("versi perangkat lunak" if edit == "versions" else "daftar font") in by_path[
        f"{base}/manifest.json"
    ]
    assert by_path[f"{base}/{DOC}.pdf"].startswith("berkas arsip berbeda dari hasil"), by_path


def test_text_level_lists_documents_that_are_not_byte_identical(published, tmp_path):
    """With software that really differs (the manifest consistent with itself), a byte
    difference at equal text is a visible note naming the file, not silence."""
    root = clone(published, tmp_path / "proyek")
    folder = v1(root)
    writable(folder)
    _pdf_changed_bytes_same_text(folder)
    m = _manifest(folder)
    m["environment"]["versions"]["pandoc"] = "0.0.1"
    for e in m["processed"]:  # as if provenance.json had recorded that pandoc
        if e["path"].endswith("/provenance.json"):
            e["sha256"] = "f" * 64
    write_json(m, folder / "manifest.json")
    adjust_archive_entries(folder, documents_too=True)
    result = compare_rerun(root, UNIT, YEAR, root)
    assert result.level == LEVEL_TEXT and result.ok, result.findings
    report = format_report(result)
    assert "1 dokumen arsip tidak identik byte demi byte" in report, report
    assert f"reports/{UNIT}/{YEAR}/arsip/v1/{DOC}.pdf" in report
