"""The layout of sheet 'Olah Data' and the exact sums its formulas' cached values come from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction

import pandas as pd

from skm.domain import UNSUR_CODES, WEIGHT
from skm.scoring.tables import layanan_label


@dataclass(frozen=True)
class OlahDataCells:
    """Where the regulation's figures sit on sheet 'Olah Data' (0-based rows, cols 2..10)."""

    first_data: int
    last_data: int
    sum_row: int
    count_row: int
    nrr_row: int
    nrrt_row: int
    konv_row: int
    konv_round_row: int
    mutu_row: int
    ikm_row: int
    ikm_konv_row: int
    ikm_round_row: int
    ikm_mutu_row: int
    ikm_kinerja_row: int


def olah_data_cells(n: int) -> OlahDataCells:
    """The layout of sheet 'Olah Data' for `n` respondents (header on row 3, data from 4)."""
    first, last = 3, 3 + max(n, 1) - 1
    s = last + 2
    return OlahDataCells(
        first,
        last,
        s,
        s + 1,
        s + 2,
        s + 3,
        s + 4,
        s + 5,
        s + 6,
        s + 8,
        s + 9,
        s + 10,
        s + 11,
        s + 12,
    )


#: The first 0-based column of sheet 'Olah Data' holding a layanan's 0/1 flags (after
#: No., ID, U1..U9, Layanan, Semester, Triwulan).
FLAG_COL = 14


def responses_frame(responses: pd.DataFrame) -> pd.DataFrame:
    frame = responses.copy()
    for col in ("layanan", "semester", "triwulan", "saran"):
        if col not in frame.columns:
            frame[col] = pd.NA
    return frame


def flag_columns(frame: pd.DataFrame) -> list[str]:
    """The responses.csv 0/1 columns ``layanan[<name>]``, in the unit's order."""
    return [c for c in frame.columns if layanan_label(c) is not None]


def is_checkbox(frame: pd.DataFrame) -> bool:
    """Whether `skm.scoring.ikm` grouped the layanan by the ticks (a checkbox question)."""
    from skm.scoring.ikm import checkbox_layanan

    return bool(flag_columns(frame)) and checkbox_layanan(frame) is not None


def exact_sums(frame: pd.DataFrame) -> tuple[list[int], list[int]]:
    sums, ns = [], []
    for c in UNSUR_CODES:
        col = pd.to_numeric(frame[c], errors="coerce").dropna()
        sums.append(int(col.sum()))
        ns.append(int(col.size))
    return sums, ns


def ikm_exact(sums: Sequence[int], ns: Sequence[int]) -> Fraction | None:
    if min(ns) == 0:
        return None
    return sum((Fraction(s, n) * WEIGHT for s, n in zip(sums, ns, strict=True)), Fraction(0))
