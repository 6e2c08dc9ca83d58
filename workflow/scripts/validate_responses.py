"""Snakemake shim: exports -> responses.csv, rejected.csv, quality.json (validate_responses)."""

from skm.ingest import ingest, write_outputs
from skm.settings import load_config, load_unit_year
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    config = getattr(snakemake.params, "config", None) or load_config(snakemake.input.config)
    settings = load_unit_year(
        snakemake.params.raw_dir, snakemake.wildcards.unit, int(snakemake.wildcards.year), config
    )
    result = ingest(list(snakemake.input.exports), settings)
    out = snakemake.output
    write_outputs(result, out.responses, out.rejected, out.quality)
    q = result.quality
    log.info("%s/%s: %d baris diterima, %d diolah, %d ditolak (%d masalah) dari %d file",
             settings["unit"], settings["year"], q["n_raw"], q["n_valid"], q["n_rejected"],
             len(result.rejected), len(q["files"]))
