"""Snakemake shim: validate rtl.yaml and check its priorities (rule validate_rtl)."""

from skm.contracts import read_ikm
from skm.io import write_json
from skm.report.tindak_lanjut import load_rtl, priority_check
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    rtl = load_rtl(snakemake.input.rtl)
    warnings = priority_check(rtl, read_ikm(snakemake.input.ikm)["unsur"])
    for w in warnings:
        log.warning("%s: %s", snakemake.input.rtl, w)
    write_json({"rtl": rtl, "warnings": warnings}, snakemake.output.rtl)
    log.info("Rencana tindak lanjut: %d butir.", len(rtl["rencana"]))
