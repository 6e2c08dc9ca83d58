"""Rendering: Quarto-format notebooks to PDF (Typst), DOCX and HTML without the Quarto CLI.

Modules, in the order a render uses them: ``qmd`` (parsing), ``kernel`` (the Jupyter kernel and
the code run in it), ``assemble`` (one pandoc-markdown document from the executed cells),
``pandoc`` (the HTML, DOCX and Typst passes; ``templates/crossref.lua`` numbers figures and
tables), ``docx`` (finishing the DOCX), ``typst`` (PDF), ``fonts`` (the shipped fonts and what
they cannot draw); ``core`` runs them (:func:`render_qmd`).
"""

from skm.render.core import OUTPUT_FORMATS, render_qmd
from skm.render.errors import RenderError
from skm.render.fonts import FONTS_DIR, MISSING_GLYPH, missing_glyphs, replace_missing_glyphs
from skm.render.kernel import KernelSession
from skm.render.pandoc import PANDOC_FROM, TEMPLATES_DIR
from skm.render.qmd import parse_qmd

__all__ = [
    "FONTS_DIR",
    "MISSING_GLYPH",
    "OUTPUT_FORMATS",
    "PANDOC_FROM",
    "TEMPLATES_DIR",
    "KernelSession",
    "RenderError",
    "missing_glyphs",
    "parse_qmd",
    "render_qmd",
    "replace_missing_glyphs",
]
