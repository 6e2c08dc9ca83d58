"""The audit trail of a unit-year: manifest, read-only archive (publish) and rerun (verify).

Manifest -- ``reports/<unit>/<year>/manifest.json``, written by the rule ``write_manifest``:
sha256 of every input, processed artefact and document of the unit-year, the code version,
the software and font versions and the command that made them (:func:`build_manifest`). It
holds no wall-clock time, so two runs of one commit on the same inputs write the same bytes.

Archive -- ``skm publish`` (:func:`publish`): ``reports/<unit>/<year>/arsip/v<N>/`` holds
copies of the documents and of the manifest (with the added sections ``arsip`` and
``perubahan``), read-only (files 0444, folder 0555). A version is never changed or removed:
publishing after any change makes ``v<N+1>``; a signed PDF (``--ttd``) makes ``v<N+1>`` too,
holding the documents of ``v<N>`` (byte-identical copies) plus the signed file.

Verification -- ``skm verify`` (:func:`verify`): reruns the pipeline from the raw data in a
temporary folder and compares it with an archived version: processed data exactly, documents
by hash when the software and fonts are those of the manifest, else by text and numbers.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import html.parser
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from skm import layout
from skm.audit.provenance import RUN_COMMAND, document_epoch, sha256, versions
from skm.io import read_json, write_json
from skm.render.fonts import FONTS_DIR

FORMAT = "skm-manifest/1"
UNKNOWN = "tidak diketahui"
CONFIG = "config.yaml"
CODE_PATHS = ("Snakefile", "workflow", "notebooks", "profiles")
ARCHIVE_DIR = layout.ARSIP
MANIFEST_NAME = layout.MANIFEST
FILE_MODE, DIR_MODE = 0o444, 0o555
SECTIONS = ("inputs", "processed", "documents")
SECTION_LABEL = {"inputs": "masukan", "processed": "data olahan", "documents": "dokumen"}

_VERSION_RE = re.compile(r"^v([1-9][0-9]*)$")
_TMP_RE = re.compile(r"^\.v[0-9]+\..*\.tmp$")
_NUMBER_RE = re.compile(r"\d+(?:[.,]\d+)*")


class AuditError(Exception):
    """Publishing or verification cannot go on; the message (Indonesian) says what to do."""


# --------------------------------------------------------------------------- file sets


def hash_entries(paths: Iterable[str | Path], root: str | Path = ".") -> list[dict]:
    """[{path, sha256, bytes}] sorted by path; `paths` relative to `root` (or absolute in it)."""
    root = Path(root)
    rows = []
    for given in {Path(p) for p in paths}:
        full = given if given.is_absolute() else root / given
        shown = full.resolve().relative_to(root.resolve()) if given.is_absolute() else given
        row = {"path": shown.as_posix(), "sha256": sha256(full), "bytes": full.stat().st_size}
        if full.suffix.lower() == ".zip":  # a zip of exports: name (and hash) what it holds
            from skm.ingest.zips import zip_members

            row["members"] = zip_members(full)
        rows.append(row)
    return sorted(rows, key=lambda r: r["path"])


# --------------------------------------------------------------------------- code, environment


def _git(root: Path, *args: str) -> str | None:
    """Output of one git command in `root`, or None when git is missing or fails."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def code_files(root: str | Path = ".") -> list[dict]:
    """[{path, sha256}] of the workflow code (Snakefile, workflow/, notebooks/, profiles/)."""
    root = Path(root)
    paths = [p.relative_to(root) for name in CODE_PATHS for p in layout.files_under(root / name)]
    return [{"path": r["path"], "sha256": r["sha256"]} for r in hash_entries(paths, root)]


def code_version(root: str | Path = ".") -> dict:
    """Git commit, whether the code paths have uncommitted changes, and the code files' hashes.

    ``commit``/``dirty`` are "tidak diketahui" when `root` is not the top of a git work tree
    (or git is missing). Only the code paths count for ``dirty``: data and reports do not.
    """
    root = Path(root)
    info: dict = {"commit": UNKNOWN, "dirty": UNKNOWN, "changed": [], "files": code_files(root)}
    top = _git(root, "rev-parse", "--show-toplevel")
    if top and Path(top.strip()).resolve() == root.resolve():
        commit = _git(root, "rev-parse", "HEAD")
        status = _git(root, "status", "--porcelain", "--untracked-files=all", "--", *CODE_PATHS)
        if commit and status is not None:
            changed = sorted(line[3:] for line in status.splitlines() if line.strip())
            info.update(commit=commit.strip(), dirty=bool(changed), changed=changed)
    return info


def fonts(fonts_dir: str | Path = FONTS_DIR) -> list[dict]:
    """[{file, sha256}] of the fonts the documents are rendered with."""
    return [
        {"file": p.relative_to(fonts_dir).as_posix(), "sha256": sha256(p)}
        for p in layout.files_under(fonts_dir)
    ]


def environment(fonts_dir: str | Path = FONTS_DIR) -> dict:
    """Software versions (skm.audit.provenance.versions) and the fonts."""
    return {"versions": versions(), "fonts": fonts(fonts_dir)}


def build_manifest(
    unit: str,
    year: int,
    *,
    inputs: Iterable[str],
    documents: Iterable[str],
    settings: dict,
    processed_dir: str | Path = layout.PROCESSED,
    root: str | Path = ".",
) -> dict:
    """The manifest of one unit-year; paths relative to `root` (the project folder)."""
    epoch = document_epoch(settings)
    settings_path = layout.processed(unit, year, "settings.json", processed=processed_dir)
    return {
        "format": FORMAT,
        "unit": unit,
        "year": int(year),
        "settings": settings_entry(settings_path, settings, root),
        "source_date_epoch": epoch,
        "document_date": dt.datetime.fromtimestamp(epoch, dt.UTC).date().isoformat(),
        "inputs": hash_entries(inputs, root),
        "processed": hash_entries(
            layout.processed_files(unit, year, processed=processed_dir), root
        ),
        "documents": hash_entries(documents, root),
        "code": code_version(root),
        "environment": environment(),
        "command": RUN_COMMAND,
    }


def settings_entry(path: str | Path, settings: dict, root: str | Path = ".") -> dict:
    """The manifest's ``settings``: the unit-year's effective settings (settings.json: unit.yaml,
    survei.yaml and only the config.yaml keys the unit uses) with their path and hash. The
    manifest records these, never config.yaml's hash: the recap's keys (instansi,
    expected_units, units) change no document of a unit."""
    full = Path(root, path)
    entry = {"path": Path(path).as_posix(), "values": settings}
    if full.is_file():
        entry.update(sha256=sha256(full), bytes=full.stat().st_size)
    return entry


def settings_diff(old: dict, new: dict) -> list[str]:
    """The top-level keys whose values differ between two effective settings."""
    return sorted(k for k in old.keys() | new.keys() if old.get(k) != new.get(k))


# --------------------------------------------------------------------------- comparing


def _by_path(entries: Iterable[dict]) -> dict[str, str]:
    return {e["path"]: e["sha256"] for e in entries}


def diff_entries(old: Iterable[dict], new: Iterable[dict]) -> dict[str, list[str]]:
    """Paths added, removed and changed (by sha256) from `old` to `new`."""
    a, b = _by_path(old), _by_path(new)
    return {
        "ditambahkan": sorted(b.keys() - a.keys()),
        "dihapus": sorted(a.keys() - b.keys()),
        "diubah": sorted(p for p in a.keys() & b.keys() if a[p] != b[p]),
    }


def fingerprint(manifest: dict) -> dict[str, dict[str, str]]:
    """What decides whether a new version is needed: input, processed and document hashes."""
    return {s: _by_path(manifest.get(s, [])) for s in SECTIONS}


def changes(old: dict, new: dict, since: str) -> dict:
    """The ``perubahan`` section: what changed from version `since` (`old`) to `new`."""
    out: dict = {"sejak": since}
    for s in (*SECTIONS, "ttd"):
        out[s] = diff_entries(old.get(s, []), new.get(s, []))
    oc, nc = old.get("code", {}), new.get("code", {})
    out["code"] = {
        "commit": [oc.get("commit"), nc.get("commit")]
        if oc.get("commit") != nc.get("commit")
        else [],
        "files": diff_entries(oc.get("files", []), nc.get("files", [])),
    }
    ov = old.get("environment", {}).get("versions", {})
    nv = new.get("environment", {}).get("versions", {})
    out["environment"] = {
        "versions": {
            k: [ov.get(k), nv.get(k)]
            for k in sorted(ov.keys() | nv.keys())
            if ov.get(k) != nv.get(k)
        },
        "fonts": diff_entries(
            [
                {"path": f["file"], "sha256": f["sha256"]}
                for f in old.get("environment", {}).get("fonts", [])
            ],
            [
                {"path": f["file"], "sha256": f["sha256"]}
                for f in new.get("environment", {}).get("fonts", [])
            ],
        ),
    }
    return out


def same_environment(a: dict, b: dict) -> bool:
    """True when versions and fonts are equal (documents then must match byte for byte)."""
    return a.get("versions") == b.get("versions") and a.get("fonts") == b.get("fonts")


# --------------------------------------------------------------------------- archive


def reports_dir(root: str | Path, unit: str, year: int) -> Path:
    """``<root>/reports/<unit>/<year>``."""
    return Path(root, layout.report(unit, year))


def archive_dir(root: str | Path, unit: str, year: int) -> Path:
    """``<root>/reports/<unit>/<year>/arsip`` (never an output of a rule)."""
    return reports_dir(root, unit, year) / ARCHIVE_DIR


def archived_versions(root: str | Path, unit: str, year: int) -> list[str]:
    """["v1", "v2", ...] in publication order."""
    arsip = archive_dir(root, unit, year)
    if not arsip.is_dir():
        return []
    found = [
        (int(m.group(1)), p.name)
        for p in arsip.iterdir()
        if p.is_dir() and (m := _VERSION_RE.match(p.name))
    ]
    return [name for _, name in sorted(found)]


def _root(root: str | Path) -> Path:
    root = Path(root).resolve()
    if not (root / "Snakefile").is_file():
        raise AuditError(f"{root} bukan folder proyek SKM (tidak ada Snakefile).")
    return root


def _rel(root: Path, path: str | Path) -> str:
    """`path` relative to `root` (posix), whether given absolute or already relative."""
    path = Path(path)
    return (path.relative_to(root) if path.is_absolute() else path).as_posix()


def current_inputs(root: Path, unit: str, year: int) -> list[str]:
    """The unit-year's raw inputs as they are now, relative to `root` (config.yaml is not one:
    the part of it a unit uses is in its settings.json, a processed file)."""
    return sorted(_rel(root, p) for p in layout.raw_inputs(unit, year, raw=root / layout.RAW))


def load_manifest(path: Path) -> dict:
    """A manifest file, or AuditError when it is missing or not valid JSON."""
    try:
        data = read_json(path)
    except FileNotFoundError:
        raise AuditError(f"{path} tidak ada: arsip tidak utuh.") from None
    except (ValueError, UnicodeDecodeError) as err:
        raise AuditError(f"{path} tidak dapat dibaca sebagai JSON: {err}") from None
    if not isinstance(data, dict) or not all(s in data for s in SECTIONS):
        raise AuditError(f"{path} bukan manifest SKM (bagian {', '.join(SECTIONS)} tidak ada).")
    return data


def _version_dir(root: Path, unit: str, year: int, version: str | None) -> tuple[str, Path]:
    found = archived_versions(root, unit, year)
    if not found:
        raise AuditError(
            f"Belum ada versi terbit untuk {unit}/{year}. Terbitkan dulu: skm publish {unit} {year}"
        )
    version = version or found[-1]
    if version not in found:
        raise AuditError(
            f"Versi {version} tidak ada untuk {unit}/{year} (yang ada: {', '.join(found)})."
        )
    return version, archive_dir(root, unit, year) / version


def archive_problems(folder: Path, manifest: dict) -> list[tuple[str, str]]:
    """[(file, reason)] where an archived version's files differ from its manifest.

    Every document the pipeline part of the manifest lists (``documents``) and every signed
    file (``ttd``) must be in the folder with that hash, whatever the archive's own file list
    (``arsip.berkas``, which an edit of the manifest could adjust) says; and every file of
    that list must match it."""
    problems: dict[str, str] = {}
    required = {Path(e["path"]).name: e["sha256"] for e in manifest.get("documents", [])}
    required.update({e["path"]: e["sha256"] for e in manifest.get("ttd", [])})
    for name, digest in sorted(required.items()):
        path = folder / name
        if not path.is_file():
            problems[path.as_posix()] = "berkas arsip hilang (tercantum di manifest)"
        elif sha256(path) != digest:
            problems[path.as_posix()] = (
                "berkas arsip berubah (sha256 beda dari hash dokumen di manifest)"
            )
    listed = {e["path"]: e["sha256"] for e in manifest.get("arsip", {}).get("berkas", [])}
    for name, digest in sorted(listed.items()):
        path = folder / name
        if path.as_posix() in problems:
            continue
        if not path.is_file():
            problems[path.as_posix()] = "berkas arsip hilang"
        elif sha256(path) != digest:
            problems[path.as_posix()] = "berkas arsip berubah (sha256 beda dari manifest)"
    out = sorted(problems.items())
    listed.update(required)
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        name = path.relative_to(folder).as_posix()
        if name != MANIFEST_NAME and name not in listed:
            out.append((path.as_posix(), "berkas arsip tidak tercantum di manifest"))
    return out


def stale_temporary(root: str | Path, unit: str, year: int) -> list[Path]:
    """Hidden ``arsip/.v<N>.XXXX.tmp`` folders: what a publish killed before its final rename
    leaves behind (read-only copies that are no version)."""
    arsip = archive_dir(root, unit, year)
    if not arsip.is_dir():
        return []
    return sorted(p for p in arsip.iterdir() if p.is_dir() and _TMP_RE.match(p.name))


def clean_command(paths: Iterable[Path], root: Path) -> str:
    """The shell command that removes stale temporary archive folders."""
    shown = " ".join(f"'{_rel(root, p)}'" for p in paths)
    return f"chmod -R u+w {shown} && rm -r {shown}"


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
        removed.append(_rel(root, tmp))
    return removed


def stale_files(root: Path, manifest: dict) -> list[tuple[str, str]]:
    """[(path, reason)] where the project's files no longer match ``manifest`` (not rerun)."""
    unit, year = manifest["unit"], manifest["year"]
    expected = {
        "inputs": current_inputs(root, unit, year),
        "processed": [
            _rel(root, p)
            for p in layout.processed_files(unit, year, processed=root / layout.PROCESSED)
        ],
    }
    out = []
    for section in SECTIONS:
        listed = _by_path(manifest.get(section, []))
        for path, digest in sorted(listed.items()):
            if not (root / path).is_file():
                out.append((path, f"{SECTION_LABEL[section]} hilang"))
            elif sha256(root / path) != digest:
                out.append((path, f"{SECTION_LABEL[section]} berubah sejak manifest dibuat"))
        for path in expected.get(section, []):
            if path not in listed:
                out.append((path, f"{SECTION_LABEL[section]} baru, belum ada di manifest"))
    return out


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
    root = _root(root)
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


# --------------------------------------------------------------------------- document text


class _HtmlText(html.parser.HTMLParser):
    """Visible text of an HTML page (no script/style, no attribute values)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        """Count script/style nesting; block tags start a new line."""
        if tag in ("script", "style"):
            self._skip += 1
        elif tag in ("p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "td", "th"):
            self.parts.append("\n")

    def handle_endtag(self, tag):
        """Leave a script/style element."""
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        """Keep text outside script/style."""
        if not self._skip:
            self.parts.append(data)


def _docx_text(path: Path) -> str:
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    out = []
    with zipfile.ZipFile(path) as z:
        parts = sorted(
            n
            for n in z.namelist()
            if re.fullmatch(r"word/(document|header\d*|footer\d*|footnotes|endnotes)\.xml", n)
        )
        for name in parts:
            root = ElementTree.fromstring(z.read(name))
            for para in root.iter(f"{w}p"):
                out.append("".join(t.text or "" for t in para.iter(f"{w}t")))
    return "\n".join(out)


def _xlsx_text(path: Path) -> str:
    """Every cell's cached value and, for a formula cell, its formula too."""
    from openpyxl import load_workbook

    values = load_workbook(path, read_only=True, data_only=True)
    formulas = load_workbook(path, read_only=True, data_only=False)
    out = []
    for ws, wf in zip(values.worksheets, formulas.worksheets, strict=True):
        out.append(f"# {ws.title}")
        for row, frow in zip(
            ws.iter_rows(values_only=True), wf.iter_rows(values_only=True), strict=False
        ):
            out.append(
                "\t".join(
                    ("" if v is None else str(v))
                    + (f" [{f}]" if isinstance(f, str) and f.startswith("=") and f != v else "")
                    for v, f in zip(row, frow, strict=False)
                )
            )
    values.close()
    formulas.close()
    return "\n".join(out)


def _pdf_text(path: Path) -> str:
    try:
        from pypdf import PdfReader
    except ImportError:
        raise AuditError(
            "pypdf belum terpasang (pip install pypdf): teks PDF tidak dapat dibandingkan."
        ) from None
    return "\n".join(page.extract_text() or "" for page in PdfReader(path).pages)


def document_text(path: str | Path) -> str:
    """The text of a PDF, DOCX, HTML, XLSX (cell values) or text file, whitespace-normalised."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix == ".pdf":
        text = _pdf_text(path)
    elif suffix == ".docx":
        text = _docx_text(path)
    elif suffix == ".xlsx":
        text = _xlsx_text(path)
    elif suffix in (".html", ".htm"):
        parser = _HtmlText()
        parser.feed(path.read_text(encoding="utf-8", errors="replace"))
        text = "".join(parser.parts)
    else:
        text = path.read_text(encoding="utf-8", errors="replace")
    text = unicodedata.normalize("NFKC", text).replace("\u00ad", "")
    return " ".join(text.split())


def numbers(text: str) -> list[str]:
    """Every number in `text`, in order (digits with their . and , separators)."""
    return _NUMBER_RE.findall(text)


def compare_text(a: Path, b: Path) -> str | None:
    """None when the two documents have the same text and numbers, else what differs.

    A PNG (the infographic) has no text to compare: it must be identical byte for byte."""
    if Path(a).suffix.lower() == ".png":
        return None if sha256(a) == sha256(b) else "gambar berbeda (sha256)"
    ta, tb = document_text(a), document_text(b)
    if ta == tb:
        return None
    na, nb = numbers(ta), numbers(tb)
    if na != nb:
        i = next(
            (k for k, (x, y) in enumerate(zip(na, nb, strict=False)) if x != y),
            min(len(na), len(nb)),
        )
        x = na[i] if i < len(na) else "(tidak ada)"
        y = nb[i] if i < len(nb) else "(tidak ada)"
        return f"angka berbeda (angka ke-{i + 1}: {x} di arsip, {y} hasil ulang)"
    i = next(
        (k for k, (x, y) in enumerate(zip(ta, tb, strict=False)) if x != y), min(len(ta), len(tb))
    )
    return f"teks berbeda (angka sama), mulai di: «{ta[max(0, i - 30) : i + 30]}»"


# --------------------------------------------------------------------------- verify


@dataclass
class Finding:
    """One file that does not match, and why."""

    path: str
    reason: str


@dataclass
class VerifyResult:
    """Outcome of :func:`verify`."""

    unit: str
    year: int
    version: str
    level: str = ""
    findings: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """True when every file matched."""
        return not self.findings


LEVEL_HASH = "hash"
LEVEL_TEXT = "teks"


def copy_project(root: Path, dest: Path, unit: str) -> None:
    """Copy the code (Snakefile, workflow/, notebooks/, profiles/ if any), config.yaml and the
    unit's raw data into `dest`: nothing processed, no reports."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info", ".*")
    for name in ("Snakefile", CONFIG):
        shutil.copy2(root / name, dest / name)
    for name in CODE_PATHS[1:]:
        if (root / name).is_dir():
            shutil.copytree(root / name, dest / name, ignore=ignore)
    src = root / layout.unit_dir(unit)
    if not src.is_dir():
        raise AuditError(f"Data mentah {layout.unit_dir(unit)} tidak ditemukan.")
    shutil.copytree(src, dest / layout.unit_dir(unit), ignore=shutil.ignore_patterns(".*", "~$*"))


def default_cores() -> int:
    """CPUs this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:
        return os.cpu_count() or 1


def rerun(workdir: Path, targets: list[str], cores: int) -> tuple[int, str]:
    """Run this interpreter's snakemake in `workdir` on the copied code; (status, log tail)."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(
        [str(workdir / "workflow"), *filter(None, [env.get("PYTHONPATH")])]
    )
    env.pop("SOURCE_DATE_EPOCH", None)
    cmd = [sys.executable, "-m", "snakemake", "--cores", str(cores), *targets]
    proc = subprocess.run(cmd, cwd=workdir, env=env, capture_output=True, text=True, check=False)
    (workdir / "verify-snakemake.log").write_text(proc.stdout + proc.stderr, encoding="utf-8")
    return proc.returncode, (proc.stdout + proc.stderr)[-3000:]


def _check_archive(root: Path, vdir: Path, manifest: dict, result: VerifyResult) -> None:
    """Archived files against the version's manifest; note lost read-only bits."""
    for path, why in archive_problems(vdir, manifest):
        result.findings.append(Finding(_rel(root, path), why))
    writable = [p for p in [vdir, *layout.files_under(vdir)] if p.stat().st_mode & 0o222]
    if writable:
        result.notes.append(
            f"{len(writable)} berkas/folder arsip dapat ditulis (izin bukan "
            "0444/0555, mis. setelah git clone); isinya tetap diperiksa lewat hash"
        )
    stale = stale_temporary(root, result.unit, result.year)
    if stale:
        result.notes.append(
            f"{len(stale)} folder sementara sisa penerbitan yang terhenti (bukan versi arsip): "
            f"{', '.join(_rel(root, p) for p in stale)}; skm publish {result.unit} "
            f"{result.year} menghapusnya, atau hapus sendiri: {clean_command(stale, root)}"
        )


def _check_processed_on_disk(root: Path, manifest: dict, result: VerifyResult) -> None:
    """The project's processed files against the manifest (changed, missing or new on disk)."""
    listed = _by_path(manifest["processed"])
    on_disk = {
        _rel(root, p)
        for p in layout.processed_files(result.unit, result.year, processed=root / layout.PROCESSED)
    }
    for path in sorted(listed.keys() | on_disk):
        if path not in on_disk:
            why = "data olahan di folder proyek hilang"
        elif path not in listed:
            why = "data olahan baru di folder proyek, tidak ada di manifest"
        elif sha256(root / path) != listed[path]:
            why = "data olahan di folder proyek berubah sejak manifest dibuat"
        else:
            continue
        result.findings.append(Finding(path, why + " (jalankan ulang: snakemake --cores 1)"))


def _check_inputs(root: Path, manifest: dict, result: VerifyResult) -> None:
    """Raw inputs on disk (and config.yaml, when an older manifest lists it) against the
    manifest; note changed code."""
    want = _by_path(manifest["inputs"])
    for path, digest in sorted(want.items()):
        if not (root / path).is_file():
            result.findings.append(Finding(path, "masukan mentah hilang"))
        elif sha256(root / path) != digest:
            result.findings.append(
                Finding(path, "masukan mentah berbeda dari manifest (sha256 tidak sama)")
            )
    for path in sorted(set(current_inputs(root, result.unit, result.year)) - want.keys()):
        result.findings.append(Finding(path, "masukan mentah baru, tidak ada di manifest"))
    code = manifest.get("code", {})
    code_diff = diff_entries(code.get("files", []), code_files(root))
    if any(code_diff.values()):
        n = sum(len(v) for v in code_diff.values())
        commit = code.get("commit", UNKNOWN)
        result.notes.append(
            f"kode saat ini berbeda dari manifest ({n} file); kode yang "
            f"dipakai: commit {commit} (git checkout {commit})"
        )


def _choose_level(manifest: dict, env_now: dict, result: VerifyResult) -> None:
    """Hash level when software versions and fonts equal the manifest's, else text level."""
    env_then = manifest.get("environment", {})
    if same_environment(env_then, env_now):
        result.level = LEVEL_HASH
        return
    result.level = LEVEL_TEXT
    old = env_then.get("versions", {})
    diff = [f"{k} {old.get(k)} -> {v}" for k, v in env_now["versions"].items() if old.get(k) != v]
    if env_then.get("fonts") != env_now.get("fonts"):
        diff.append("font berbeda")
    result.notes.append("perangkat lunak berbeda dari manifest: " + "; ".join(diff))


def _compare_processed(tmp: Path, manifest: dict, result: VerifyResult) -> None:
    """The rerun's processed artefacts against the manifest: exactly.

    At text level two differences are notes, not failures: figures (drawn by other plotting
    software; their numbers are in the data files) and a provenance.json that differs only in
    the software versions it records.
    """
    rerun = layout.processed_files(result.unit, result.year, processed=tmp / layout.PROCESSED)
    got = _by_path(hash_entries([Path(p).relative_to(tmp) for p in rerun], tmp))
    want = _by_path(manifest["processed"])
    for path in sorted(want.keys() | got.keys()):
        if path not in got:
            result.findings.append(Finding(path, "data olahan tidak dihasilkan ulang"))
        elif path not in want:
            result.findings.append(Finding(path, "data olahan baru, tidak ada di manifest"))
        elif got[path] == want[path]:
            continue
        elif (
            result.level == LEVEL_TEXT
            and path.endswith("/provenance.json")
            and _provenance_consistent(tmp / path, manifest)
        ):
            result.notes.append(f"{path}: berbeda hanya pada versi perangkat lunak")
        elif result.level == LEVEL_TEXT and path.lower().endswith(".png"):
            result.notes.append(
                f"{path}: gambar berbeda (perangkat lunak berbeda; angkanya "
                "diperiksa lewat data olahan)"
            )
        elif path.endswith("/settings.json") and "values" in manifest.get("settings", {}):
            keys = settings_diff(manifest["settings"]["values"], read_json(tmp / path))
            result.findings.append(
                Finding(
                    path,
                    "pengaturan efektif unit berbeda dari manifest"
                    f" (kunci: {', '.join(keys) or '-'})",
                )
            )
        else:
            result.findings.append(Finding(path, "data olahan berbeda (sha256)"))


def environment_contradictions(manifest: dict, tmp: Path | None = None) -> list[str]:
    """What in the manifest's own entries contradicts its ``environment`` (the claim that
    decides between hash and text level, and that an edit could change to force text level).

    The fonts are code files: each font's hash must equal the hash ``code.files`` gives for
    ``workflow/skm/render/fonts/<file>``. The software versions are also recorded in provenance.json:
    when the rerun's provenance.json (in `tmp`) has the hash the manifest lists for it, its
    versions are the ones the manifest was made with, and must equal ``environment.versions``.
    """
    out = []
    env = manifest.get("environment", {})
    code = {e["path"]: e["sha256"] for e in manifest.get("code", {}).get("files", [])}
    fonts_dir = FONTS_DIR.relative_to(FONTS_DIR.parents[3]).as_posix()
    claimed = {f"{fonts_dir}/{f['file']}": f["sha256"] for f in env.get("fonts", [])}
    in_code = {p: h for p, h in code.items() if p.startswith(fonts_dir + "/")}
    if in_code and claimed != in_code:
        out.append(
            "daftar font di environment tidak sama dengan berkas font pada daftar kode "
            "di manifest yang sama"
        )
    if tmp is not None:
        for entry in manifest.get("processed", []):
            fresh = tmp / entry["path"]
            if (
                entry["path"].endswith("/provenance.json")
                and fresh.is_file()
                and sha256(fresh) == entry["sha256"]
                and read_json(fresh).get("versions") != env.get("versions")
            ):
                out.append(
                    f"versi perangkat lunak di environment tidak sama dengan versi yang "
                    f"dicatat {entry['path']} (hash-nya cocok dengan manifest)"
                )
    return out


def _compare_documents(
    root: Path,
    tmp: Path,
    vdir: Path,
    manifest: dict,
    result: VerifyResult,
    rerun_documents: Iterable[str] | None = None,
) -> None:
    """The rerun's documents: by hash (hash level) or against the archived copies' text.

    The documents required are those of the rerun (`rerun_documents`, from the rerun's own
    manifest), not only those the archived manifest lists (a document deleted together with
    its entries would otherwise pass). At text level every archived document whose bytes
    differ from the rerun's is still listed in a note, and is a difference when the
    manifest's environment contradicts its own entries (`environment_contradictions`).
    """
    listed = [e["path"] for e in manifest["documents"]]
    for path in sorted(set(rerun_documents or []) - set(listed)):
        archived = vdir / Path(path).name
        result.findings.append(
            Finding(
                _rel(root, archived),
                "dokumen dihasilkan ulang tetapi tidak tercantum di manifest "
                "arsip"
                + ("" if archived.is_file() else " dan tidak ada di arsip")
                + " (dokumen dan entrinya dihapus?)",
            )
        )
    contradictions = environment_contradictions(manifest, tmp) if result.level == LEVEL_TEXT else []
    if contradictions:
        result.findings.append(
            Finding(
                _rel(root, vdir / MANIFEST_NAME),
                "environment di manifest bertentangan dengan "
                "isinya sendiri (diubah agar pemeriksaan turun ke tingkat teks?): "
                + "; ".join(contradictions),
            )
        )
    not_identical = []
    for entry in manifest["documents"]:
        archived = vdir / Path(entry["path"]).name
        fresh = tmp / entry["path"]
        shown = _rel(root, archived)
        if not fresh.is_file():
            result.findings.append(Finding(entry["path"], "dokumen tidak dihasilkan ulang"))
        elif result.level == LEVEL_HASH:
            if sha256(fresh) != entry["sha256"]:
                result.findings.append(
                    Finding(
                        shown, "dokumen hasil ulang berbeda (sha256)" + _text_hint(archived, fresh)
                    )
                )
            elif (
                archived.is_file()
                and sha256(archived) != sha256(fresh)
                and shown not in {f.path for f in result.findings}
            ):
                result.findings.append(
                    Finding(
                        shown,
                        "berkas arsip berbeda dari hasil jalankan "
                        "ulang (sha256)" + _text_hint(archived, fresh),
                    )
                )
        elif archived.is_file():
            why = compare_text(archived, fresh)
            if why:
                result.findings.append(Finding(shown, why))
            elif sha256(archived) != sha256(fresh):
                if contradictions:
                    result.findings.append(
                        Finding(
                            shown,
                            "berkas arsip berbeda dari hasil "
                            "jalankan ulang (sha256; teks dan angka sama)",
                        )
                    )
                else:
                    not_identical.append(shown)
    if not_identical:
        result.notes.append(
            f"{len(not_identical)} dokumen arsip tidak identik byte demi byte dengan hasil "
            f"jalankan ulang (teks dan angkanya sama): {', '.join(not_identical)}. Wajar bila "
            "versi perangkat lunak atau font memang berbeda; bila seharusnya sama, perlakukan "
            "sebagai perbedaan dan jalankan skm verify dengan perangkat lunak yang dicatat "
            "manifest"
        )


def verify(
    root: str | Path,
    unit: str,
    year: int,
    version: str | None = None,
    cores: int | None = None,
    keep: bool = False,
    progress: Callable[[str], None] = lambda _msg: None,
) -> VerifyResult:
    """Rerun the unit-year from the raw data and compare with an archived version.

    Checks, in order: the archived files against their manifest (every listed document and
    signed file present, with the hash the manifest gives); the raw inputs and the processed
    files on disk against the manifest's hashes; then the rerun's processed data (exactly,
    the effective settings by key) and documents (by hash when software versions and fonts
    equal the manifest's, else by text and numbers) against the manifest and against the
    archived documents themselves.
    """
    t0 = time.perf_counter()
    root = _root(root)
    version, vdir = _version_dir(root, unit, int(year), version)
    manifest = load_manifest(vdir / MANIFEST_NAME)
    result = VerifyResult(unit, int(year), version)
    _check_archive(root, vdir, manifest, result)
    _check_inputs(root, manifest, result)
    _check_processed_on_disk(root, manifest, result)

    cores = cores or default_cores()
    tmp = Path(tempfile.mkdtemp(prefix="skm-verify-"))
    try:
        copy_project(root, tmp, unit)
        target = layout.manifest(unit, year)
        has_rule = "archive.smk" in (tmp / "Snakefile").read_text(encoding="utf-8")
        targets = [target] if has_rule else [e["path"] for e in manifest["documents"]]
        progress(
            f"Menjalankan ulang pipeline {unit}/{year} di {tmp} (snakemake --cores {cores}) ..."
        )
        t1 = time.perf_counter()
        status, tail = rerun(tmp, targets, cores)
        result.seconds["rerun"] = round(time.perf_counter() - t1, 1)
        if status != 0:
            result.findings.append(
                Finding("snakemake", f"gagal dijalankan ulang (kode {status}):\n{tail}")
            )
            return result
        env_now = (
            read_json(tmp / target)["environment"]
            if (tmp / target).is_file()
            else environment(tmp / FONTS_DIR.relative_to(FONTS_DIR.parents[3]))
        )
        _choose_level(manifest, env_now, result)
        _compare_processed(tmp, manifest, result)
        rerun_documents = (
            [e["path"] for e in read_json(tmp / target)["documents"]]
            if (tmp / target).is_file()
            else None
        )
        if rerun_documents is None:
            result.notes.append(
                "hasil ulang tidak membuat manifest: hanya dokumen yang "
                "tercantum di manifest arsip yang diperiksa"
            )
        _compare_documents(root, tmp, vdir, manifest, result, rerun_documents)
        return result
    finally:
        result.seconds["total"] = round(time.perf_counter() - t0, 1)
        if keep:
            result.notes.append(f"folder hasil ulang disimpan: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def _text_hint(archived: Path, fresh: Path) -> str:
    """'; teks sama' / '; <what differs>' for a hash mismatch, when text can be compared."""
    if not archived.is_file():
        return ""
    try:
        why = compare_text(archived, fresh)
    except Exception:  # noqa: BLE001 - a hint only; the mismatch is reported anyway
        return ""
    return "; teks dan angka sama" if why is None else f"; {why}"


def _provenance_consistent(path: Path, manifest: dict) -> bool:
    """True when a rerun provenance.json differs only in ``versions``: same command, and
    every input it lists (raw files, and settings.json among the processed files) has the
    hash the manifest gives."""
    data = read_json(path)
    want = {**_by_path(manifest["processed"]), **_by_path(manifest["inputs"])}
    return (
        set(data) <= {"inputs", "versions", "command"}
        and data.get("command") == manifest.get("command")
        and all(want.get(e["path"]) == e["sha256"] for e in data.get("inputs", []))
    )


def format_report(result: VerifyResult) -> str:
    """The verification outcome as printed by ``skm verify``."""
    lines = [f"Pemeriksaan {result.unit}/{result.year} terhadap arsip {result.version}"]
    if result.level == LEVEL_HASH:
        lines.append(
            "Tingkat: hash (versi perangkat lunak dan font sama dengan manifest; "
            "dokumen harus identik byte demi byte)"
        )
    elif result.level == LEVEL_TEXT:
        lines.append(
            "Tingkat: teks dan angka (versi perangkat lunak atau font berbeda dari "
            "manifest; data olahan tetap harus identik)"
        )
    lines += [f"Catatan: {n}" for n in result.notes]
    lines += [f"BERBEDA  {f.path}: {f.reason}" for f in result.findings]
    if "rerun" in result.seconds:
        lines.append(
            f"Waktu: {result.seconds['total']} dtk (jalankan ulang {result.seconds['rerun']} dtk)"
        )
    lines.append(
        "cocok"
        if result.ok
        else f"tidak cocok: {len({f.path for f in result.findings})} berkas berbeda"
    )
    return "\n".join(lines)
