"""Text and tables of the annual Laporan SKM, built from the artefacts the rules produced.

The notebook calls `Laporan`'s methods; they only read and format (ikm.json, quality.json,
settings.json, responses.csv, rejected.csv) and never recompute a regulation figure. Every
sentence that states a result is generated here from the data, so that no sentence can
contradict a number in the document.

`Laporan` is composed of one part per section of the document:

- `base`: the artefacts, loaded once, and small accessors (name, year, IKM, mutu);
- `summary`: the Ringkasan, the change from last year, BAB V, the reconciliation with a
  published value;
- `fieldwork`: BAB II (team, schedule in working days, the Krejcie-Morgan sample);
- `respondents`: the respondent profile of 3.1;
- `unsur`: the unsur and IKM tables and sentences, per layanan, the 95 % interval, the RTL draft;
- `saran`: the saran, by theme, bounded in size, and complaints;
- `quality`: the data-quality tables and notes of 4.4;
- `appendices`: the Lampiran;
- the front matter of every unit-year document is `skm.report.cover` (the shims read it
  without importing this package).
"""

from __future__ import annotations

from skm.report.cover import cover_metadata
from skm.report.laporan.appendices import REJECTED_VALUE_CHARS, AppendicesPart
from skm.report.laporan.base import APPENDIX_CHARS, APPENDIX_ROWS, FIELD_TITLES, LaporanData
from skm.report.laporan.fieldwork import FieldworkPart
from skm.report.laporan.quality import QualityPart
from skm.report.laporan.respondents import RespondentsPart
from skm.report.laporan.saran import SaranPart
from skm.report.laporan.summary import SummaryPart, reconcile
from skm.report.laporan.unsur import UnsurPart

__all__ = [
    "APPENDIX_CHARS",
    "APPENDIX_ROWS",
    "FIELD_TITLES",
    "REJECTED_VALUE_CHARS",
    "Laporan",
    "cover_metadata",
    "reconcile",
]


class Laporan(
    SummaryPart,
    FieldworkPart,
    RespondentsPart,
    UnsurPart,
    SaranPart,
    QualityPart,
    AppendicesPart,
    LaporanData,
):
    """Everything one unit-year's documents read, loaded once (`Laporan.load`), and every
    sentence and table the Laporan SKM prints."""
