"""Indonesian formatting of values that are already rounded (Babel, locale id_ID).

Rounding is never done here: callers pass values rounded by `skm.domain.round_half_up`
(Babel itself rounds half to even). Passing more decimals than asked for is an error.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction

from babel.dates import format_date
from babel.numbers import format_decimal

from skm.domain import round_half_up

LOCALE = "id_ID"


def _as_decimal(value: Decimal | str | float, places: int) -> Decimal:
    dec = Decimal(str(value)) if not isinstance(value, Decimal) else value
    if dec != dec.quantize(Decimal(1).scaleb(-places)):
        raise ValueError(f"{value!r} has more than {places} decimals: round it first")
    return dec


def angka(value: Decimal | str | float, places: int = 2) -> str:
    """'85,20', '1.234' — a number already rounded to `places` decimals, Indonesian style."""
    dec = _as_decimal(value, places)
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(dec, format=pattern, locale=LOCALE)


def bulat(value: Fraction | float | str | Decimal, places: int = 2) -> str:
    """Round half-up (the pipeline's one rule) and format: `bulat(Fraction(41, 40) * 25)` -> '25,63'."""
    return angka(round_half_up(value, places), places)


def desimal(value: Decimal | str) -> str:
    """A decimal already rounded, printed with its own number of decimals: '3.39' -> '3,39',
    Decimal('2.5996') -> '2,5996', '1234' -> '1.234' (figure labels, the regulation's
    interval table)."""
    dec = Decimal(str(value)) if not isinstance(value, Decimal) else value
    return angka(dec, max(0, -dec.as_tuple().exponent))


def bertanda(value: Decimal | str | float, places: int = 2, *, plus: bool = False) -> str:
    """'−2,08' with a true minus sign (U+2212), '4,17' otherwise: for intervals and changes.

    With `plus`, a positive value carries '+' ('+0,83') and zero none ('0,00'): a difference."""
    dec = _as_decimal(value, places)
    if plus and dec == 0:
        return angka(abs(dec), places)
    text = angka(dec, places)
    if text.startswith("-"):
        return "\u2212" + text[1:]
    return "+" + text if plus else text


def persen(value: Decimal | str | float, places: int = 2) -> str:
    """'71,76%' (Indonesian writes no space before %)."""
    return angka(value, places) + "%"


def persen_bulat(value: Fraction | Decimal | str | float, places: int = 2) -> str:
    """Round half-up once, then print as a percentage: `persen_bulat(Fraction(1, 2) * 100, 0)`
    -> '50%' (the shares of the figures)."""
    return bulat(value, places) + "%"


def tanggal(value: dt.date | str) -> str:
    """'11 Mei 2023'."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return format_date(value, format="d MMMM y", locale=LOCALE)


def bulan_tahun(value: dt.date | str) -> str:
    """'Mei 2023'."""
    if isinstance(value, str):
        value = dt.date.fromisoformat(value[:10])
    return format_date(value, format="MMMM y", locale=LOCALE)


def periode(start: dt.date | str, end: dt.date | str) -> str:
    """'1 Februari 2023 – 30 April 2023'."""
    return f"{tanggal(start)} – {tanggal(end)}"


ROMAN = ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]


def romawi(number: int) -> str:
    """Roman numeral for 1..10 (chapter and quarter numbers)."""
    return ROMAN[number]


_TERBILANG = [
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
]


def terbilang(number: int) -> str:
    """Indonesian words for 0..11 ('sembilan'), digits beyond (as civil servants write '9 (sembilan)')."""
    return _TERBILANG[number] if 0 <= number < len(_TERBILANG) else angka(number, 0)


def daftar(items: list[str], conj: str = "dan") -> str:
    """'a, b, dan c' / 'a dan b' / 'a'."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    if len(items) == 2:
        return f"{items[0]} {conj} {items[1]}"
    return ", ".join(items[:-1]) + f", {conj} {items[-1]}"
