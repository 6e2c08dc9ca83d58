"""Typst source to PDF (the ``typst`` wheel), with the shipped fonts only and the render's own
folder as the root: no document can read a file outside it."""

from __future__ import annotations

import functools
import logging
import re
from pathlib import Path
from typing import Any

from skm.render.errors import RenderError
from skm.render.fonts import FONTS_DIR, MISSING_GLYPH, replace_missing_glyphs

__all__ = ["compile_typst", "typst_to_pdf"]

log = logging.getLogger(__name__)

# Typst warnings known to be harmless (matched against the warning message).
HARMLESS_TYPST_WARNINGS: tuple[re.Pattern[str], ...] = ()


def typst_to_pdf(typ_path: Path, logo: Path | None, epoch: int, qmd: Path) -> tuple[bytes, dict]:
    """The PDF of ``typ_path``, characters no shipped font covers replaced by a visible square
    (``MISSING_GLYPH``). Returns the PDF and those characters with their counts."""
    source, missing = replace_missing_glyphs(typ_path.read_text(encoding="utf-8"))
    if missing:
        log.warning(
            "%s: %d character(s) not covered by the shipped fonts, shown as %s: %s",
            qmd,
            sum(missing.values()),
            MISSING_GLYPH,
            " ".join(f"U+{ord(c):04X}" for c in missing),
        )
    typ_path.write_text(source, encoding="utf-8")
    return compile_typst(typ_path, logo, epoch, qmd), missing


@functools.lru_cache(maxsize=1)
def _typst_fonts() -> Any:
    import typst

    return typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONTS_DIR)]
    )


def compile_typst(typ_path: Path, logo: Path | None, epoch: int, qmd: Path) -> bytes:
    import typst

    # The root is the render's own folder: no document can read a file outside it (the logo
    # and every image are copied in, fonts come from the shipped set).
    inputs = {"skm-logo": logo.name} if logo is not None else {}
    try:
        pdf, warnings = typst.compile_with_warnings(
            str(typ_path),
            root=str(typ_path.parent),
            font_paths=_typst_fonts(),
            ignore_system_fonts=True,
            sys_inputs=inputs,
            timestamp=epoch,
            format="pdf",
        )
    except typst.TypstError as err:
        raise RenderError(f"{qmd}: typst failed: {_typst_message(err)}") from None
    bad = [
        w
        for w in warnings
        if not any(p.search(getattr(w, "message", str(w))) for p in HARMLESS_TYPST_WARNINGS)
    ]
    if bad:
        raise RenderError(f"{qmd}: typst warned:\n" + "\n".join(_typst_message(w) for w in bad))
    if not isinstance(pdf, bytes):
        raise RenderError(f"{qmd}: typst returned no PDF")
    return pdf


def _typst_message(diag: Any) -> str:
    message = getattr(diag, "message", None) or str(diag)
    detail = getattr(diag, "diagnostic", "") or ""
    hints = getattr(diag, "hints", None) or []
    text = message
    if detail and detail != message:
        text += "\n" + detail[-1500:]
    if hints:
        text += "\n" + "\n".join(f"hint: {h}" for h in hints)
    return text
