"""Snakemake shim: ikm.json + responses.csv -> figures/*.png (rule plot_figures)."""

import pandas as pd
from skm.figures import save_all
from skm.io import read_json
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    ikm = read_json(snakemake.input.ikm)
    responses = pd.read_csv(snakemake.input.responses, dtype={"layanan": "string"})
    written = save_all(ikm, responses, snakemake.output.figdir)
    log.info("%d figures in %s", len(written), snakemake.output.figdir)
