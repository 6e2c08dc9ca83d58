"""Snakemake shim: the realisation of a year's RTL, with its dampak (rule prepare_tindak_lanjut)."""

import re

from skm.contracts import read_ikm
from skm.io import write_json
from skm.report.tindak_lanjut import prepare
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    inp = snakemake.input
    nxt = read_ikm(inp.ikm_next[0]) if inp.ikm_next else None
    tl = prepare(
        inp.rtl, inp.realisasi, read_ikm(inp.ikm), nxt, inp.rtl_next[0] if inp.rtl_next else None
    )
    for w in tl["warnings"]:
        log.warning("%s: %s", inp.rtl, w)
    for w in tl["notes"]:  # the notes are markdown for the documents; the log gets plain text
        log.warning("%s: %s", inp.realisasi, re.sub(r"\\(.)", r"\1", w))
    for w in tl["timing"]:
        log.warning("%s: %s", inp.realisasi, w)
    write_json(tl, snakemake.output.tl)
    log.info(
        "Realisasi tindak lanjut %s%% (%d dari %d rencana).",
        tl["pct"],
        tl["n_done"],
        tl["n_planned"],
    )
