"""Rendering: Quarto-format notebooks to PDF (Typst), DOCX and HTML without the Quarto CLI."""
