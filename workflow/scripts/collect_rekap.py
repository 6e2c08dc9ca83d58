"""Snakemake shim: the recap of one year from every unit's ikm.json (rule collect_rekap)."""

from pathlib import Path

from skm.contracts import read_ikm, read_quality
from skm.io import read_json, write_json
from skm.report.figures import fig_rekap, save
from skm.report.rekap import build
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    units = read_json(snakemake.input.units)  # expected, found, bad_names (a value file)
    failed = {}
    for path in snakemake.input.qualities:
        quality = read_quality(path)
        if "error" in quality:
            failed[Path(path).parent.parent.name] = quality["error"]
    failed.update(units["bad_names"])  # unit folders whose names cannot be used
    ikms = [read_ikm(p) for p in snakemake.input.ikms]
    rekap = build(
        int(snakemake.wildcards.year),
        ikms,
        failed,
        units["expected"],
        units["found"],
    )
    rekap["epoch_date"] = max((i["period"]["end"] for i in ikms), default=f"{rekap['year']}-12-31")
    write_json(rekap, snakemake.output.rekap)
    save(fig_rekap(rekap), snakemake.output.png, svg=True)  # + rekap.svg for the HTML
    log.info(
        "Rekap %s: %d unit diolah, %d gagal, %d tidak mengirim data.",
        rekap["year"],
        len(ikms),
        len(failed),
        len(rekap["missing"]),
    )
