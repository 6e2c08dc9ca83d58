"""Snakemake shim: render a notebook to PDF, DOCX and HTML (rules render_laporan, render_tindak_lanjut).

Every named input except the notebook and the logo (the cover reads it through the settings)
becomes the notebook parameter `<name>_path` (an empty string when an optional input is absent).
"""

from pathlib import Path

from skm.audit.provenance import document_epoch
from skm.contracts import read_settings
from skm.io import read_json
from skm.render import render_qmd
from skm.report.laporan import cover_metadata
from skm.shim import render_timings, step

snakemake = globals()["snakemake"]


def as_path(value) -> str:
    """One path (an optional input arrives as a list of zero or one)."""
    if not isinstance(value, str):
        value = value[0] if len(value) else ""
    return str(Path(value).resolve()) if value else ""


with step(snakemake.log[0]) as log:
    inp = snakemake.input
    settings = read_settings(inp.settings)
    params = {f"{k}_path": as_path(v) for k, v in inp.items() if k not in ("notebook", "logo")}
    timings = render_qmd(
        Path(inp.notebook),
        {fmt: Path(snakemake.output[fmt]) for fmt in ("pdf", "docx", "html")},
        params,
        source_date_epoch=document_epoch(settings),
        metadata=cover_metadata(
            settings, snakemake.params.title, read_json(inp.tl) if hasattr(inp, "tl") else None
        ),
    )
    if timings.get("missing_glyphs"):
        log.warning(
            "Karakter yang tidak ada di font, tampil sebagai kotak di PDF: %s. Ganti "
            "karakter itu di data atau YAML.",
            timings["missing_glyphs"],
        )
    log.info("%s", render_timings(timings))
