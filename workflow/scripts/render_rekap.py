"""Snakemake shim: render the recap across units, and its workbook (rule render_rekap)."""

import datetime as dt
from pathlib import Path

from skm.io import read_json
from skm.render import render_qmd
from skm.report.rekap import write_xlsx
from skm.shim import render_timings, step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    inp, out = snakemake.input, snakemake.output
    rekap = read_json(inp.rekap)
    day = dt.date.fromisoformat(rekap["epoch_date"])
    when = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC)
    year = rekap["year"]
    cover = {"year": f"Tahun {year}", "unit": f"{rekap['n_units']} unit pelayanan"}
    instansi = read_json(inp.instansi)["instansi"]  # config `instansi` (a value file)
    if instansi:
        cover["agency"] = instansi
    timings = render_qmd(
        Path(inp.notebook),
        {fmt: Path(out[fmt]) for fmt in ("pdf", "docx", "html")},
        {"rekap_path": str(Path(inp.rekap).resolve()), "png_path": str(Path(inp.png).resolve())},
        source_date_epoch=int(when.timestamp()),
        metadata={"title": "Rekapitulasi Indeks Kepuasan Masyarakat", "cover": cover},
    )
    write_xlsx(rekap, out.xlsx, when)
    log.info("%s", render_timings(timings))
