"""4.3 Tren: the unit's IKM across years, and whether the last change exceeds the noise.

Years with raw data come from their ikm.json; earlier years only from unit.yaml `history:`
(marked as taken from an earlier report). A later year never enters an earlier year's trend.
A `history:` entry for a year that also has raw data is a value the unit published: it is kept
apart (`published`) for that year's reconciliation box and never becomes a trend point.
"""

from __future__ import annotations

import math

from skm import numfmt as nf
from skm.domain import classify, round_half_up


def build(ikms: list[dict], history: list[dict], year: int) -> dict:
    """Trend rows for years <= `year`, oldest first, the last change's test, and the published
    values of years that have raw data (`published`, by year: reconciliation only)."""
    rows: dict[int, dict] = {}
    data_years = {ikm["year"] for ikm in ikms}
    published = {}
    for h in history:
        if h["year"] in data_years:
            if h["year"] <= year:
                published[str(h["year"])] = {
                    "year": h["year"],
                    "ikm_konversi": float(h["ikm_konversi"]),
                    "display": str(round_half_up(h["ikm_konversi"], 2)),
                    "n": h.get("n"),
                    "source": h["source"],
                }
            continue
        if h["year"] <= year:
            rows[h["year"]] = {
                "year": h["year"],
                "ikm_konversi": float(h["ikm_konversi"]),
                "display": str(round_half_up(h["ikm_konversi"], 2)),
                "n": h.get("n"),
                "se": None,
                "source": h["source"],
                "from_data": False,
            }
    for ikm in ikms:
        if ikm["year"] <= year:
            rows[ikm["year"]] = {
                "year": ikm["year"],
                "ikm_konversi": ikm["ikm_konversi"],
                "display": ikm["display"]["ikm_konversi"],
                "n": ikm["n_valid"],
                "se": ikm["analisis_tambahan"].get("se"),
                "mutu": ikm["mutu"],
                "source": "data survei (diolah ulang dari data mentah)",
                "from_data": True,
            }
    ordered = [rows[k] for k in sorted(rows)]
    for r in ordered:
        r.setdefault("mutu", _mutu(r["display"]))
    return {
        "year": year,
        "rows": ordered,
        "last_change": last_change(ordered),
        "published": published,
    }


def _mutu(display: str) -> str:
    return classify(display).mutu


def last_change(rows: list[dict]) -> dict | None:
    """Change between the last two years; tested only when both have a standard error."""
    if len(rows) < 2:
        return None
    a, b = rows[-2], rows[-1]
    diff = b["ikm_konversi"] - a["ikm_konversi"]
    out = {
        "from": a["year"],
        "to": b["year"],
        "diff": str(round_half_up(diff, 2)) if diff >= 0 else "-" + str(round_half_up(-diff, 2)),
    }
    if a.get("se") is not None and b.get("se") is not None:
        se = math.sqrt(a["se"] ** 2 + b["se"] ** 2)
        low, high = diff - 1.96 * se, diff + 1.96 * se
        out.update(
            testable=True, significant=abs(diff) > 1.96 * se, low=_signed(low), high=_signed(high)
        )
    else:
        out.update(testable=False)
    return out


def _signed(x: float) -> str:
    return str(round_half_up(x, 2)) if x >= 0 else "-" + str(round_half_up(-x, 2))


def sentence(tren: dict, nama: str) -> str:
    """The generated sentence on the last change."""
    c = tren["last_change"]
    if c is None:
        return (
            f"Tahun {tren['year']} adalah satu-satunya tahun dengan nilai IKM yang tersedia "
            f"untuk {nama}, sehingga tren belum dapat disajikan."
        )
    d = c["diff"]
    arah = (
        "naik" if not d.startswith("-") and d != "0.00" else ("tetap" if d == "0.00" else "turun")
    )
    amount = nf.angka(d.lstrip("-"))
    text = f"Dari tahun {c['from']} ke tahun {c['to']}, nilai IKM {arah}"
    text += f" sebesar {amount} poin." if arah != "tetap" else "."
    if not c["testable"]:
        text += (
            " Nilai tahun sebelumnya diambil dari laporan terdahulu tanpa data responden, "
            "sehingga tidak dapat diuji apakah perubahan ini melebihi galat pengambilan "
            "sampel."
        )
    elif c["significant"]:
        text += (
            f" Interval kepercayaan 95% perubahan ({nf.bertanda(c['low'])} s.d. "
            f"{nf.bertanda(c['high'])}) tidak memuat nol, sehingga perubahan ini melebihi galat "
            "pengambilan sampel."
        )
    else:
        text += (
            f" Interval kepercayaan 95% perubahan ({nf.bertanda(c['low'])} s.d. "
            f"{nf.bertanda(c['high'])}) memuat nol, sehingga perubahan ini masih dalam batas "
            "galat pengambilan sampel dan belum dapat disebut peningkatan atau penurunan "
            "yang nyata."
        )
    return text
