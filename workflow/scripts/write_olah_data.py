"""Snakemake shim: the hasil olah data workbook (rule write_olah_data)."""

import datetime as dt

from skm.domain import UNSUR_CODES
from skm.io import read_json
from skm.provenance import document_epoch
from skm.shim import step
from skm.tables import read_table
from skm.xlsx import write_olah_data

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    settings = read_json(snakemake.input.settings)
    responses = read_table(snakemake.input.responses, dtype={"id": str},
                            usecols=["id", *UNSUR_CODES])
    when = dt.datetime.fromtimestamp(document_epoch(settings), dt.UTC)
    write_olah_data(read_json(snakemake.input.ikm), responses, snakemake.output.xlsx, when)
    log.info("Lembar olah data ditulis: %d responden.", len(responses))
