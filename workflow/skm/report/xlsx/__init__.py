"""The XLSX workbooks: the hasil olah data of a unit-year (`write_olah_data`) and the primitives
the rekap workbook shares with it.

- `book`: Excel's limits, a sheet that never drops a cell, number formats, `Book`;
- `bands`: the regulation's category table and the LOOKUP ranges into it, sheet 'Cara membaca';
- `cells`: the layout of sheet 'Olah Data' and the exact sums behind the cached values;
- `sheets`: the sheets of the hasil olah data workbook;
- `olah_data`: `write_olah_data`, which puts them together.
"""

from __future__ import annotations

from skm.report.xlsx.bands import BAND_RANGES, BAND_SHEET, Bands, band_sheet, how_to_read_sheet
from skm.report.xlsx.book import (
    EXCEL,
    FMT_2,
    FMT_3,
    FMT_INT,
    Book,
    ExcelLimits,
    WorkbookLimitError,
    cut_text,
    normalize_zip,
)
from skm.report.xlsx.cells import olah_data_cells
from skm.report.xlsx.olah_data import write_olah_data

__all__ = [
    "BAND_RANGES",
    "BAND_SHEET",
    "EXCEL",
    "FMT_2",
    "FMT_3",
    "FMT_INT",
    "Bands",
    "Book",
    "ExcelLimits",
    "WorkbookLimitError",
    "band_sheet",
    "cut_text",
    "how_to_read_sheet",
    "normalize_zip",
    "olah_data_cells",
    "write_olah_data",
]
