"""Snakemake shim: the recap infographic of a year, A4 PDF and 1080 x 1350 PNG
(rule render_infografis_rekap)."""

import datetime as dt
from pathlib import Path

from skm.io import read_json
from skm.report.infografis import render_rekap
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    inp, out = snakemake.input, snakemake.output
    instansi = read_json(inp.instansi)["instansi"]  # config `instansi` (a value file)
    day = dt.date.fromisoformat(read_json(inp.rekap)["epoch_date"])
    when = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    timings = render_rekap(
        Path(inp.notebook),
        {"rekap_path": str(Path(inp.rekap).resolve()), "instansi": instansi or ""},
        {"pdf": Path(out.pdf), "png": Path(out.png)},
        source_date_epoch=int(when.timestamp()),
    )
    log.info("rendered in %.2f s", timings.get("total", 0.0))
