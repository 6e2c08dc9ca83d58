"""Scoring per PermenPANRB 14/2017: NRR, IKM, konversi, mutu, and the ikm.json summary.

All regulation arithmetic is exact (`Fraction` over integer sums); the only rounding is
`round_half_up` when a value is prepared for printing (the `display` entries).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction

import pandas as pd

from skm.domain import (
    KONVERSI,
    MUTU_THRESHOLDS,
    UNSUR_CODES,
    UNSUR_NAMES,
    UNSUR_SHORT,
    WEIGHT,
    classify,
    krejcie_morgan,
    round_half_up,
)

DEMOGRAFI_FIELDS = ("jenis_kelamin", "usia", "pendidikan", "pekerjaan")
NOT_FILLED = "Tidak diisi"


def _s(value, places: int) -> str:
    return str(round_half_up(value, places))


def ikm_from_sums(sums: Iterable[int], ns: Iterable[int]) -> Fraction:
    """IKM on the 1..4 scale from per-unsur score sums and answer counts (exact)."""
    return sum((Fraction(int(s), int(n)) * WEIGHT for s, n in zip(sums, ns, strict=True)),
               Fraction(0))


def unsur_table(responses: pd.DataFrame) -> list[dict]:
    """Per-unsur n, sum, NRR, NRR tertimbang, konversi, mutu and answer counts."""
    rows = []
    for code in UNSUR_CODES:
        col = pd.to_numeric(responses[code], errors="raise").dropna().astype("int64")
        n, total = int(col.size), int(col.sum())
        counts = {str(k): int((col == k).sum()) for k in (1, 2, 3, 4)}
        row = {"code": code, "name": UNSUR_NAMES[code], "short": UNSUR_SHORT[code],
               "n": n, "sum": total, "counts": counts}
        if n:
            nrr = Fraction(total, n)
            band = classify(nrr * KONVERSI)
            row.update(
                nrr=float(nrr), nrr_tertimbang=float(nrr * WEIGHT), konversi=float(nrr * KONVERSI),
                mutu=band.mutu, kinerja=band.kinerja,
                display={"nrr": _s(nrr, 2), "nrr_tertimbang": _s(nrr * WEIGHT, 3),
                         "konversi": _s(nrr * KONVERSI, 2)},
                exact={"nrr": [nrr.numerator, nrr.denominator]},
            )
        else:
            row.update(nrr=None, nrr_tertimbang=None, konversi=None, mutu=None, kinerja=None,
                       display={}, exact={})
        rows.append(row)
    return rows


def group_ikm(frame: pd.DataFrame) -> dict:
    """{n, ikm_konversi, mutu, display} of a subset; IKM is null when an unsur has no answer."""
    sums = [int(pd.to_numeric(frame[c]).sum()) for c in UNSUR_CODES]
    ns = [int(frame[c].notna().sum()) for c in UNSUR_CODES]
    out: dict = {"n": len(frame)}
    if min(ns) == 0:
        out.update(ikm_konversi=None, mutu=None, kinerja=None, display={})
        return out
    konv = ikm_from_sums(sums, ns) * KONVERSI
    band = classify(konv)
    out.update(ikm_konversi=float(konv), mutu=band.mutu, kinerja=band.kinerja,
               display={"ikm_konversi": _s(konv, 2)})
    return out


def confidence_interval(responses: pd.DataFrame, unsur: list[dict],
                        population: int | None) -> dict:
    """95 % interval of the IKM konversi by linearisation over respondents (DOMAIN.md)."""
    n = len(responses)
    if n < 2:
        return {"se": None, "ikm_konversi_ci95": None}
    z = pd.Series(0.0, index=responses.index)
    for row in unsur:
        if not row["n"]:
            continue
        y = pd.to_numeric(responses[row["code"]])
        z = z + ((y - row["nrr"]) / row["n"]).fillna(0.0)
    z = z * KONVERSI / 9
    var = n / (n - 1) * float((z**2).sum())
    if population:
        var *= max(0.0, (population - n) / (population - 1)) if population > 1 else 0.0
    se = math.sqrt(var)
    return {"se": se, "fpc_applied": bool(population)}


def demografi(responses: pd.DataFrame, categories: dict, layanan: list[str]) -> dict:
    """Counts and percentages per demographic field asked, zero-count categories included."""
    out = {}
    n = len(responses)
    fields = {f: [c["label"] for c in categories.get(f, [])] for f in DEMOGRAFI_FIELDS}
    fields["layanan"] = list(layanan)
    for field, labels in fields.items():
        if field not in responses.columns or responses[field].isna().all():
            continue
        values = responses[field].fillna(NOT_FILLED).astype(str)
        counts = values.value_counts()
        ordered = list(labels) + sorted(v for v in counts.index
                                        if v not in labels and v != NOT_FILLED)
        if NOT_FILLED in counts.index:
            ordered.append(NOT_FILLED)
        cats = []
        for label in ordered:
            count = int(counts.get(label, 0))
            pct = round_half_up(Fraction(100 * count, n), 2) if n else round_half_up(0, 2)
            cats.append({"label": label, "count": count, "pct": float(pct),
                         "display_pct": str(pct),
                         "matched": label in labels or label == NOT_FILLED})
        total_pct = sum(round_half_up(Fraction(100 * c["count"], n), 2) for c in cats) if n else 0
        out[field] = {"n": n, "categories": cats, "pct_sum": str(total_pct)}
    return out


def score(responses: pd.DataFrame, quality: dict, settings: dict) -> dict:
    """The ikm.json summary of one unit-year (see README 'Outputs')."""
    unsur = unsur_table(responses)
    answered = [u for u in unsur if u["n"]]
    result: dict = {
        "unit": settings["unit"], "year": int(settings["year"]), "name": settings["name"],
        "short_name": settings["short_name"], "timezone": settings["timezone"],
        "period": settings["period"],
        "n_raw": int(quality["n_raw"]), "n_valid": len(responses),
        "n_rejected": int(quality["n_rejected"]),
        "unsur": unsur,
    }
    if len(answered) < len(UNSUR_CODES):
        raise ValueError("cannot compute the IKM: some unsur has no valid answer at all")
    ikm = ikm_from_sums([u["sum"] for u in unsur], [u["n"] for u in unsur])
    konv = ikm * KONVERSI
    band = classify(konv)
    population = int(settings["population"])
    required = krejcie_morgan(population)
    result.update(
        ikm=float(ikm), ikm_konversi=float(konv), mutu=band.mutu, kinerja=band.kinerja,
        display={"ikm": _s(ikm, 3), "ikm_konversi": _s(konv, 2)},
        exact={"ikm_konversi": [konv.numerator, konv.denominator]},
        sample={"population": population, "required": required, "achieved": len(responses),
                "adequate": len(responses) >= required},
    )
    for key, col in (("by_semester", "semester"), ("by_triwulan", "triwulan"),
                     ("by_layanan", "layanan")):
        groups = {}
        if col in responses.columns and responses[col].notna().any():
            for value, frame in responses.groupby(col, sort=True, dropna=True):
                groups[str(value)] = group_ikm(frame)
        result[key] = groups
    result["demografi"] = demografi(responses, settings["demografi"], settings.get("layanan", []))

    ci = confidence_interval(responses, unsur, population)
    tambahan: dict = {"se": ci["se"], "funnel": quality.get("funnel", {}),
                      "item_nonresponse": quality.get("item_nonresponse", {})}
    if ci["se"] is not None:
        low, high = float(konv) - 1.96 * ci["se"], float(konv) + 1.96 * ci["se"]
        low, high = max(25.0, low), min(100.0, high)
        crossed = [str(t) for t in MUTU_THRESHOLDS
                   if round_half_up(low, 2) < t <= round_half_up(high, 2)]
        tambahan.update(
            ikm_konversi_ci95=[low, high],
            mutu_certain=not crossed,
            thresholds_crossed=crossed,
            mutu_range=sorted({classify(low).mutu, classify(high).mutu}),
            display={"ci_low": _s(low, 2), "ci_high": _s(high, 2), "se": _s(ci["se"], 2)},
        )
    else:
        tambahan.update(ikm_konversi_ci95=None, mutu_certain=None, thresholds_crossed=[],
                        display={})
    result["analisis_tambahan"] = tambahan
    return result


def ranking(unsur: list[dict]) -> list[list[dict]]:
    """Unsur grouped by exactly equal NRR (ties share a group), lowest first."""
    groups: dict[Fraction, list[dict]] = {}
    for row in unsur:
        key = Fraction(*row["exact"]["nrr"])
        groups.setdefault(key, []).append(row)
    return [groups[k] for k in sorted(groups)]


def lowest(unsur: list[dict], k: int = 3) -> list[list[dict]]:
    """Tie groups covering the k lowest unsur (a tie at the edge includes the whole group)."""
    chosen, count = [], 0
    for group in ranking(unsur):
        if count >= k:
            break
        chosen.append(group)
        count += len(group)
    return chosen


def highest(unsur: list[dict], k: int = 3) -> list[list[dict]]:
    """Tie groups covering the k highest unsur, highest first."""
    chosen, count = [], 0
    for group in reversed(ranking(unsur)):
        if count >= k:
            break
        chosen.append(group)
        count += len(group)
    return chosen
