"""Per-file checks: one export's rows validated (`RawResponses`), timestamps parsed and placed in
the period (the day/month order settled), answers checked; each problem becomes a line of
rejected.csv (`problem_frame`), and the rows become integer arrays (`Part`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from skm import numfmt
from skm.domain import UNSUR_CODES
from skm.errors import SkmInputError
from skm.ingest.arrays import factorize, string_array
from skm.ingest.export import Export
from skm.ingest.fields import CATEGORY_FIELDS
from skm.ingest.settings import OPTIONAL_FIELDS
from skm.ingest.timestamps import (
    EXAMPLES,
    TimestampColumn,
    order_text,
    parse_timestamps,
)
from skm.ingest.values import Answers, Context, answer_keys, category_ids, saran_ids
from skm.scoring.tables import MAPPED_FIELDS, RawResponses


@dataclass
class Part:
    """One export after normalisation: integer arrays, one entry per non-blank row."""

    arrays: dict[str, np.ndarray]
    problems: list[pd.DataFrame]
    info: dict[str, Any]


def problem_frame(
    file_no: int,
    rows: np.ndarray,
    order: int | np.ndarray,
    column: str,
    values: Iterable[str] | str,
    code: str,
    reasons: Iterable[str] | str,
) -> pd.DataFrame:
    count = len(rows)
    return pd.DataFrame(
        {
            "file_no": np.full(count, file_no, dtype=np.int64),
            "raw_row": np.asarray(rows, dtype=np.int64),
            "order": np.broadcast_to(np.asarray(order, dtype=np.int64), (count,)),
            "column": [column] * count,
            "value": [values] * count if isinstance(values, str) else list(values),
            "reason_code": [code] * count,
            "reason": [reasons] * count if isinstance(reasons, str) else list(reasons),
        }
    )


def _blank_text(series: pd.Series) -> np.ndarray:
    return series.fillna("").str.strip().eq("").to_numpy(dtype=bool)


def text_rows(values: pa.ChunkedArray, rows: np.ndarray) -> pd.Series:
    """The cells of `rows` (positions in `values`) as a text Series (missing cells NaN)."""
    return pd.Series(string_array(values.take(pa.array(rows, pa.int64()))))


_ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


def _order_note(stamps: TimestampColumn) -> str:
    """How the dates of a file were read, for the out-of-period reason."""
    if stamps.date_order is None:
        return "format tanggal tidak ambigu"
    basis = {
        "data": "disimpulkan dari data",
        "rows": "disimpulkan dari urutan baris",
        "same": "kedua urutan memberi semester, triwulan dan periode yang sama",
        "setting": "menurut pengaturan date_order",
    }.get(stamps.basis, stamps.basis)
    return f"tanggal dibaca {order_text(stamps.date_order)}, {basis}"


def _placing(local: np.ndarray, ctx: Context) -> tuple[np.ndarray, np.ndarray]:
    """Triwulan (1..4) and in-period flag of local times."""
    quarter = local.astype("datetime64[M]").view(np.int64) % 12 // 3 + 1
    days = local.astype("datetime64[D]")
    return quarter, (days >= ctx.start) & (days <= ctx.end)


def _settle_order(
    stamps: TimestampColumn,
    ts_raw: pa.ChunkedArray,
    rows: np.ndarray,
    export: Export,
    ctx: Context,
) -> TimestampColumn:
    """A column whose day/month order neither its values, its row order nor a setting decide:
    read day first when both readings put every row in the same triwulan (hence semester)
    and on the same side of the period; otherwise stop the unit, showing a row read both ways
    and naming the setting that decides."""
    day, month = stamps.local, stamps.alternative
    both = ~np.isnat(day) & ~np.isnat(month)
    quarter_d, inside_d = _placing(day, ctx)
    quarter_m, inside_m = _placing(month, ctx)
    differs = both & ((quarter_d != quarter_m) | (inside_d != inside_m))
    if not differs.any():
        rule = (
            "tidak ada nilai > 12 dan urutan baris tidak menentukan, tetapi kedua urutan "
            "(hari/bulan dan bulan/hari) menempatkan setiap baris pada semester, triwulan "
            "dan periode yang sama; dibaca hari/bulan"
        )
        return replace(
            stamps, date_order="day_first", alternative=None, basis="same", date_order_rule=rule
        )
    i = int(np.flatnonzero(differs)[0])
    text = " ".join(str(text_rows(ts_raw, np.asarray([i])).iloc[0]).split())

    def reading(local: np.ndarray, quarter: np.ndarray, inside: np.ndarray, order: str) -> str:
        day_value = local[i].astype("datetime64[D]").item()
        semester = 1 if quarter[i] <= 2 else 2
        where = "dalam" if inside[i] else "di luar"
        return (
            f"dibaca {order_text(order)}: {numfmt.tanggal(day_value)} (semester "
            f"{_ROMAN[semester]}, triwulan {_ROMAN[int(quarter[i])]}, {where} periode "
            "survei)"
        )

    raise SkmInputError(
        "urutan hari/bulan stempel waktu tidak dapat ditentukan: tidak ada nilai dengan hari "
        "> 12, dan urutan baris tidak menyingkirkan salah satu bacaan. Kedua bacaan memberi "
        f"hasil berbeda, misalnya baris {int(rows[i])} ('{text}') "
        f"{reading(day, quarter_d, inside_d, 'day_first')}, sedangkan "
        f"{reading(month, quarter_m, inside_m, 'month_first')}. Tetapkan urutannya dengan "
        "menambahkan baris `date_order: month_first` (bulan/hari, seperti ekspor berbahasa "
        "Inggris AS) atau `date_order: day_first` (hari/bulan) ke survei.yaml tahun ini (atau "
        "ke unit.yaml untuk semua tahun), lalu jalankan lagi. (Ambiguous day/month order.)",
        file=str(export.path),
        column=export.headers["timestamp"],
    )


def process_export(export: Export, file_no: int, ctx: Context) -> Part:
    columns, rows, n = export.columns, export.raw_rows, len(export.raw_rows)
    # Dictionary-encode the answer, category and suggestion columns on the worker threads
    # while this one validates the raw table and parses the timestamps.
    encoded = {
        name: ctx.run(factorize, columns.get(name), n)
        for name in ("saran", *CATEGORY_FIELDS, *UNSUR_CODES)
    }
    RawResponses.validate(_raw_view(export), lazy=True, inplace=True)

    ts_raw = columns["timestamp"]
    stamps = parse_timestamps(
        ts_raw,
        utc_offset_hours=ctx.offset,
        date_order=ctx.date_order,
        date_order_source=ctx.date_order_source,
        rows=rows,
        file=str(export.path),
        column=export.headers["timestamp"],
        excel_datetime=export.excel_datetime,
    )
    if stamps.ambiguous:
        stamps = _settle_order(stamps, ts_raw, rows, export, ctx)
    for name in OPTIONAL_FIELDS:
        if name not in export.headers and name not in ctx.not_asked:
            ctx.missing.setdefault(name, []).append(export.name)
    local = stamps.local
    ok = stamps.ok
    bad = np.flatnonzero(~ok)
    ts_blank = np.zeros(n, dtype=bool)
    ts_key = local.astype(np.int64)
    if len(bad):
        raw_bad = text_rows(ts_raw, bad)
        ts_blank[bad] = _blank_text(raw_bad)
        stripped = [" ".join(str(v).split()) for v in raw_bad.fillna("")]
        ts_key[bad] = [
            -1 - ctx.unreadable_ids.setdefault(t, len(ctx.unreadable_ids)) for t in stripped
        ]

    arrays: dict[str, np.ndarray] = {"ts_key": ts_key}
    answers: dict[str, Answers] = {}
    for code in UNSUR_CODES:
        answers[code] = answer_keys(encoded[code].result(), code, ctx)
        arrays[code] = answers[code].keys
    for name in CATEGORY_FIELDS:
        arrays[name] = category_ids(encoded[name].result(), name, ctx)
    arrays["saran"] = saran_ids(encoded["saran"].result(), ctx)

    # A row is blank when every field is; only a row with a blank timestamp can be.
    keep: np.ndarray | None = None  # None: every row kept
    if ts_blank.any():
        blank = ts_blank.copy()
        for name in (*UNSUR_CODES, *CATEGORY_FIELDS, "saran"):
            blank &= (arrays[name] == 0) if name in UNSUR_CODES else (arrays[name] < 0)
        keep = np.flatnonzero(~blank)
    if n == 0 or (keep is not None and len(keep) == 0):
        raise SkmInputError(
            "hanya berisi baris judul kolom, tidak ada baris jawaban; unduh ulang hasil "
            "ekspor setelah ada responden, atau keluarkan file ini dari folder. "
            "(Header only, no data rows.)",
            file=str(export.path),
        )
    if keep is not None and len(keep) < n:
        arrays = {key: values[keep] for key, values in arrays.items()}
        local, ok, ts_blank, rows = local[keep], ok[keep], ts_blank[keep], rows[keep]
    else:
        keep = None
    count = len(rows)

    def position(kept: np.ndarray) -> np.ndarray:
        """Positions in the export of rows numbered among the kept ones."""
        return kept if keep is None else keep[kept]

    arrays.update(file_no=np.full(count, file_no, dtype=np.int32), raw_row=rows, local=local)

    problems: list[pd.DataFrame] = []
    header = export.headers["timestamp"]
    bad = np.flatnonzero(~ok)
    if len(bad):
        raw_bad = text_rows(ts_raw, position(bad)).fillna("")
        texts = [
            "Stempel waktu kosong"
            if blank_cell
            else f"Stempel waktu '{' '.join(str(v).split())}' tidak dapat dibaca "
            f"(format yang dikenali: {EXAMPLES})"
            for v, blank_cell in zip(raw_bad, ts_blank[bad], strict=True)
        ]
        problems.append(
            problem_frame(
                file_no, rows[bad], 0, header, raw_bad.astype(str), "timestamp_unparseable", texts
            )
        )
    days = local.astype("datetime64[D]")
    before = ok & (days < ctx.start)
    after = ok & (days > ctx.end)
    out_of_period = before | after
    out = np.flatnonzero(out_of_period)
    if len(out):
        day_codes, day_uniques = pd.factorize(days[out])
        note = _order_note(stamps)
        side = np.where(
            before[out], f" (sebelum awal periode; {note})", f" (setelah akhir periode; {note})"
        ).astype(object)
        day_text = np.asarray(
            [
                f"Stempel waktu {str(d)[:10]} di luar periode survei {ctx.period_text}"
                for d in day_uniques
            ],
            dtype=object,
        )
        problems.append(
            problem_frame(
                file_no,
                rows[out],
                0,
                header,
                text_rows(ts_raw, position(out)).fillna("").astype(str),
                "timestamp_out_of_period",
                day_text[day_codes] + side,
            )
        )
    # Keys are 0 (blank), 1..4 (score) or >= 5 (invalid): the largest key of a row tells
    # whether it answered anything and whether any answer is invalid.
    top = arrays[UNSUR_CODES[0]].copy()
    for code in UNSUR_CODES[1:]:
        np.maximum(top, arrays[code], out=top)
    answered = top > 0
    any_invalid = top >= 5
    if any_invalid.any():
        for order, code in enumerate(UNSUR_CODES, start=1):
            invalid = np.flatnonzero(arrays[code] >= 5)
            if len(invalid):
                entry = answers[code]
                problems.append(
                    problem_frame(
                        file_no,
                        rows[invalid],
                        order,
                        export.headers[code],
                        entry.texts(position(invalid)),
                        "answer_invalid",
                        entry.reasons[entry.codes[position(invalid)]],
                    )
                )
    none = np.flatnonzero(~answered)
    if len(none):
        problems.append(
            problem_frame(
                file_no,
                rows[none],
                10,
                "",
                "",
                "no_answers",
                "Tidak ada satu pun unsur (U1–U9) yang dijawab",
            )
        )
    arrays["invalid"] = ~ok | ~answered | any_invalid
    arrays["out_of_period"] = out_of_period

    info = {
        "file": export.name,
        "rows": count,
        "blank_rows": int(n - count),
        **export.info,
        "timestamp_style": stamps.style,
        "date_order": stamps.date_order,
        "date_order_rule": stamps.date_order_rule,
        "columns": dict(export.headers),
    }
    return Part(arrays=arrays, problems=problems, info=info)


def _raw_view(export: Export) -> pd.DataFrame:
    """The export in the `RawResponses` shape (absent optional fields as empty columns)."""
    n = len(export.raw_rows)
    data: dict[str, Any] = {
        "file": string_array(pa.repeat(export.name, n)),
        "raw_row": export.raw_rows,
    }
    for name in MAPPED_FIELDS:
        values = export.columns.get(name)
        data[name] = string_array(values if values is not None else pa.nulls(n, pa.large_string()))
    return pd.DataFrame(data, copy=False)
