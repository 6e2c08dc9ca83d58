"""Unit folder names: which names the workflow accepts, and a rename hint for the others.

A unit's folder name becomes part of every path, file name and Snakemake wildcard of that unit,
so it is restricted to ASCII letters, digits and ``_ . -`` (not starting with one of the three
marks), and ``rekap`` is reserved for the recap across units. A folder outside the pattern fails
that unit only; the recap and the run summary list it with the name to rename it to.
"""

from __future__ import annotations

import re
import unicodedata

UNIT_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
RESERVED = ("rekap",)
WILDCARD_PATTERN = rf"(?!(?:{'|'.join(RESERVED)})$){UNIT_PATTERN}"

_UNIT_RE = re.compile(UNIT_PATTERN)


def name_problem(name: str) -> str | None:
    """None for a usable unit folder name, else why it is not usable (Indonesian)."""
    if name in RESERVED:
        return f"nama '{name}' dipakai untuk rekap antarunit"
    if _UNIT_RE.fullmatch(name):
        return None
    bad = sorted({c for c in name if not re.fullmatch(r"[A-Za-z0-9_.-]", c)})
    if bad:
        shown = ", ".join("spasi" if c == " " else repr(c) for c in bad)
        return f"nama folder memuat karakter yang tidak diizinkan ({shown})"
    return "nama folder harus diawali huruf atau angka"


def suggest_name(name: str) -> str:
    """A usable folder name close to `name`: accents dropped, other marks become '-'."""
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", ascii_only.strip().lower())
    slug = re.sub(r"-{2,}", "-", slug).strip("-_.")
    if not slug:
        slug = "unit"
    if slug in RESERVED:
        slug += "-unit"
    return slug


def rename_hint(name: str) -> str | None:
    """The full message for an unusable unit folder `name` (None when the name is usable)."""
    why = name_problem(name)
    if why is None:
        return None
    return (
        f"folder unit '{name}' tidak diolah: {why}. Nama folder unit hanya boleh berisi "
        "huruf A-Z/a-z, angka, garis bawah, titik dan tanda hubung, diawali huruf atau "
        f"angka, dan bukan 'rekap'. Ganti nama foldernya, misalnya menjadi "
        f"'{suggest_name(name)}', lalu jalankan lagi."
    )
