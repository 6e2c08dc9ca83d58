"""One export as read (`Export`: the mapped columns as Arrow text, row numbers, how it was read)
and what every reader shares (what it opens, the header width check)."""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from skm.errors import SkmInputError
from skm.ingest.fields import MAX_COLUMNS
from skm.ingest.redact import file_label

HEAD_BYTES = 1 << 20


@dataclass
class Export:
    """One export as read: mapped fields as text (Arrow string arrays, in file order; a
    missing cell may be null), spreadsheet row numbers, how it was read."""

    path: Path
    columns: dict[str, pa.ChunkedArray]
    raw_rows: np.ndarray
    headers: dict[str, str]
    info: dict[str, Any]
    excel_datetime: np.ndarray | None = None
    #: How rejected.csv names a member of a zip (``file.zip/member.csv``), and the zip.
    label: str | None = None
    archive: Path | None = None

    @property
    def name(self) -> str:
        """The file as processed data, quality.json and documents name it: its name without
        directory (``file.zip/member.csv`` for a member of a zip), redacted with a SHA-256
        prefix (of the file, or of the zip that holds it) when it holds personal data."""
        return file_label(self.label or self.path.name, self.digest())

    def digest(self) -> str | None:
        """Start of the file's SHA-256, computed once, only when its name needs it."""
        if not hasattr(self, "_digest"):
            from skm.ingest.redact import file_digest, redact_name

            shown = self.label or self.path.name
            hit = any(redact_name(part)[1] for part in shown.split("/"))
            self._digest = file_digest(self.archive or self.path) if hit else None
        return self._digest


def export_source(path: Path, data: bytes | None) -> Path | io.BytesIO:
    """What the readers open: the file, or its bytes when it is a member of a zip."""
    return path if data is None else io.BytesIO(data)


def check_width(path: Path, header: list[str]) -> None:
    """A header row of more than MAX_COLUMNS filled cells is not a form export."""
    filled = sum(1 for h in header if h.strip())
    if filled > MAX_COLUMNS:
        raise SkmInputError(
            f"baris judul memuat {filled:,} kolom terisi, ".replace(",", ".")
            + f"lebih dari batas {MAX_COLUMNS:,} kolom".replace(",", ".")
            + "; ini bukan ekspor formulir SKM yang wajar. Unduh ulang hasil ekspor dari "
            "Google Forms/Sheets, atau keluarkan file ini dari folder. (Too many columns.)",
            file=str(path),
        )
