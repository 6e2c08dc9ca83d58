"""Snakemake shim: responses.csv + quality.json -> ikm.json (rule score_responses)."""

import json

import pandas as pd
from skm.io import write_json
from skm.scoring import score
from skm.settings import load_unit_year
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    settings = load_unit_year(
        snakemake.params.raw_dir,
        snakemake.wildcards.unit,
        int(snakemake.wildcards.year),
        snakemake.params.config,
    )
    responses = pd.read_csv(snakemake.input.responses, dtype={"layanan": "string"})
    with open(snakemake.input.quality, encoding="utf-8") as fh:
        quality = json.load(fh)
    result = score(responses, quality, settings)
    write_json(result, snakemake.output.ikm)
    write_json(settings, snakemake.output.settings)
    log.info("IKM %s (%s), n=%d", result["display"]["ikm_konversi"], result["mutu"],
             result["n_valid"])
