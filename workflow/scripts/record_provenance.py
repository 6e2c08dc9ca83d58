"""Snakemake shim: hashes of a unit-year's inputs and the software versions (provenance.json)."""

from skm.io import write_json
from skm.provenance import RUN_COMMAND, input_hashes, versions
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    inputs = [*snakemake.input.exports, *snakemake.input.unit_yaml, *snakemake.input.survei_yaml,
              snakemake.input.config]
    write_json({"inputs": input_hashes(inputs), "versions": versions(), "command": RUN_COMMAND},
               snakemake.output.provenance)
    log.info("hashed %d inputs", len(inputs))
