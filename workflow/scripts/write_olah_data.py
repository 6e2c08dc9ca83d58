"""Snakemake shim: the hasil olah data workbook (rule write_olah_data)."""

import datetime as dt

from skm.audit.provenance import document_epoch
from skm.contracts import read_ikm, read_settings
from skm.domain import UNSUR_CODES
from skm.report.xlsx import write_olah_data
from skm.scoring.tables import layanan_label, read_rejected, read_responses
from skm.shim import step

snakemake = globals()["snakemake"]

TEXT = ["id", "layanan", "saran"]
NUMBERS = [*UNSUR_CODES, "semester", "triwulan"]

with step(snakemake.log[0]) as log:
    settings = read_settings(snakemake.input.settings)
    responses = read_responses(snakemake.input.responses)
    # The 0/1 columns layanan[<name>] of a listed layanan (a checkbox question groups by them).
    flags = [c for c in responses.columns if layanan_label(c) is not None]
    responses = responses[[c for c in [*TEXT, *NUMBERS] if c in responses.columns] + flags]
    rejected = read_rejected(snakemake.input.rejected)
    when = dt.datetime.fromtimestamp(document_epoch(settings), dt.UTC)
    write_olah_data(
        read_ikm(snakemake.input.ikm), responses, snakemake.output.xlsx, when, rejected=rejected
    )
    log.info(
        "Lembar olah data ditulis: %d responden, %d baris ditolak.", len(responses), len(rejected)
    )
