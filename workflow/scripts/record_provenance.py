"""Snakemake shim: hashes of a unit-year's inputs and the software versions (provenance.json).

The inputs are the raw files the documents show and the unit-year's effective settings
(settings.json), never config.yaml: editing the recap's keys there changes no document.
"""

from skm.audit.provenance import RUN_COMMAND, input_hashes, versions
from skm.io import write_json
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    inp = snakemake.input
    inputs = [
        *inp.exports,
        *inp.unit_yaml,
        *inp.survei_yaml,
        *inp.plans,
        inp.settings,
        *inp.trend_inputs,
        *inp.photos,
    ]
    write_json(
        {"inputs": input_hashes(inputs), "versions": versions(), "command": RUN_COMMAND},
        snakemake.output.provenance,
    )
    log.info("Sidik SHA-256 %d berkas masukan dicatat.", len(inputs))
