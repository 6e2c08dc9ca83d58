"""The manifest of a unit-year and what reads it back: file sets, hashes, build, compare.

``reports/<unit>/<year>/manifest.json``, written by the rule ``write_manifest``: sha256 of every
input, processed artefact and document of the unit-year, the code version, the software and
font versions and the command that made them (:func:`build_manifest`). It holds no wall-clock
time, so two runs of one commit on the same inputs write the same bytes. The archive of
published versions (``skm publish``) is :mod:`skm.audit.publish`; the rerun and comparison
(``skm verify``) :mod:`skm.audit.verify`; the documents' text :mod:`skm.audit.text`.
"""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from collections.abc import Iterable
from pathlib import Path

from skm import layout
from skm.audit.provenance import RUN_COMMAND, document_epoch, versions
from skm.io import read_json, sha256
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


class AuditError(Exception):
    """Publishing or verification cannot go on; the message (Indonesian) says what to do."""


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


def write_manifest(
    unit: str,
    year: int,
    *,
    inputs: Iterable[str],
    documents: Iterable[str],
    settings_path: str,
    out: str,
    log_path: str,
) -> None:
    """Write the unit-year's manifest.json (rule write_manifest) and log what it lists.

    The rule runs this inside Snakemake's own process (a `run:` block): hashing a few dozen
    files does not need an interpreter and its imports of its own (0.3 s a unit-year).
    """
    from skm.contracts import read_settings
    from skm.io import write_json
    from skm.shim import in_process_log

    with in_process_log(log_path) as log:
        manifest = build_manifest(
            unit,
            int(year),
            inputs=list(inputs),
            documents=list(documents),
            settings=read_settings(settings_path),
        )
        write_json(manifest, out)
        log.info(
            "Manifest mencatat %d masukan, %d data olahan dan %d dokumen (commit %s).",
            len(manifest["inputs"]),
            len(manifest["processed"]),
            len(manifest["documents"]),
            manifest["code"]["commit"],
        )


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


def by_path(entries: Iterable[dict]) -> dict[str, str]:
    return {e["path"]: e["sha256"] for e in entries}


def diff_entries(old: Iterable[dict], new: Iterable[dict]) -> dict[str, list[str]]:
    """Paths added, removed and changed (by sha256) from `old` to `new`."""
    a, b = by_path(old), by_path(new)
    return {
        "ditambahkan": sorted(b.keys() - a.keys()),
        "dihapus": sorted(a.keys() - b.keys()),
        "diubah": sorted(p for p in a.keys() & b.keys() if a[p] != b[p]),
    }


def fingerprint(manifest: dict) -> dict[str, dict[str, str]]:
    """What decides whether a new version is needed: input, processed and document hashes."""
    return {s: by_path(manifest.get(s, [])) for s in SECTIONS}


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


def project_root(root: str | Path) -> Path:
    root = Path(root).resolve()
    if not (root / "Snakefile").is_file():
        raise AuditError(f"{root} bukan folder proyek SKM (tidak ada Snakefile).")
    return root


def rel_path(root: Path, path: str | Path) -> str:
    """`path` relative to `root` (posix), whether given absolute or already relative."""
    path = Path(path)
    return (path.relative_to(root) if path.is_absolute() else path).as_posix()


def current_inputs(root: Path, unit: str, year: int) -> list[str]:
    """The unit-year's raw inputs as they are now, relative to `root` (config.yaml is not one:
    the part of it a unit uses is in its settings.json, a processed file)."""
    return sorted(rel_path(root, p) for p in layout.raw_inputs(unit, year, raw=root / layout.RAW))


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


def version_dir(root: Path, unit: str, year: int, version: str | None) -> tuple[str, Path]:
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
    shown = " ".join(f"'{rel_path(root, p)}'" for p in paths)
    return f"chmod -R u+w {shown} && rm -r {shown}"


def stale_files(root: Path, manifest: dict) -> list[tuple[str, str]]:
    """[(path, reason)] where the project's files no longer match ``manifest`` (not rerun)."""
    unit, year = manifest["unit"], manifest["year"]
    expected = {
        "inputs": current_inputs(root, unit, year),
        "processed": [
            rel_path(root, p)
            for p in layout.processed_files(unit, year, processed=root / layout.PROCESSED)
        ],
    }
    out = []
    for section in SECTIONS:
        listed = by_path(manifest.get(section, []))
        for path, digest in sorted(listed.items()):
            if not (root / path).is_file():
                out.append((path, f"{SECTION_LABEL[section]} hilang"))
            elif sha256(root / path) != digest:
                out.append((path, f"{SECTION_LABEL[section]} berubah sejak manifest dibuat"))
        for path in expected.get(section, []):
            if path not in listed:
                out.append((path, f"{SECTION_LABEL[section]} baru, belum ada di manifest"))
    return out
