"""The unit-year's quality figures (quality.json: funnel, reasons, item non-response, how each file
was read, warnings) and the checks that stop a unit although its exports could be read
(`check_enough`)."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pandas as pd

from skm.domain import UNSUR_CODES, round_half_up
from skm.ingest.fields import (
    CATEGORY_FIELDS,
    FIELD_LABELS,
    FUNNEL_PRIORITY,
    quoted,
    thousands,
)
from skm.ingest.result import IngestResult, IngestStopped
from skm.ingest.rows import Part
from skm.ingest.settings import OPTIONAL_FIELDS
from skm.ingest.values import Context, propose_layanan
from skm.scoring.tables import REASON_CODES

#: Above this share of rows rejected as invalid or out of period (duplicates left out), a
#: unit is stopped unless its survei.yaml accepts it (`accept_rejected`).
MAX_REJECTED_SHARE = Fraction(1, 2)
_REASON_TEXT = {
    "timestamp_unparseable": "stempel waktu tidak terbaca",
    "timestamp_out_of_period": "di luar periode survei",
    "answer_invalid": "jawaban tidak sah",
    "no_answers": "tidak ada unsur yang dijawab",
}


def check_enough(result: IngestResult, settings: dict) -> None:
    """Stop the unit when every answer of some unsur, or more than half of the rows read
    (duplicates left out), was rejected, unless survei.yaml's `accept_rejected` allows that
    share (its reason is then recorded in quality.json); the stop carries `result`."""
    q = result.quality
    empty = [code for code in UNSUR_CODES if result.responses[code].notna().sum() == 0]
    funnel = q["funnel"]
    rejected = funnel["tidak_valid"] + funnel["di_luar_periode"]
    read = funnel["diterima"] - funnel["duplikat"]
    share = Fraction(rejected, read) if read else Fraction(0)
    accepted = settings.get("accept_rejected")
    reasons = result.rejected[result.rejected["reason_code"] != "duplicate"]
    rows = reasons.drop_duplicates(["file", "raw_row", "reason_code"])
    top = rows["reason_code"].value_counts().head(3)
    listed = "; ".join(
        f"{_REASON_TEXT.get(code, code)}: {thousands(count)} baris (mis. "
        f"{reasons[reasons['reason_code'] == code]['reason'].iloc[0]})"
        for code, count in top.items()
    )
    if empty:
        raise IngestStopped(
            f"tidak ada jawaban sah untuk unsur {', '.join(empty)} setelah validasi "
            f"({q['n_rejected']} dari {q['n_raw']} baris ditolak; alasan terbanyak: "
            f"{listed or '-'}; daftar lengkapnya di rejected.csv), sehingga IKM tidak dapat "
            "dihitung",
            result,
        )
    if share <= MAX_REJECTED_SHARE:
        return
    percent = str(round_half_up(share * 100, 1)).replace(".", ",")
    if accepted and share <= Fraction(str(accepted["max_share"])):
        q["accept_rejected"] = {
            "share": float(share),
            "max_share": accepted["max_share"],
            "display_pct": str(round_half_up(share * 100, 2)),
            "reason": accepted["reason"],
        }
        q["warnings"].append(
            f"{percent}% baris ditolak (tidak valid atau di luar periode); "
            f"diterima menurut accept_rejected di survei.yaml: "
            f"{accepted['reason']}"
        )
        return
    limit = (
        f"batas accept_rejected.max_share {accepted['max_share']} di survei.yaml"
        if accepted
        else "separuhnya"
    )
    raise IngestStopped(
        f"{thousands(rejected)} dari {thousands(read)} baris yang dibaca ({percent}%, "
        f"duplikat tidak dihitung) ditolak sebagai tidak valid atau di luar periode, lebih dari "
        f"{limit}; laporan dari sebagian kecil data tidak dibuat. Alasan terbanyak: {listed}. "
        "Daftar lengkapnya ada di rejected.csv. Perbaiki penyebabnya (periode survei, pemetaan "
        "kolom, label jawaban, urutan tanggal), atau bila memang disengaja (mis. satu semester "
        "dipotong dari lembar setahun) tambahkan ke survei.yaml: `accept_rejected: {max_share: "
        '0.8, reason: "..."}`. (Too many rows rejected.)',
        result,
    )


def quality_figures(
    cat: dict[str, np.ndarray],
    valid: np.ndarray,
    stage_counts: np.ndarray,
    rejected: pd.DataFrame,
    redacted: int,
    parts: list[Part],
    ctx: Context,
    n_raw: int,
) -> dict:
    n_valid = int(valid.sum())
    stages = dict(zip(FUNNEL_PRIORITY, (int(c) for c in stage_counts), strict=True))
    reason_counts = rejected["reason_code"].value_counts()

    def kept(values: np.ndarray) -> np.ndarray:
        return values if n_valid == len(valid) else values[valid]

    def rows_holding(name: str, ids: set[int]) -> int:
        """Kept rows whose value of `name` is one of `ids`."""
        if not ids:
            return 0
        return int(np.isin(kept(cat[name]), np.fromiter(ids, dtype=np.int64)).sum())

    unmatched: dict[str, dict[str, int]] = {}
    for name in CATEGORY_FIELDS:
        if name not in ctx.checked and name == "layanan":
            continue
        wanted = sorted(ctx.unmatched.get(name, ()))
        if not wanted:
            unmatched[name] = {}
            continue
        ids = kept(cat[name])
        counts = np.bincount(ids[ids >= 0], minlength=len(ctx.value_ids[name]))
        texts = ctx.values(name)
        unmatched[name] = {str(texts[i]): int(counts[i]) for i in wanted if counts[i]}
    return {
        "n_raw": int(n_raw),
        "n_valid": n_valid,
        "n_rejected": int(n_raw - n_valid),
        "funnel": {
            "diterima": int(n_raw),
            "duplikat": stages["duplikat"],
            "di_luar_periode": stages["di_luar_periode"],
            "tidak_valid": stages["tidak_valid"],
            "diolah": n_valid,
        },
        "reason_counts": {code: int(reason_counts.get(code, 0)) for code in REASON_CODES},
        "item_nonresponse": {
            code: int(np.count_nonzero(kept(cat[code]) == 0)) for code in UNSUR_CODES
        },
        "demografi_unmatched": unmatched,
        "saran_redacted": int(redacted),
        "answers_redacted": {
            name: rows_holding(name, ctx.redacted[name]) for name in CATEGORY_FIELDS
        },
        "truncated": {
            name: rows_holding(name, ctx.truncated[name]) for name in (*CATEGORY_FIELDS, "saran")
        },
        "files": [part.info for part in parts],
        "date_order": {"setting": ctx.date_order, "source": ctx.date_order_source},
        "kolom_opsional": _optional_columns(ctx, parts),
        "layanan_ganda": int(
            np.count_nonzero(
                np.isin(kept(cat["layanan"]), [i for i, t in ctx.ticked.items() if len(t) > 1])
            )
        ),
        "warnings": _warnings(ctx, parts, unmatched.get("layanan") or {}),
    }


def _optional_columns(ctx: Context, parts: list[Part]) -> dict[str, str]:
    """Per optional field: "ada" (its column was found in some export), "tidak_ditemukan"
    (in none) or "tidak_ditanyakan" (unit.yaml lists it under `not_asked:`)."""
    out = {}
    for name in OPTIONAL_FIELDS:
        if name in ctx.not_asked:
            out[name] = "tidak_ditanyakan"
        elif len(ctx.missing.get(name, ())) == len(parts):
            out[name] = "tidak_ditemukan"
        else:
            out[name] = "ada"
    return out


def _warnings(ctx: Context, parts: list[Part], layanan_unmatched: dict[str, int]) -> list[str]:
    """The run's warnings: optional columns not found, checkbox-looking layanan cells,
    layanan answers that are none of (and do not cut into) the listed layanan."""
    out = list(ctx.warnings)
    if layanan_unmatched:
        shown = sorted(layanan_unmatched.items(), key=lambda item: (-item[1], item[0]))
        rows = sum(layanan_unmatched.values())
        out.append(
            f"{thousands(rows)} jawaban jenis layanan tidak cocok dengan daftar `layanan:` di "
            f"unit.yaml, juga bila dipotong menjadi beberapa layanan yang dicentang "
            f"({quoted(text for text, _ in shown[:3])}); masing-masing dihitung sebagai "
            "layanan tersendiri sebagaimana diisi. Tambahkan layanan itu ke daftar `layanan:` "
            "bila memang layanan unit, atau periksa ejaannya."
        )
    for name in OPTIONAL_FIELDS:
        files = ctx.missing.get(name)
        if files:
            out.append(
                f"kolom {FIELD_LABELS[name]} tidak ditemukan di {', '.join(files)}; laporan "
                'menulis "kolom tidak ditemukan" di tempat tabelnya. Jika formulir memang '
                f"tidak menanyakannya, tambahkan `not_asked: [{name}]` ke unit.yaml; jika "
                f"judulnya lain, petakan judul itu ke {name} di `columns` unit.yaml."
            )
    if "layanan" not in ctx.checked and ctx.value_ids["layanan"]:
        services, combos = propose_layanan(ctx.value_ids["layanan"])
        if combos:
            out.append(
                "kolom jenis layanan tampaknya pertanyaan kotak centang: "
                f"{quoted(combos[:3])} terdiri atas pilihan yang juga diisi sendiri-sendiri, "
                "tetapi tanpa daftar `layanan:` di unit.yaml setiap gabungan dihitung sebagai "
                "layanan tersendiri. Tambahkan daftar layanan ke unit.yaml, misalnya "
                f"`layanan: [{', '.join(services)}]`."
            )
    return out
