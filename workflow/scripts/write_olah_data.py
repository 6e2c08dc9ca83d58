"""Snakemake shim: the hasil olah data workbook (rule write_olah_data)."""

import datetime as dt

from skm.audit.provenance import document_epoch
from skm.domain import UNSUR_CODES
from skm.io import read_json
from skm.report.xlsx import write_olah_data
from skm.scoring.tables import layanan_label, read_rejected, read_table
from skm.shim import step

snakemake = globals()["snakemake"]

TEXT = ["id", "layanan", "saran"]
NUMBERS = [*UNSUR_CODES, "semester", "triwulan"]

with step(snakemake.log[0]) as log:
    settings = read_json(snakemake.input.settings)
    header = read_table(snakemake.input.responses, nrows=0).columns
    # The 0/1 columns layanan[<name>] of a listed layanan (a checkbox question groups by them).
    flags = [c for c in header if layanan_label(c) is not None]
    cols = [c for c in [*TEXT, *NUMBERS] if c in header] + flags
    responses = read_table(
        snakemake.input.responses,
        usecols=cols,
        keep_default_na=False,
        dtype={**{c: "string" for c in TEXT if c in cols}, **{c: "int64" for c in flags}},
        na_values={c: [""] for c in NUMBERS if c in cols},
    )
    responses = responses[cols]
    rejected = read_rejected(snakemake.input.rejected)
    when = dt.datetime.fromtimestamp(document_epoch(settings), dt.UTC)
    write_olah_data(
        read_json(snakemake.input.ikm), responses, snakemake.output.xlsx, when, rejected=rejected
    )
    log.info(
        "Lembar olah data ditulis: %d responden, %d baris ditolak.", len(responses), len(rejected)
    )
