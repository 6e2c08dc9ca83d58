"""Working days (hari kerja) of a date range: Monday to Friday minus Indonesia's national
holidays and cuti bersama.

The holidays come from the `holidays` library (country "ID", categories public and government:
the latter holds the cuti bersama of the joint ministerial decrees), pinned in
requirements.lock, so two runs with the same lock give the same count.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import holidays

#: holidays' categories for Indonesia: public = hari libur nasional, government = cuti bersama.
CATEGORIES = ("public", "government")


@dataclass
class HariKerja:
    """Working days of one range, and the weekdays removed because they are holidays."""

    start: dt.date
    end: dt.date
    weekdays: int
    days: int
    removed: list[tuple[dt.date, str]] = field(default_factory=list)


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def hari_kerja(start: dt.date | str, end: dt.date | str) -> HariKerja:
    """Working days from `start` to `end` inclusive (Mon-Fri minus holidays and cuti bersama)."""
    start, end = _as_date(start), _as_date(end)
    if end < start:
        raise ValueError(f"selesai ({end}) lebih awal dari mulai ({start})")
    cal = holidays.country_holidays(
        "ID", years=range(start.year, end.year + 1), categories=CATEGORIES, language="id"
    )
    weekdays, removed = 0, []
    day = start
    while day <= end:
        if day.weekday() < 5:
            weekdays += 1
            if day in cal:
                removed.append((day, "; ".join(sorted(set(cal.get_list(day))))))
        day += dt.timedelta(days=1)
    return HariKerja(start, end, weekdays, weekdays - len(removed), removed)


def years_without_cuti_bersama(start: dt.date | str, end: dt.date | str) -> list[int]:
    """Years of the range for which the library lists no cuti bersama at all (usually a year
    whose joint ministerial decree is not yet in the pinned version): their count may be too
    high, and the document says so."""
    start, end = _as_date(start), _as_date(end)
    missing = []
    for year in range(start.year, end.year + 1):
        cal = holidays.country_holidays("ID", years=year, categories=("government",))
        if not len(cal):
            missing.append(year)
    return missing


def schedule_warnings(schedule: list[dict] | None, source: str | None = "survei.yaml") -> list[str]:
    """A warning (plain Indonesian text) for every schedule row whose typed `hari_kerja`
    disagrees with the calendar count of its `mulai`-`selesai` range. The run log names the
    file (`source`); the document (source None) speaks of the row of Tabel 2.4."""
    out = []
    for i, row in enumerate(schedule or [], 1):
        if not row.get("mulai") or row.get("hari_kerja") is None:
            continue
        days = hari_kerja(row["mulai"], row["selesai"]).days
        if int(row["hari_kerja"]) == days:
            continue
        if source:
            out.append(
                f"{source} (jadwal baris {i}) mencantumkan {row['hari_kerja']} hari "
                f"kerja untuk kegiatan {row['kegiatan']}, sedangkan kalender memberikan "
                f"{days} hari kerja; tabel memuat hasil hitungan kalender. Periksa "
                "tanggal mulai/selesai atau hapus isian hari_kerja."
            )
        else:
            out.append(
                f"Isian jadwal kegiatan {row['kegiatan']} (baris {i} tabel waktu "
                f"pelaksanaan) mencantumkan {row['hari_kerja']} hari kerja, sedangkan "
                f"kalender memberikan {days} hari kerja; tabel memuat hasil hitungan "
                "kalender. Periksa tanggal mulai dan selesai kegiatan tersebut atau "
                "hapus isian jumlah hari kerjanya."
            )
    return out


def version() -> str:
    """The holidays library version (listed in the provenance)."""
    return holidays.__version__
