"""Snakemake shim: render the annual Laporan SKM to PDF, DOCX and HTML (rule render_laporan)."""

from pathlib import Path

from skm.io import read_json
from skm.provenance import document_epoch
from skm.render import render_qmd
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    inp = snakemake.input
    settings = read_json(inp.settings)
    params = {"ikm_json": inp.ikm, "quality_json": inp.quality, "settings_json": inp.settings,
              "responses_csv": inp.responses, "rejected_csv": inp.rejected,
              "provenance_json": inp.provenance, "figdir": inp.figdir}
    params = {k: str(Path(v).resolve()) for k, v in params.items()}
    timings = render_qmd(
        Path(inp.notebook),
        {"pdf": Path(snakemake.output.pdf), "docx": Path(snakemake.output.docx),
         "html": Path(snakemake.output.html)},
        params,
        source_date_epoch=document_epoch(settings),
    )
    log.info("rendered in %s", {k: round(v, 2) for k, v in timings.items()
                                 if isinstance(v, float)})
