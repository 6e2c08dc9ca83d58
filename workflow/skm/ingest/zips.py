"""Zips of exports (Google Forms' "Download responses (.csv)" gives ``<form title>.csv.zip``): told
from an XLSX (itself a zip), checked (paths, member count, size, kinds) and read in memory. The
ingest, `skm init` and the manifest read zips through `zip_exports`."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path, PurePosixPath

from skm.errors import SkmInputError

#: Limits of a zip of exports (a Forms download holds one CSV; a unit may zip a few).
ZIP_MAX_MEMBERS = 50
ZIP_MAX_BYTES = 1 << 30  # uncompressed, all members together
EXPORT_SUFFIXES = (".csv", ".xlsx")


def _is_xlsx(path: Path | io.BytesIO) -> bool:
    """True when the zip is an Office Open XML workbook (it has ``[Content_Types].xml``)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "[Content_Types].xml" in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return True  # not a readable zip: the xlsx reader says why


def _zip_kind(path: Path) -> str:
    """ "xlsx" (a workbook: it has ``[Content_Types].xml``), "exports" (a zip of exports) or
    "bad" (not a readable zip: a damaged workbook or download)."""
    try:
        with zipfile.ZipFile(path) as archive:
            return "xlsx" if "[Content_Types].xml" in archive.namelist() else "exports"
    except (zipfile.BadZipFile, OSError, ValueError):
        return "bad"


def is_zip_of_exports(path: Path, head: bytes) -> bool:
    """Whether the file (whose first bytes are `head`) is read as a zip of exports: a zip
    without ``[Content_Types].xml``, or a damaged zip named ``.zip`` (`zip_exports` says
    why it cannot be read); a workbook is not."""
    if not head.startswith((b"PK\x03\x04", b"PK\x05\x06")):
        return False
    kind = _zip_kind(path)
    return kind == "exports" or (kind == "bad" and path.suffix.lower() == ".zip")


def skipped_member(name: str) -> bool:
    """Whether a zip member is the metadata a Mac adds when it zips files (the ``__MACOSX/``
    folder, AppleDouble ``._<name>`` files, ``.DS_Store``): never read, never an export."""
    parts = PurePosixPath(name.replace("\\", "/")).parts
    return bool(parts) and (
        parts[0] == "__MACOSX" or parts[-1].startswith("._") or parts[-1] == ".DS_Store"
    )


def _zip_infos(path: Path) -> list[zipfile.ZipInfo]:
    """The export members of a zip of exports, checked: paths, count, size, kind by name
    (Mac metadata skipped: `skipped_member`)."""
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise SkmInputError(
            f"berkas zip tidak dapat dibuka ({exc}); unduh ulang hasil ekspor", file=str(path)
        ) from None
    with archive:
        infos = [info for info in archive.infolist() if not info.is_dir()]
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or ".." in parts or re.match(r"^[A-Za-z]:", name):
            raise SkmInputError(
                f"berkas zip memuat jalur yang tidak aman '{name}' (keluar dari folder zip); "
                "file ini tidak dibaca. Unduh ulang hasil ekspor dari formulir",
                file=str(path),
            )
    infos = [info for info in infos if not skipped_member(info.filename)]
    if not infos:
        raise SkmInputError(
            "berkas zip kosong (tidak ada file ekspor di dalamnya); unduh ulang hasil ekspor",
            file=str(path),
        )
    if len(infos) > ZIP_MAX_MEMBERS:
        raise SkmInputError(
            f"berkas zip berisi {len(infos)} file, lebih dari batas {ZIP_MAX_MEMBERS}; ekstrak "
            "dan taruh file ekspor (.csv atau .xlsx) langsung di folder tahun",
            file=str(path),
        )
    total = sum(info.file_size for info in infos)
    if total > ZIP_MAX_BYTES:
        raise SkmInputError(
            f"isi berkas zip {total:,} bita setelah diekstrak, lebih dari batas "
            f"{ZIP_MAX_BYTES:,} bita; periksa apakah ini benar hasil unduhan formulir".replace(
                ",", "."
            ),
            file=str(path),
        )
    for info in infos:
        name = info.filename
        suffix = PurePosixPath(name).suffix.lower()
        if suffix == ".zip":
            raise SkmInputError(
                f"berkas zip berisi zip lain ('{name}'); ekstrak zip di dalamnya dan taruh file "
                "ekspornya (.csv atau .xlsx) langsung di folder tahun",
                file=str(path),
            )
        if suffix not in EXPORT_SUFFIXES:
            raise SkmInputError(
                f"berkas zip berisi '{name}', yang bukan file ekspor .csv atau .xlsx; keluarkan "
                "file itu dari zip atau ekstrak file ekspornya ke folder tahun",
                file=str(path),
            )
    return sorted(infos, key=lambda info: info.filename)


def zip_exports(path: Path) -> Iterator[tuple[Path, bytes]]:
    """(path shown as ``file.zip/member.csv``, bytes) of every export member of a zip of
    exports, checked (`_zip_infos`) and read in memory within ZIP_MAX_BYTES. The ingest and
    `skm init` both read zips through it."""
    infos = _zip_infos(path)
    budget = ZIP_MAX_BYTES
    with zipfile.ZipFile(path) as archive:
        for info in infos:
            shown = path / info.filename
            try:
                with archive.open(info) as fh:
                    data = fh.read(budget + 1)
            except (zipfile.BadZipFile, RuntimeError, OSError, EOFError, ValueError) as exc:
                raise SkmInputError(
                    f"file '{info.filename}' di dalam zip tidak dapat dibaca "
                    f"({exc}); unduh ulang hasil ekspor",
                    file=str(path),
                ) from None
            budget -= len(data)
            if budget < 0:
                raise SkmInputError(
                    f"isi berkas zip lebih dari batas {ZIP_MAX_BYTES:,} bita setelah "
                    "diekstrak".replace(",", "."),
                    file=str(path),
                )
            if data.startswith(b"PK\x03\x04") and not _is_xlsx(io.BytesIO(data)):
                raise SkmInputError(
                    f"berkas zip berisi zip lain ('{info.filename}'); ekstrak dan taruh file "
                    "ekspornya langsung di folder tahun",
                    file=str(path),
                )
            yield shown, data


def zip_members(path: Path | str) -> list[dict]:
    """[{name, bytes, sha256}] of the export members of a zip of exports (for the manifest);
    [] for an XLSX or a zip that cannot be read as one."""
    import hashlib

    path = Path(path)
    try:
        if _is_xlsx(path):
            return []
        out = []
        for shown, data in zip_exports(path):
            out.append(
                {
                    "name": shown.relative_to(path).as_posix(),
                    "bytes": len(data),
                    "sha256": hashlib.sha256(data).hexdigest(),
                }
            )
        return out
    except SkmInputError:
        return []
