"""The fonts shipped with the package, the only fonts Typst and matplotlib are given, and what
they cannot draw (the PDF shows such a character as a visible square, ``MISSING_GLYPH``)."""

from __future__ import annotations

import functools
import unicodedata
from collections import Counter
from pathlib import Path

__all__ = [
    "FONTS_DIR",
    "MISSING_GLYPH",
    "font_coverage",
    "missing_glyphs",
    "replace_missing_glyphs",
]

#: Noto Sans and Liberation Mono (OFL; see fonts/README.md)
FONTS_DIR = Path(__file__).resolve().parent / "fonts"
MISSING_GLYPH = "\u25a1"  # WHITE SQUARE, covered by the shipped Noto Sans Symbols2


@functools.lru_cache(maxsize=1)
def font_coverage() -> frozenset[int]:
    """Code points covered by at least one of the shipped fonts."""
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for font_path in sorted(FONTS_DIR.glob("*.[ot]tf")):
        with TTFont(font_path, lazy=True) as font:
            covered.update(font.getBestCmap() or {})
    return frozenset(covered)


def _glyph_kind(ch: str, covered: frozenset[int]) -> str:
    """'ok' (drawn by a shipped font), 'invisible' (format character, nothing to draw) or
    'missing' (no shipped font has it: shown as a square in the PDF)."""
    if ord(ch) < 0x80 or ord(ch) in covered:
        return "ok"
    if (
        unicodedata.category(ch) == "Cf"
        or 0xFE00 <= ord(ch) <= 0xFE0F
        or 0xE0100 <= ord(ch) <= 0xE01EF
    ):
        # Invisible format characters (ZWJ, variation selectors): no glyph is drawn.
        return "invisible"
    return "missing"  # including uncovered combining marks (Mn, Me)


def missing_glyphs(text: str) -> dict[str, int]:
    """Characters of ``text`` that no shipped font covers, with their counts (sorted).

    These are the characters the PDF shows as a visible square (``MISSING_GLYPH``); HTML and
    DOCX keep them. Documents use it to tell the reader what the PDF could not draw.
    """
    covered = font_coverage()
    return {
        ch: n for ch, n in sorted(Counter(text).items()) if _glyph_kind(ch, covered) == "missing"
    }


def replace_missing_glyphs(source: str) -> tuple[str, dict[str, int]]:
    """Replace characters no shipped font covers by a visible square; count them."""
    missing = missing_glyphs(source)
    if not missing:
        return source, {}
    table = dict.fromkeys(map(ord, missing), MISSING_GLYPH)
    return source.translate(table), missing
