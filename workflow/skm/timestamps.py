"""Parse the timestamp column of a Google Form export into local times of the unit's zone.

Recognised forms (see DOMAIN.md, "Periods and time"):

- ``forms``: the Forms CSV download, ``2023/02/13 9:14:31 AM GMT+8``; it carries an offset and
  is converted to the unit's zone;
- ``sheets``: a Google Sheets export, ``13/02/2023 9:14:31`` (Indonesian locale, day first) or
  ``2/13/2023 9:14:31`` (month first); no offset: already local;
- ``iso``: ``2023-02-13 09:14:31`` (optionally with ``T``, an offset or ``Z``);
- ``excel-datetime``: a real date-time cell of an xlsx file (naive local time); the xlsx reader
  passes those as ISO text and tells `parse_timestamps` through `excel_datetime`.

Day/month order of the ``sheets`` form is decided once per column from the values; when the
column cannot tell, the unit's setting decides. Parsing is vectorised: the distinct values are
matched with one RE2 pattern through pyarrow and the arithmetic is done with numpy.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from skm.errors import SkmInputError

STYLES: tuple[str, ...] = ("forms", "sheets", "iso", "excel-datetime")
DATE_ORDERS: tuple[str, ...] = ("day_first", "month_first")

MONTHS_ID: tuple[str, ...] = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)

#: Examples quoted in rejection reasons.
EXAMPLES = "2023/02/13 9:14:31 AM GMT+8, 13/02/2023 9:14:31 atau 2023-02-13 09:14:31"

_ZONE_HOURS = {"wib": 7, "wita": 8, "wit": 9}

# RE2 syntax (pyarrow). Every capturing group is named; absent groups come back as "".
PATTERN = (
    r"(?i)^\s*(?:"
    r"(?P<y1>\d{4})(?P<s1>[-/.])(?P<m1>\d{1,2})[-/.](?P<d1>\d{1,2})"
    r"|(?P<a>\d{1,2})[-/.](?P<b>\d{1,2})[-/.](?P<y2>\d{4}))"
    r"(?:(?:T|\s+|,\s*)(?P<hh>\d{1,2})[:.](?P<mi>\d{2})(?:[:.](?P<ss>\d{2})(?:[.,]\d+)?)?)?"
    r"\s*(?:(?P<ap>[ap])\.?m\.?)?"
    r"\s*(?:(?P<z>z)"
    r"|(?:gmt|utc)?\s*(?P<tzs>[+-])(?P<tzh>\d{1,2})(?::?(?P<tzm>\d{2}))?"
    r"|(?P<gmt>gmt|utc)"
    r"|(?P<zone>wita|wib|wit))?\s*$"
)

_INT_GROUPS = ("y1", "m1", "d1", "a", "b", "y2", "hh", "mi", "ss", "tzh", "tzm")
_TEXT_GROUPS = ("s1", "ap", "z", "tzs", "gmt", "zone")


@dataclass(frozen=True)
class TimestampColumn:
    """A parsed timestamp column.

    `local` holds naive local times of the unit's zone (``datetime64[s]``, NaT where the value
    could not be read); `style` is the dominant style of the readable values (None if none);
    `date_order` is the day/month order used for ``sheets`` values (None when the column has
    none, since year-first forms are not ambiguous) and `date_order_rule` says in Indonesian
    how it was decided.
    """

    local: np.ndarray
    style: str | None
    date_order: str | None
    date_order_rule: str

    @property
    def ok(self) -> np.ndarray:
        """Boolean mask of readable values."""
        return ~np.isnat(self.local)


def offset_text(utc_offset_hours: int) -> str:
    """ISO 8601 offset text, e.g. 8 -> ``+08:00``."""
    sign = "+" if utc_offset_hours >= 0 else "-"
    return f"{sign}{abs(int(utc_offset_hours)):02d}:00"


def format_date_id(day: dt.date) -> str:
    """An Indonesian long date, e.g. ``1 Februari 2023``."""
    return f"{day.day} {MONTHS_ID[day.month - 1]} {day.year}"


def _ints(struct: pa.StructArray, name: str) -> np.ndarray:
    field = struct.field(name)
    field = pc.if_else(pc.equal(field, ""), pa.scalar(None, pa.string()), field)
    return pc.fill_null(pc.cast(field, pa.int64()), -1).to_numpy(zero_copy_only=False)


def _texts(struct: pa.StructArray, name: str) -> np.ndarray:
    field = pc.utf8_lower(pc.fill_null(struct.field(name), ""))
    return np.asarray(field.to_numpy(zero_copy_only=False), dtype=object)


def _rule_sentence(kind: str, setting: str) -> str:
    order_id = "hari/bulan" if setting == "day_first" else "bulan/hari"
    return {
        "day": "urutan hari/bulan disimpulkan dari data (ada nilai pertama > 12)",
        "month": "urutan bulan/hari disimpulkan dari data (ada nilai kedua > 12)",
        "setting": f"kolom ambigu (tidak ada nilai > 12); mengikuti pengaturan {setting} "
        f"({order_id})",
        "none": "format tahun-bulan-tanggal tidak ambigu; pengaturan date_order tidak dipakai",
    }[kind]


def _examples(rows: np.ndarray, values: np.ndarray, mask_rows: np.ndarray, k: int = 3) -> str:
    idx = np.flatnonzero(mask_rows)[:k]
    return ", ".join(f"baris {rows[i]} ('{values[i]}')" for i in idx)


def parse_timestamps(
    values: Sequence[str | None] | pd.Series | np.ndarray,
    *,
    utc_offset_hours: int,
    date_order: str = "day_first",
    rows: Sequence[int] | np.ndarray | None = None,
    file: str | None = None,
    column: str | None = None,
    excel_datetime: np.ndarray | None = None,
) -> TimestampColumn:
    """Parse one export's timestamp column into naive local times of the unit's zone.

    `values` are the raw cells (None/NaN/blank are unreadable). Values carrying an offset are
    converted to `utc_offset_hours`; values without one are taken as local already.
    `date_order` decides ambiguous ``sheets`` columns. A column whose values need both orders
    raises SkmInputError naming `file`, `column` and example `rows` (spreadsheet row numbers).
    `excel_datetime` marks cells that were real xlsx date-times (for the reported style).
    """
    if date_order not in DATE_ORDERS:
        raise ValueError(f"date_order must be one of {DATE_ORDERS}, not {date_order!r}")
    series = pd.Series(values, dtype="str") if not isinstance(values, pd.Series) else values
    series = series.astype("str")
    n = len(series)
    codes, uniques = pd.factorize(series, use_na_sentinel=True)
    u = len(uniques)
    local_u = np.full(u, np.datetime64("NaT"), dtype="datetime64[s]")
    style_u = np.full(u, -1, dtype=np.int8)
    sheets_u = np.zeros(u, dtype=bool)
    order_used: str | None = None
    rule = _rule_sentence("none", date_order)

    if u:
        struct = pc.extract_regex(pa.array(np.asarray(uniques, dtype=object), pa.string()),
                                  PATTERN)
        matched = struct.is_valid().to_numpy(zero_copy_only=False)
        g = {name: _ints(struct, name) for name in _INT_GROUPS}
        t = {name: _texts(struct, name) for name in _TEXT_GROUPS}
        year_first = matched & (g["y1"] >= 0)
        sheets_u = matched & (g["a"] >= 0)

        a, b = g["a"], g["b"]
        day_ev = sheets_u & (a > 12) & (b <= 12)
        month_ev = sheets_u & (b > 12) & (a <= 12)
        if day_ev.any() and month_ev.any():
            _raise_contradiction(codes, series, rows, day_ev, month_ev, file, column)
        if sheets_u.any():
            if day_ev.any():
                order_used, rule = "day_first", _rule_sentence("day", date_order)
            elif month_ev.any():
                order_used, rule = "month_first", _rule_sentence("month", date_order)
            else:
                order_used, rule = date_order, _rule_sentence("setting", date_order)

        day_first = order_used != "month_first"
        year = np.where(year_first, g["y1"], g["y2"])
        month = np.where(year_first, g["m1"], b if day_first else a)
        day = np.where(year_first, g["d1"], a if day_first else b)
        hour, minute, second = g["hh"], g["mi"], g["ss"]
        has_time = hour >= 0
        hour = np.where(has_time, hour, 0)
        minute = np.where(has_time, minute, 0)
        second = np.where(second >= 0, second, 0)
        ap = t["ap"]
        is_pm, is_am = ap == "p", ap == "a"
        twelve = is_pm | is_am
        time_ok = np.where(twelve, (hour >= 1) & (hour <= 12) & has_time, hour <= 23)
        time_ok &= (minute <= 59) & (second <= 59)
        hour = np.where(is_pm & (hour < 12), hour + 12, np.where(is_am & (hour == 12), 0, hour))

        tz_sign = np.where(t["tzs"] == "-", -1, 1)
        tz_minutes = tz_sign * (np.where(g["tzh"] >= 0, g["tzh"], 0) * 60
                                + np.where(g["tzm"] >= 0, g["tzm"], 0))
        has_offset = (g["tzh"] >= 0) | (t["z"] != "") | (t["gmt"] != "")
        zone = t["zone"]
        for name, hours in _ZONE_HOURS.items():
            hit = zone == name
            tz_minutes = np.where(hit, hours * 60, tz_minutes)
            has_offset |= hit
        tz_ok = (np.abs(tz_minutes) <= 14 * 60) & (np.where(g["tzm"] >= 0, g["tzm"], 0) < 60)

        date_ok = (year >= 1900) & (year <= 2200) & (month >= 1) & (month <= 12) & (day >= 1)
        safe_year = np.where(date_ok, year, 1970)
        safe_month = np.where(date_ok, month, 1)
        months = ((safe_year - 1970) * 12 + (safe_month - 1)).astype("datetime64[M]")
        first = months.astype("datetime64[D]")
        days_in_month = ((months + 1).astype("datetime64[D]") - first).astype(np.int64)
        date_ok &= day <= days_in_month
        good = matched & date_ok & time_ok & tz_ok
        day_offset = np.where(good, day - 1, 0).astype("timedelta64[D]")
        shift = np.where(has_offset, utc_offset_hours * 60 - tz_minutes, 0)
        seconds = (hour * 3600 + minute * 60 + second + shift * 60).astype("timedelta64[s]")
        stamp = (first + day_offset).astype("datetime64[s]") + seconds
        local_u = np.where(good, stamp, np.datetime64("NaT", "s"))
        style_u = np.select(
            [good & sheets_u, good & year_first & (t["s1"] == "/"), good & year_first],
            [STYLES.index("sheets"), STYLES.index("forms"), STYLES.index("iso")],
            default=-1,
        ).astype(np.int8)
        sheets_u &= good
        if not sheets_u.any():
            order_used, rule = None, _rule_sentence("none", date_order)

    local_u = np.append(local_u, np.datetime64("NaT", "s"))
    style_u = np.append(style_u, np.int8(-1))
    local = local_u[codes]
    style_rows = style_u[codes].astype(np.int64)
    if excel_datetime is not None and n:
        style_rows = np.where(np.asarray(excel_datetime, dtype=bool) & (style_rows >= 0),
                              STYLES.index("excel-datetime"), style_rows)
    counts = np.bincount(style_rows[style_rows >= 0], minlength=len(STYLES))
    style = STYLES[int(np.argmax(counts))] if counts.sum() else None
    return TimestampColumn(local=local, style=style, date_order=order_used, date_order_rule=rule)


def _raise_contradiction(codes, series, rows, day_ev, month_ev, file, column) -> None:
    rows = np.arange(2, len(series) + 2) if rows is None else np.asarray(rows)
    values = np.asarray(series, dtype=object)
    day_rows = np.isin(codes, np.flatnonzero(day_ev))
    month_rows = np.isin(codes, np.flatnonzero(month_ev))
    raise SkmInputError(
        "urutan hari/bulan pada stempel waktu bertentangan dalam satu kolom: "
        f"{_examples(rows, values, day_rows)} hanya masuk akal sebagai hari/bulan, sedangkan "
        f"{_examples(rows, values, month_rows)} hanya masuk akal sebagai bulan/hari. "
        "File ini tampaknya menggabungkan data dengan pengaturan lokal berbeda; seragamkan "
        "format tanggalnya (misalnya unduh ulang dari Google Forms) lalu jalankan lagi. "
        "(Contradictory day/month order in one column.)",
        file=file,
        column=column,
    )


def parse_timestamp(
    text: str, *, utc_offset_hours: int, date_order: str = "day_first"
) -> dt.datetime | None:
    """Parse one value into an aware datetime in the unit's zone (None if unreadable).

    A single value decides its own day/month order when one field is over 12.
    """
    col = parse_timestamps([text], utc_offset_hours=utc_offset_hours, date_order=date_order)
    if not col.ok[0]:
        return None
    naive = col.local[0].astype("datetime64[s]").item()
    return naive.replace(tzinfo=dt.timezone(dt.timedelta(hours=utc_offset_hours)))


def format_local(local: np.ndarray, utc_offset_hours: int) -> np.ndarray:
    """ISO 8601 text with the unit's offset (e.g. ``2023-02-13T09:14:31+08:00``); '' for NaT."""
    local = np.asarray(local, dtype="datetime64[s]")
    if not len(local):
        return np.asarray([], dtype=object)
    arr = pa.array(local, type=pa.timestamp("s"))
    text = pc.strftime(arr, format="%Y-%m-%dT%H:%M:%S" + offset_text(utc_offset_hours))
    return np.asarray(pc.fill_null(text, "").to_numpy(zero_copy_only=False), dtype=object)
