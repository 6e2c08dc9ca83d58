"""Snakemake shim: the unit-year's infographic, A4 PDF and 1080 x 1350 PNG (rule render_infografis)."""

from pathlib import Path

from skm.audit.provenance import document_epoch
from skm.contracts import read_settings
from skm.report.infografis import logo_path, render
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    inp, out = snakemake.input, snakemake.output
    settings = read_settings(inp.settings)
    params = {
        "ikm_path": str(Path(inp.ikm).resolve()),
        "settings_path": str(Path(inp.settings).resolve()),
        "tren_path": str(Path(inp.tren).resolve()),
        "rtl_path": str(Path(inp.rtl[0]).resolve()) if inp.rtl else "",
    }
    timings = render(
        Path(inp.notebook),
        params,
        {"pdf": Path(out.pdf), "png": Path(out.png)},
        source_date_epoch=document_epoch(settings),
        logo=logo_path(settings),
    )
    log.info("rendered in %.2f s", timings.get("total", 0.0))
