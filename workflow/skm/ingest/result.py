"""What the ingest hands over: `IngestResult` (responses, rejected lines, quality figures), the
`IngestStopped` stop that carries it, and `write_outputs`, which writes the three files."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from skm.contracts import write_quality
from skm.errors import SkmInputError
from skm.io import atomic_write_bytes
from skm.scoring.tables import write_csv_bytes


@dataclass
class IngestResult:
    """What `ingest` returns: the clean table, the rejected lines and the quality figures."""

    responses: pd.DataFrame
    rejected: pd.DataFrame
    quality: dict


class IngestStopped(SkmInputError):
    """The exports were read, but the unit must not be reported from them; `result` holds
    what was read (rejected.csv is written from it, so that every rejected row is listed)."""

    def __init__(self, message: str, result: IngestResult, **where: Any) -> None:
        super().__init__(message, **where)
        self.result = result


def write_outputs(
    result: IngestResult, responses_csv: Path, rejected_csv: Path, quality_json: Path
) -> None:
    """Write responses.csv, rejected.csv (UTF-8, LF line ends, text cells neutralised against
    spreadsheet formulas: `skm.scoring.tables.write_csv_bytes`) and quality.json (sorted keys),
    each atomically (temporary file in the same folder, then os.replace)."""
    for frame, path in ((result.responses, responses_csv), (result.rejected, rejected_csv)):
        atomic_write_bytes(write_csv_bytes(frame), path)
    write_quality(quality_json, result.quality)
