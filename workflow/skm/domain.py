"""The regulation's fixed facts (PermenPANRB 14/2017) and its exact arithmetic.

Everything that turns scores into printed values lives here, so there is exactly one place
where rounding happens: `round_half_up` on exact `Fraction`s, before any formatting.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

UNSUR_CODES: tuple[str, ...] = tuple(f"U{i}" for i in range(1, 10))

UNSUR_NAMES: dict[str, str] = {
    "U1": "Persyaratan",
    "U2": "Sistem, Mekanisme, dan Prosedur",
    "U3": "Waktu Penyelesaian",
    "U4": "Biaya/Tarif",
    "U5": "Produk Spesifikasi Jenis Pelayanan",
    "U6": "Kompetensi Pelaksana",
    "U7": "Perilaku Pelaksana",
    "U8": "Penanganan Pengaduan, Saran dan Masukan",
    "U9": "Sarana dan Prasarana",
}

#: Short names for narrative sentences and chart axes.
UNSUR_SHORT: dict[str, str] = {
    "U1": "persyaratan",
    "U2": "prosedur",
    "U3": "waktu penyelesaian",
    "U4": "biaya/tarif",
    "U5": "produk layanan",
    "U6": "kompetensi pelaksana",
    "U7": "perilaku pelaksana",
    "U8": "penanganan pengaduan",
    "U9": "sarana dan prasarana",
}

#: The respondent-profile questions of an export (mapped fields, the demografi of ikm.json).
DEMOGRAPHIC_FIELDS: tuple[str, ...] = ("jenis_kelamin", "usia", "pendidikan", "pekerjaan")

#: The respondent-profile fields of ikm.json's `demografi`, with their Indonesian names in
#: lower case (figures print them so, the workbook capitalised, the laporan in title case).
PROFILE_FIELDS: dict[str, str] = {
    "jenis_kelamin": "jenis kelamin",
    "usia": "usia",
    "pendidikan": "pendidikan",
    "pekerjaan": "pekerjaan",
    "layanan": "jenis layanan",
}

#: The standard answer labels per unsur, for scores 1, 2, 3, 4.
DEFAULT_LABELS: dict[str, tuple[str, str, str, str]] = {
    "U1": ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    "U2": ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
    "U3": ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
    "U4": ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
    "U5": ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    "U6": ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
    "U7": (
        "Tidak sopan dan ramah",
        "Kurang sopan dan ramah",
        "Sopan dan ramah",
        "Sangat sopan dan ramah",
    ),
    "U8": (
        "Tidak ada",
        "Ada tetapi tidak berfungsi",
        "Berfungsi kurang maksimal",
        "Dikelola dengan baik",
    ),
    "U9": ("Buruk", "Cukup", "Baik", "Sangat baik"),
}

WEIGHT = Fraction(1, 9)
KONVERSI = 25

TWO_PLACES = Decimal("0.01")


@dataclass(frozen=True)
class Band:
    """One row of the regulation's category table, on the konversi scale (printed values)."""

    mutu: str
    kinerja: str
    low: Decimal
    high: Decimal


BANDS: tuple[Band, ...] = (
    Band("D", "Tidak baik", Decimal("25.00"), Decimal("64.99")),
    Band("C", "Kurang baik", Decimal("65.00"), Decimal("76.60")),
    Band("B", "Baik", Decimal("76.61"), Decimal("88.30")),
    Band("A", "Sangat baik", Decimal("88.31"), Decimal("100.00")),
)

#: The regulation's nilai persepsi (1..4) and nilai interval (NI, on the 1..4 scale) per mutu,
#: as printed in PermenPANRB 14/2017 (its own decimals: 2,5996, 3,064, 3,0644, 3,5324 ...).
NILAI_PERSEPSI: dict[str, int] = {"D": 1, "C": 2, "B": 3, "A": 4}
NILAI_INTERVAL: dict[str, tuple[Decimal, Decimal]] = {
    "D": (Decimal("1.00"), Decimal("2.5996")),
    "C": (Decimal("2.60"), Decimal("3.064")),
    "B": (Decimal("3.0644"), Decimal("3.532")),
    "A": (Decimal("3.5324"), Decimal("4.00")),
}

#: The legacy weight some older reports used (0,11 instead of 1/9): reconciliation only.
LEGACY_WEIGHT = Fraction(11, 100)

#: Lower edges of C, B and A: an interval crossing one of these leaves the mutu uncertain.
MUTU_THRESHOLDS: tuple[Decimal, ...] = tuple(b.low for b in BANDS[1:])


def to_fraction(value: Fraction | float | str | Decimal) -> Fraction:
    """Return `value` as an exact Fraction (floats via their shortest repr, not binary)."""
    if isinstance(value, Fraction):
        return value
    if isinstance(value, float):
        return Fraction(Decimal(repr(value)))
    return Fraction(value)


def round_half_up(value: Fraction | float | str | Decimal, places: int = 2) -> Decimal:
    """Round exactly, half away from zero for positives (the regulation's printed values).

    This is the one rounding step of the pipeline: Babel and `round()` round half to even.
    """
    frac = to_fraction(value)
    quantum = Decimal(1).scaleb(-places)
    # Exact decimal expansion is not always finite; scale, floor and compare instead.
    scaled = frac * 10**places
    floor = scaled.numerator // scaled.denominator
    remainder = scaled - floor
    rounded = floor + (1 if remainder >= Fraction(1, 2) else 0)
    return (Decimal(rounded) * quantum).quantize(quantum, rounding=ROUND_HALF_UP)


def classify(konversi: Fraction | float | str | Decimal) -> Band:
    """Classify a konversi value (25..100) by its printed two-decimal value."""
    printed = round_half_up(konversi, 2)
    for band in BANDS:
        if band.low <= printed <= band.high:
            return band
    raise ValueError(f"konversi {printed} is outside 25,00..100,00")


def krejcie_morgan(population: int) -> int:
    """Minimum sample for `population` (Krejcie & Morgan 1970), nearest integer as the table."""
    if population < 1:
        raise ValueError("population must be at least 1")
    chi2, p, d = Fraction("3.841"), Fraction(1, 2), Fraction("0.05")
    s = chi2 * population * p * (1 - p) / (d * d * (population - 1) + chi2 * p * (1 - p))
    return int(round_half_up(s, 0))
