"""The fonts shipped with the package: the only fonts Typst and matplotlib are given."""

from __future__ import annotations

from pathlib import Path

#: Noto Sans and Liberation Mono (OFL; see fonts/README.md)
FONTS_DIR = Path(__file__).resolve().parent / "fonts"
