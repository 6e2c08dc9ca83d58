"""Snakemake shim: exports -> responses.csv, rejected.csv, quality.json (validate_responses).

This rule is a checkpoint: a unit whose exports cannot be read still gets its three files, with
the reason in quality.json's `error`, so the provincial recap can list it; the unit's own run
then stops at score_responses with that message (and fails again on every rerun).
"""

import pandas as pd
from skm.domain import UNSUR_CODES
from skm.errors import SkmInputError
from skm.ingest import IngestResult, ingest, write_outputs
from skm.settings import load_config, load_unit_year
from skm.shim import step

snakemake = globals()["snakemake"]
out = snakemake.output
unit, year = snakemake.wildcards.unit, int(snakemake.wildcards.year)

with step(snakemake.log[0]) as log:
    try:
        config = getattr(snakemake.params, "config", None) or load_config(snakemake.input.config)
        settings = load_unit_year(snakemake.params.raw_dir, unit, year, config)
        result = ingest(list(snakemake.input.exports), settings)
        empty = [c for c in UNSUR_CODES if result.responses[c].notna().sum() == 0]
        if empty:
            raise SkmInputError(
                f"tidak ada jawaban sah untuk unsur {', '.join(empty)} setelah validasi "
                f"({result.quality['n_rejected']} dari {result.quality['n_raw']} baris ditolak; "
                "lihat rejected.csv), sehingga IKM tidak dapat dihitung")
    except SkmInputError as exc:
        log.error("%s/%s tidak dapat diolah: %s", unit, year, exc)
        result = IngestResult(pd.DataFrame(), pd.DataFrame(),
                              {"error": str(exc), "n_raw": 0, "n_valid": 0, "n_rejected": 0})
    write_outputs(result, out.responses, out.rejected, out.quality)
    q = result.quality
    if "error" not in q:
        log.info("%s/%s: %d baris diterima, %d diolah, %d ditolak (%d masalah) dari %d file",
                 unit, year, q["n_raw"], q["n_valid"], q["n_rejected"], len(result.rejected),
                 len(q["files"]))
