"""Scoring per PermenPANRB 14/2017: NRR, IKM, konversi, mutu, and the ikm.json summary.

All regulation arithmetic is exact (`Fraction` over integer sums); the only rounding is
`round_half_up` when a value is prepared for printing (the `display` entries).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from fractions import Fraction

import numpy as np
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
from skm.scoring.prepared import Prepared
from skm.scoring.tables import layanan_label

DEMOGRAFI_FIELDS = ("jenis_kelamin", "usia", "pendidikan", "pekerjaan")
NOT_FILLED = "Tidak diisi"


def _s(value, places: int) -> str:
    return str(round_half_up(value, places))


def ikm_from_sums(sums: Iterable[int], ns: Iterable[int]) -> Fraction:
    """IKM on the 1..4 scale from per-unsur score sums and answer counts (exact)."""
    return sum(
        (Fraction(int(s), int(n)) * WEIGHT for s, n in zip(sums, ns, strict=True)), Fraction(0)
    )


def unsur_table(responses: pd.DataFrame, prepared: Prepared | None = None) -> list[dict]:
    """Per-unsur n, sum, NRR, NRR tertimbang, konversi, mutu and answer counts."""
    scores = (prepared or Prepared(responses)).scores()
    rows = []
    for code in UNSUR_CODES:
        if scores is not None:
            held = scores[code][2]
            n, total = int(held[1:].sum()), int(held @ np.arange(5))
            counts = {str(k): int(held[k]) for k in (1, 2, 3, 4)}
        else:
            col = pd.to_numeric(responses[code], errors="raise").dropna().astype("int64")
            n, total = int(col.size), int(col.sum())
            counts = {str(k): int((col == k).sum()) for k in (1, 2, 3, 4)}
        row = {
            "code": code,
            "name": UNSUR_NAMES[code],
            "short": UNSUR_SHORT[code],
            "n": n,
            "sum": total,
            "counts": counts,
        }
        if n:
            nrr = Fraction(total, n)
            band = classify(nrr * KONVERSI)
            row.update(
                nrr=float(nrr),
                nrr_tertimbang=float(nrr * WEIGHT),
                konversi=float(nrr * KONVERSI),
                mutu=band.mutu,
                kinerja=band.kinerja,
                display={
                    "nrr": _s(nrr, 2),
                    "nrr_tertimbang": _s(nrr * WEIGHT, 3),
                    "konversi": _s(nrr * KONVERSI, 2),
                },
                exact={"nrr": [nrr.numerator, nrr.denominator]},
            )
        else:
            row.update(
                nrr=None,
                nrr_tertimbang=None,
                konversi=None,
                mutu=None,
                kinerja=None,
                display={},
                exact={},
            )
        rows.append(row)
    return rows


def group_ikm(frame: pd.DataFrame) -> dict:
    """{n, ikm_konversi, mutu, display} of a subset; IKM is null when an unsur has no answer."""
    sums = [int(pd.to_numeric(frame[c]).sum()) for c in UNSUR_CODES]
    ns = [int(frame[c].notna().sum()) for c in UNSUR_CODES]
    return _group_summary(len(frame), sums, ns)


def _group_summary(n: int, sums: list[int], ns: list[int]) -> dict:
    """`group_ikm` from a subset's size and per-unsur score sums and answer counts."""
    out: dict = {"n": n}
    if min(ns) == 0:
        out.update(ikm_konversi=None, mutu=None, kinerja=None, display={})
        return out
    konv = ikm_from_sums(sums, ns) * KONVERSI
    band = classify(konv)
    out.update(
        ikm_konversi=float(konv),
        mutu=band.mutu,
        kinerja=band.kinerja,
        display={"ikm_konversi": _s(konv, 2)},
    )
    return out


def by_group(
    responses: pd.DataFrame, col: str, prepared: Prepared | None = None
) -> dict[str, dict]:
    """`group_ikm` of every value of `col` (sorted, missing values left out), keyed by the
    value as text, as ``responses.groupby(col, sort=True, dropna=True)`` gives the groups."""
    prepared = prepared or Prepared(responses)
    scores = prepared.scores()
    column = responses[col]
    if scores is None or not (column.dtype == np.int64 or isinstance(column.dtype, pd.StringDtype)):
        return {
            str(value): group_ikm(frame)
            for value, frame in responses.groupby(col, sort=True, dropna=True)
        }
    codes, uniques = prepared.factorized(col)
    slots = len(uniques) + 1  # slot 0: rows without a value of `col`
    slot = codes.astype(np.int64) + 1
    sums, ns = [], []
    if len(slot) > 1 and (slot[1:] >= slot[:-1]).all():
        # Groups are runs (semester and triwulan of a table in time order): add up runs.
        starts = np.concatenate([[0], np.flatnonzero(slot[1:] != slot[:-1]) + 1])
        run_slot = slot[starts]
        sizes = np.zeros(slots, dtype=np.int64)
        sizes[run_slot] = np.diff(np.append(starts, len(slot)))
        for code in UNSUR_CODES:
            values, answered, _ = scores[code]
            total = np.zeros(slots, dtype=np.int64)
            total[run_slot] = np.add.reduceat(values, starts)
            held = np.zeros(slots, dtype=np.int64)
            held[run_slot] = np.add.reduceat(answered, starts, dtype=np.int64)
            sums.append(total)
            ns.append(held)
    else:
        sizes = np.bincount(slot, minlength=slots)
        base = slot * 5
        for code in UNSUR_CODES:  # values 1..4, and 0 where not answered
            held = np.bincount(base + scores[code][0], minlength=slots * 5).reshape(slots, 5)
            ns.append(held[:, 1:].sum(axis=1))
            sums.append(held @ np.arange(5))
    return {
        str(value): _group_summary(
            int(sizes[g + 1]), [int(t[g + 1]) for t in sums], [int(a[g + 1]) for a in ns]
        )
        for g, value in enumerate(uniques)
        if sizes[g + 1]
    }


def confidence_interval(
    responses: pd.DataFrame,
    unsur: list[dict],
    population: int | None,
    prepared: Prepared | None = None,
) -> dict:
    """95 % interval of the IKM konversi, linearised over respondents (docs/metodologi.md M-18)."""
    n = len(responses)
    if n < 2:
        return {"se": None, "ikm_konversi_ci95": None}
    scores = (prepared or Prepared(responses)).scores()
    if scores is not None and any(row["n"] for row in unsur):
        # The pandas arithmetic below, step by step in numpy (same operations, same order,
        # so the same floating-point result), ending with the same masked sum.
        zf = np.zeros(n, dtype=np.float64)
        for row in unsur:
            if not row["n"]:
                continue
            values, answered, _ = scores[row["code"]]
            term = (values - row["nrr"]) / row["n"]
            term[~answered] = 0.0
            zf = zf + term
        zf = zf * KONVERSI / 9
        squares = pd.arrays.FloatingArray(zf**2, np.zeros(n, dtype=bool))
        var = n / (n - 1) * float(pd.Series(squares, index=responses.index).sum())
    else:
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


def _value_counts(responses: pd.DataFrame, field: str, prepared: Prepared) -> dict[str, int]:
    """{text: count} of ``responses[field].fillna(NOT_FILLED).astype(str).value_counts()``."""
    column = responses[field]
    if not isinstance(column.dtype, pd.StringDtype):
        counts = column.fillna(NOT_FILLED).astype(str).value_counts()
        return {str(k): int(v) for k, v in counts.items()}
    codes, uniques = prepared.factorized(field)
    held = np.bincount(codes[codes >= 0], minlength=len(uniques))
    out: dict[str, int] = {}
    for value, count in zip(uniques, held, strict=True):
        if count:
            out[str(value)] = out.get(str(value), 0) + int(count)
    missing = int((codes < 0).sum())
    if missing:
        out[NOT_FILLED] = out.get(NOT_FILLED, 0) + missing
    return out


def demografi(
    responses: pd.DataFrame, categories: dict, layanan: list[str], prepared: Prepared | None = None
) -> dict:
    """Counts and percentages per demographic field asked, zero-count categories included."""
    prepared = prepared or Prepared(responses)
    out = {}
    n = len(responses)
    fields = {f: [c["label"] for c in categories.get(f, [])] for f in DEMOGRAFI_FIELDS}
    fields["layanan"] = list(layanan)
    for field, labels in fields.items():
        if field not in responses.columns or responses[field].isna().all():
            continue
        counts = _value_counts(responses, field, prepared)
        ordered = list(labels) + sorted(v for v in counts if v not in labels and v != NOT_FILLED)
        if NOT_FILLED in counts:
            ordered.append(NOT_FILLED)
        cats = []
        for label in ordered:
            count = int(counts.get(label, 0))
            pct = round_half_up(Fraction(100 * count, n), 2) if n else round_half_up(0, 2)
            cats.append(
                {
                    "label": label,
                    "count": count,
                    "pct": float(pct),
                    "display_pct": str(pct),
                    "matched": label in labels or label == NOT_FILLED,
                }
            )
        total_pct = sum(round_half_up(Fraction(100 * c["count"], n), 2) for c in cats) if n else 0
        out[field] = {"n": n, "categories": cats, "pct_sum": str(total_pct)}
    return out


def layanan_ticks(responses: pd.DataFrame) -> dict[str, np.ndarray] | None:
    """{layanan: 0/1 per respondent} from the `layanan[...]` columns, None without them."""
    ticked = {
        layanan_label(c): responses[c].to_numpy(dtype=np.int64)
        for c in responses.columns
        if layanan_label(c) is not None
    }
    return ticked or None


def checkbox_layanan(responses: pd.DataFrame) -> dict[str, np.ndarray] | None:
    """`layanan_ticks` when the layanan question was a checkbox (some respondent ticked more
    than one): then `by_layanan_ticked` groups them; None otherwise (grouped by the text)."""
    ticked = layanan_ticks(responses)
    if ticked is not None and (sum(ticked.values()) > 1).any():
        return ticked
    return None


def _unticked(responses: pd.DataFrame, ticked: dict[str, np.ndarray]) -> pd.Series:
    """The layanan text of respondents who ticked no listed layanan (blank: missing)."""
    none = sum(ticked.values()) == 0
    return responses["layanan"].where(none)


def by_layanan_ticked(responses: pd.DataFrame, ticked: dict[str, np.ndarray]) -> dict[str, dict]:
    """`group_ikm` of the respondents of every listed layanan they ticked (a respondent counts
    in each), then of each value matching none, as `by_group` keys them (sorted)."""
    groups = {
        label: group_ikm(responses[flags == 1]) for label, flags in ticked.items() if flags.any()
    }
    other = _unticked(responses, ticked)
    for value, frame in responses.groupby(other, sort=True, dropna=True):
        groups.setdefault(str(value), group_ikm(frame))
    return dict(sorted(groups.items()))


def layanan_counts(responses: pd.DataFrame, ticked: dict[str, np.ndarray]) -> dict:
    """The demografi entry of a checkbox layanan: respondents per layanan ticked, percent of
    all respondents (they add up to more than 100); `multiple` says so."""
    n = len(responses)
    counts = [(label, int(flags.sum()), True) for label, flags in ticked.items()]
    other = _unticked(responses, ticked)
    for value, count in other.value_counts(sort=False).sort_index().items():
        counts.append((str(value), int(count), False))
    blank = int((responses["layanan"].isna()).sum())
    if blank:
        counts.append((NOT_FILLED, blank, True))
    cats = []
    for label, count, matched in counts:
        pct = round_half_up(Fraction(100 * count, n), 2) if n else round_half_up(0, 2)
        cats.append(
            {
                "label": label,
                "count": count,
                "pct": float(pct),
                "display_pct": str(pct),
                "matched": matched,
            }
        )
    total = sum(round_half_up(Fraction(100 * c["count"], n), 2) for c in cats) if n else 0
    return {"n": n, "categories": cats, "pct_sum": str(total), "multiple": True}


def score(responses: pd.DataFrame, quality: dict, settings: dict) -> dict:
    """The ikm.json summary of one unit-year (see README 'Outputs')."""
    with ThreadPoolExecutor(max_workers=2, thread_name_prefix="skm-score") as pool:
        prepared = Prepared(responses, pool)
        # The text columns are factorized on worker threads while the scores are summed.
        prepared.prefetch(["layanan", *DEMOGRAFI_FIELDS])
        return _score(responses, quality, settings, prepared)


def _score(responses: pd.DataFrame, quality: dict, settings: dict, prepared: Prepared) -> dict:
    unsur = unsur_table(responses, prepared)
    answered = [u for u in unsur if u["n"]]
    result: dict = {
        "unit": settings["unit"],
        "year": int(settings["year"]),
        "name": settings["name"],
        "short_name": settings["short_name"],
        "timezone": settings["timezone"],
        "period": settings["period"],
        "n_raw": int(quality["n_raw"]),
        "n_valid": len(responses),
        "n_rejected": int(quality["n_rejected"]),
        "unsur": unsur,
    }
    if "kolom_opsional" in quality:  # why a field has no table (read by figures and text)
        result["kolom_opsional"] = dict(quality["kolom_opsional"])
    if len(answered) < len(UNSUR_CODES):
        raise ValueError("cannot compute the IKM: some unsur has no valid answer at all")
    ikm = ikm_from_sums([u["sum"] for u in unsur], [u["n"] for u in unsur])
    konv = ikm * KONVERSI
    band = classify(konv)
    population = int(settings["population"])
    required = krejcie_morgan(population)
    result.update(
        ikm=float(ikm),
        ikm_konversi=float(konv),
        mutu=band.mutu,
        kinerja=band.kinerja,
        display={"ikm": _s(ikm, 3), "ikm_konversi": _s(konv, 2)},
        exact={"ikm_konversi": [konv.numerator, konv.denominator]},
        sample={
            "population": population,
            "required": required,
            "achieved": len(responses),
            "adequate": len(responses) >= required,
        },
    )
    for key, col in (
        ("by_semester", "semester"),
        ("by_triwulan", "triwulan"),
        ("by_layanan", "layanan"),
    ):
        groups = {}
        if col in responses.columns and responses[col].notna().any():
            groups = by_group(responses, col, prepared)
        result[key] = groups
    result["demografi"] = demografi(
        responses, settings["demografi"], settings.get("layanan", []), prepared
    )
    ticked = checkbox_layanan(responses)
    if ticked is not None:
        # A checkbox question: a respondent counts in every layanan ticked.
        result["by_layanan"] = by_layanan_ticked(responses, ticked)
        result["demografi"]["layanan"] = layanan_counts(responses, ticked)

    ci = confidence_interval(responses, unsur, population, prepared)
    tambahan: dict = {
        "se": ci["se"],
        "funnel": quality.get("funnel", {}),
        "item_nonresponse": quality.get("item_nonresponse", {}),
    }
    if ci["se"] is not None:
        low, high = float(konv) - 1.96 * ci["se"], float(konv) + 1.96 * ci["se"]
        low, high = max(25.0, low), min(100.0, high)
        crossed = [
            str(t) for t in MUTU_THRESHOLDS if round_half_up(low, 2) < t <= round_half_up(high, 2)
        ]
        tambahan.update(
            ikm_konversi_ci95=[low, high],
            mutu_certain=not crossed,
            thresholds_crossed=crossed,
            mutu_range=sorted({classify(low).mutu, classify(high).mutu}),
            display={"ci_low": _s(low, 2), "ci_high": _s(high, 2), "se": _s(ci["se"], 2)},
        )
    else:
        tambahan.update(
            ikm_konversi_ci95=None, mutu_certain=None, thresholds_crossed=[], display={}
        )
    result["analisis_tambahan"] = tambahan
    return result
