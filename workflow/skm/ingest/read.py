"""Reading one downloaded file: a CSV or XLSX export, or a zip of exports (`read_exports`); the
kind is told by content, not by name. The readers are `read_csv`, `read_xlsx` and `zips`."""

from __future__ import annotations

from pathlib import Path

from skm.errors import SkmInputError
from skm.ingest.columns import HeaderMap
from skm.ingest.export import HEAD_BYTES, Export
from skm.ingest.read_csv import read_csv
from skm.ingest.read_xlsx import read_xlsx
from skm.ingest.zips import is_zip_of_exports, zip_exports


def read_export(path: Path | str, headers: HeaderMap) -> Export:
    """Read one export (CSV or XLSX, told apart by content) keeping only mapped columns."""
    exports = read_exports(path, headers)
    if len(exports) != 1:
        raise SkmInputError(
            f"berisi {len(exports)} file ekspor; baca dengan read_exports", file=str(path)
        )
    return exports[0]


def read_exports(path: Path | str, headers: HeaderMap) -> list[Export]:
    """Read one downloaded file: a CSV or XLSX export, or a .zip holding such exports (as
    Google Forms' "Download responses (.csv)" gives ``<form title>.csv.zip``), each member
    read in memory. An XLSX (itself a zip) is told from a zip of exports by its
    ``[Content_Types].xml``."""
    path = Path(path)
    try:
        with open(path, "rb") as fh:
            head = fh.read(HEAD_BYTES)
    except FileNotFoundError:
        raise SkmInputError("file tidak ditemukan", file=str(path)) from None
    except OSError as exc:
        raise SkmInputError(f"file tidak dapat dibuka ({exc.strerror})", file=str(path)) from None
    if is_zip_of_exports(path, head):
        exports = []
        for member_path, data in zip_exports(path):
            export = _read_bytes(member_path, data[:HEAD_BYTES], headers, data)
            export.label = f"{path.name}/{member_path.relative_to(path).as_posix()}"
            export.archive = path
            exports.append(export)
        return exports
    return [_read_bytes(path, head, headers)]


def _read_bytes(path: Path, head: bytes, headers: HeaderMap, data: bytes | None = None) -> Export:
    """One export from its first bytes (and all of them when it is held in memory)."""
    if head.startswith(b"PK\x03\x04"):
        return read_xlsx(path, headers, data)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise SkmInputError(
            "format Excel lama (.xls) tidak didukung; buka file lalu simpan sebagai .xlsx, "
            "atau unduh ulang hasil survei sebagai .csv",
            file=str(path),
        )
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        raise SkmInputError(
            "berkas bernama .xlsx tetapi isinya bukan berkas Excel yang sah (mungkin rusak "
            "atau terpotong); unduh ulang hasil ekspor",
            file=str(path),
        )
    return read_csv(path, head, headers, data)
