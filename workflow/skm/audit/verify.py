"""``skm verify``: rerun a unit-year from the raw data and compare it with an archived version.

Processed data exactly; documents by hash when the software and fonts are those of the
manifest, else by text and numbers (:mod:`skm.audit.text`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from skm import layout
from skm.audit.manifest import (
    CODE_PATHS,
    CONFIG,
    MANIFEST_NAME,
    UNKNOWN,
    AuditError,
    archive_problems,
    by_path,
    clean_command,
    code_files,
    current_inputs,
    diff_entries,
    environment,
    hash_entries,
    load_manifest,
    project_root,
    rel_path,
    same_environment,
    settings_diff,
    stale_temporary,
    version_dir,
)
from skm.audit.text import compare_text
from skm.io import read_json, sha256
from skm.render.fonts import FONTS_DIR


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
        result.findings.append(Finding(rel_path(root, path), why))
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
            f"{', '.join(rel_path(root, p) for p in stale)}; skm publish {result.unit} "
            f"{result.year} menghapusnya, atau hapus sendiri: {clean_command(stale, root)}"
        )


def _check_processed_on_disk(root: Path, manifest: dict, result: VerifyResult) -> None:
    """The project's processed files against the manifest (changed, missing or new on disk)."""
    listed = by_path(manifest["processed"])
    on_disk = {
        rel_path(root, p)
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
    want = by_path(manifest["inputs"])
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
    got = by_path(hash_entries([Path(p).relative_to(tmp) for p in rerun], tmp))
    want = by_path(manifest["processed"])
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
                rel_path(root, archived),
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
                rel_path(root, vdir / MANIFEST_NAME),
                "environment di manifest bertentangan dengan "
                "isinya sendiri (diubah agar pemeriksaan turun ke tingkat teks?): "
                + "; ".join(contradictions),
            )
        )
    not_identical = []
    for entry in manifest["documents"]:
        archived = vdir / Path(entry["path"]).name
        fresh = tmp / entry["path"]
        shown = rel_path(root, archived)
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
    root = project_root(root)
    version, vdir = version_dir(root, unit, int(year), version)
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
        _compare_rerun(root, tmp, vdir, manifest, result)
        return result
    finally:
        result.seconds["total"] = round(time.perf_counter() - t0, 1)
        if keep:
            result.notes.append(f"folder hasil ulang disimpan: {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


def compare_rerun(
    root: str | Path, unit: str, year: int, rerun_dir: str | Path, version: str | None = None
) -> VerifyResult:
    """Compare a finished rerun of the unit-year (a project folder `rerun_dir`, e.g. the one
    ``skm verify --simpan`` keeps) with an archived version (the latest by default): what
    :func:`verify` does after its rerun, without the checks of the project's own files.

    The level is chosen from the rerun's manifest (its software versions and fonts against
    the archived manifest's); then the processed data and the documents are compared."""
    root = project_root(root)
    version, vdir = version_dir(root, unit, int(year), version)
    manifest = load_manifest(vdir / MANIFEST_NAME)
    result = VerifyResult(unit, int(year), version)
    _compare_rerun(root, Path(rerun_dir), vdir, manifest, result)
    return result


def _compare_rerun(root: Path, tmp: Path, vdir: Path, manifest: dict, result: VerifyResult) -> None:
    """The rerun in `tmp` against the archived version `vdir` and its manifest."""
    target = tmp / layout.manifest(result.unit, result.year)
    env_now = (
        read_json(target)["environment"]
        if target.is_file()
        else environment(tmp / FONTS_DIR.relative_to(FONTS_DIR.parents[3]))
    )
    _choose_level(manifest, env_now, result)
    _compare_processed(tmp, manifest, result)
    rerun_documents = (
        [e["path"] for e in read_json(target)["documents"]] if target.is_file() else None
    )
    if rerun_documents is None:
        result.notes.append(
            "hasil ulang tidak membuat manifest: hanya dokumen yang "
            "tercantum di manifest arsip yang diperiksa"
        )
    _compare_documents(root, tmp, vdir, manifest, result, rerun_documents)


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
    want = {**by_path(manifest["processed"]), **by_path(manifest["inputs"])}
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
