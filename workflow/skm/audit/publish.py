"""``skm publish``: the read-only archive of a unit-year's documents.

``reports/<unit>/<year>/arsip/v<N>/`` holds copies of the documents and of the manifest (with
the added sections ``arsip`` and ``perubahan``), read-only (files 0444, folder 0555). A version
is never changed or removed: publishing after any change makes ``v<N+1>``; a signed PDF
(``--ttd``) makes ``v<N+1>`` too, holding the documents of ``v<N>`` (byte-identical copies)
plus the signed file.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from skm.audit.manifest import (
    DIR_MODE,
    FILE_MODE,
    MANIFEST_NAME,
    AuditError,
    archive_dir,
    archive_problems,
    archived_versions,
    changes,
    fingerprint,
    load_manifest,
    project_root,
    rel_path,
    reports_dir,
    stale_files,
    stale_temporary,
)
from skm.io import sha256, write_json


@contextlib.contextmanager
def _publish_lock(folder: Path) -> Iterator[None]:
    """An exclusive lock on the unit-year's reports folder for one publish (flock on the folder
    itself: no lock file is left behind). Another publish of the same unit-year waits."""
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _remove_stale_temporary(root: Path, unit: str, year: int) -> list[str]:
    """Delete stale temporary archive folders (call under the publish lock: no publish is then
    writing one); their paths, relative to `root`."""
    removed = []
    for tmp in stale_temporary(root, unit, year):
        _unlock_tree(tmp)
        shutil.rmtree(tmp)
        removed.append(rel_path(root, tmp))
    return removed


def _lock_tree(folder: Path) -> None:
    for path in sorted(folder.rglob("*"), reverse=True):
        os.chmod(path, DIR_MODE if path.is_dir() else FILE_MODE)
    os.chmod(folder, DIR_MODE)


def _unlock_tree(folder: Path) -> None:
    for path in [folder, *folder.rglob("*")]:
        os.chmod(path, 0o755 if path.is_dir() else 0o644)


def _write_version(arsip: Path, version: str, files: dict[str, Path], manifest: dict) -> Path:
    """Copy `files` (name -> source) and the manifest into ``arsip/<version>``, read-only.

    Everything is written into a hidden temporary folder first and renamed into place, so a
    version is either complete or absent; an existing version is never written to.
    """
    arsip.mkdir(parents=True, exist_ok=True)
    final = arsip / version
    if final.exists():
        raise AuditError(f"{final} sudah ada; versi terbit tidak pernah ditimpa.")
    tmp = Path(tempfile.mkdtemp(prefix=f".{version}.", suffix=".tmp", dir=arsip))
    try:
        listed = []
        for name, src in sorted(files.items()):
            shutil.copyfile(src, tmp / name)
            listed.append(
                {"path": name, "sha256": sha256(tmp / name), "bytes": (tmp / name).stat().st_size}
            )
        manifest["arsip"]["berkas"] = listed
        write_json(manifest, tmp / MANIFEST_NAME)
        _lock_tree(tmp)
        if final.exists():
            raise AuditError(f"{final} sudah ada; versi terbit tidak pernah ditimpa.")
        os.rename(tmp, final)
    except BaseException:
        if tmp.exists():
            _unlock_tree(tmp)
            shutil.rmtree(tmp)
        raise
    return final


@dataclass
class PublishResult:
    """Outcome of :func:`publish`: the current version and whether it was made now."""

    version: str
    created: bool
    path: Path
    message: str


def _now() -> str:
    return dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def _pipeline_part(manifest: dict) -> dict:
    """A manifest without the archive-only sections."""
    return {k: v for k, v in manifest.items() if k not in ("arsip", "perubahan")}


def publish(
    root: str | Path, unit: str, year: int, ttd: str | Path | None = None, now: str | None = None
) -> PublishResult:
    """Archive the unit-year's documents and manifest as a new read-only version if needed.

    Without `ttd`: the project's ``manifest.json`` must match the files on disk (else the
    workflow has to be rerun first). If the input, processed and document hashes equal those
    of the latest version nothing is written. With `ttd`: a new version holds the latest
    version's files (checked intact) plus the signed PDF, unless that very file is there.

    One publish of a unit-year at a time (a lock on its reports folder); under that lock the
    temporary folders a killed publish left in ``arsip/`` are removed first.
    """
    root = project_root(root)
    year = int(year)
    folder = reports_dir(root, unit, year)
    if not folder.is_dir():
        return _publish(root, unit, year, ttd, now)
    with _publish_lock(folder):
        removed = _remove_stale_temporary(root, unit, year)
        result = _publish(root, unit, year, ttd, now)
    if removed:
        result.message = (
            "Folder sementara sisa penerbitan yang terhenti dihapus: "
            f"{', '.join(removed)}.\n" + result.message
        )
    return result


def _publish(
    root: Path, unit: str, year: int, ttd: str | Path | None, now: str | None
) -> PublishResult:
    """:func:`publish` without the lock."""
    arsip = archive_dir(root, unit, year)
    found = archived_versions(root, unit, year)
    latest = found[-1] if found else None
    prev = load_manifest(arsip / latest / MANIFEST_NAME) if latest else None
    nxt = f"v{int(latest[1:]) + 1}" if latest else "v1"
    stamp = now or _now()
    if ttd is not None:
        return _publish_ttd(root, unit, year, Path(ttd), latest, prev, nxt, stamp)

    current_path = reports_dir(root, unit, year) / MANIFEST_NAME
    if not current_path.is_file():
        raise AuditError(
            f"{current_path.relative_to(root)} belum ada. Jalankan dulu: snakemake --cores 1"
        )
    current = load_manifest(current_path)
    stale = stale_files(root, current)
    if stale:
        lines = "\n".join(f"  {p}: {why}" for p, why in stale)
        raise AuditError(
            f"manifest.json tidak sesuai dengan file saat ini:\n{lines}\n"
            "Jalankan dulu: snakemake --cores 1"
        )
    if prev is not None and fingerprint(prev) == fingerprint(current):
        signed = ", ".join(e["path"] for e in prev.get("ttd", []))
        return PublishResult(
            latest,
            False,
            arsip / latest,
            f"Tidak ada perubahan sejak {latest}. Versi terkini: {latest} "
            f"({(arsip / latest).relative_to(root)}"
            f"{'; bertanda tangan: ' + signed if signed else ''}).",
        )
    manifest = dict(current)
    manifest["arsip"] = {
        "versi": nxt,
        "sebelumnya": latest,
        "dokumen_dari": nxt,
        "diterbitkan": stamp,
    }
    manifest["perubahan"] = changes(prev, current, latest) if prev else None
    files = {Path(e["path"]).name: root / e["path"] for e in current["documents"]}
    for e in current["documents"]:
        if sha256(root / e["path"]) != e["sha256"]:
            raise AuditError(f"{e['path']} berubah saat diterbitkan; ulangi.")
    folder = _write_version(arsip, nxt, files, manifest)
    message = f"Diterbitkan {nxt}: {folder.relative_to(root)}. Versi terkini: {nxt}."
    if prev is not None and archive_problems(arsip / latest, prev):
        message += (
            f"\nPERINGATAN: arsip {latest} tidak utuh; periksa: "
            f"skm verify {unit} {year} --version {latest}"
        )
    return PublishResult(nxt, True, folder, message)


def _publish_ttd(
    root: Path,
    unit: str,
    year: int,
    ttd: Path,
    latest: str | None,
    prev: dict | None,
    nxt: str,
    stamp: str,
) -> PublishResult:
    """A new version: the latest version's files plus the signed PDF `ttd`."""
    if latest is None or prev is None:
        raise AuditError(
            f"Belum ada versi terbit untuk {unit}/{year}; terbitkan dulu: skm publish {unit} {year}"
        )
    if not ttd.is_file():
        raise AuditError(f"File tanda tangan {ttd} tidak ditemukan.")
    with open(ttd, "rb") as fh:
        if fh.read(5) != b"%PDF-":
            raise AuditError(
                f"{ttd} bukan file PDF (pindai atau tanda tangan elektronik harus berupa PDF)."
            )
    arsip = archive_dir(root, unit, year)
    old_dir = arsip / latest
    broken = archive_problems(old_dir, prev)
    if broken:
        lines = "\n".join(f"  {p}: {why}" for p, why in broken)
        raise AuditError(f"Arsip {latest} tidak utuh; tanda tangan tidak ditambahkan:\n{lines}")
    name = "ttd-" + ttd.name if ttd.suffix.lower() == ".pdf" else f"ttd-{ttd.stem}.pdf"
    digest = sha256(ttd)
    if any(e["sha256"] == digest for e in prev.get("ttd", [])):
        return PublishResult(
            latest,
            False,
            old_dir,
            f"File tanda tangan ini sudah ada di {latest}. Versi terkini: {latest}.",
        )
    files = {e["path"]: old_dir / e["path"] for e in prev["arsip"]["berkas"]}
    files[name] = ttd
    manifest = _pipeline_part(prev)
    manifest["ttd"] = sorted(
        [e for e in prev.get("ttd", []) if e["path"] != name]
        + [
            {
                "path": name,
                "sha256": digest,
                "bytes": ttd.stat().st_size,
                "versi": nxt,
                "untuk_versi": latest,
            }
        ],
        key=lambda e: e["path"],
    )
    manifest["arsip"] = {
        "versi": nxt,
        "sebelumnya": latest,
        "dokumen_dari": prev["arsip"].get("dokumen_dari", latest),
        "diterbitkan": stamp,
    }
    manifest["perubahan"] = changes(prev, manifest, latest)
    folder = _write_version(arsip, nxt, files, manifest)
    return PublishResult(
        nxt,
        True,
        folder,
        f"Tanda tangan ditambahkan sebagai {nxt}: {folder.relative_to(root)} "
        f"(dokumen sama dengan {latest}). Versi terkini: {nxt}.",
    )
