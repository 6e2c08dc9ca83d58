"""Snakemake shim: score, figures and workbook of a unit-year (rule analyse_responses).

responses.csv + quality.json + settings.json -> ikm.json; ikm.json + responses.csv (+ the
answer labels) -> figures/*.png and *.svg; the ikm.json of the earlier years + this one (+ the
unit's `history:`) -> tren.json, tren.png and tren.svg; -> the hasil olah data workbook.

It reads only its declared inputs: the unit-year's effective settings come from settings.json
(written by validate_responses), never from data/raw/ or config.yaml directly. Figures and
workbook read ikm.json back as written, as any later job does.
"""

import datetime as dt

from skm.audit.provenance import document_epoch
from skm.contracts import read_ikm, read_quality, read_settings, write_ikm
from skm.domain import UNSUR_CODES
from skm.errors import SkmInputError
from skm.ingest.settings import validate_yaml
from skm.io import write_json
from skm.report.figures import fig_tren, save, save_all
from skm.report.xlsx import write_olah_data
from skm.scoring.ikm import score
from skm.scoring.tables import layanan_label, read_rejected, read_responses
from skm.scoring.tren import build
from skm.shim import step

snakemake = globals()["snakemake"]

#: The workbook's respondent columns (and every 0/1 layanan[<name>] column of a checkbox).
TEXT = ["id", "layanan", "saran"]
NUMBERS = [*UNSUR_CODES, "semester", "triwulan"]

with step(snakemake.log[0]) as log:
    inp, out = snakemake.input, snakemake.output
    unit, year = snakemake.wildcards.unit, int(snakemake.wildcards.year)
    quality = read_quality(inp.quality)
    if "error" in quality:
        raise SkmInputError(quality["error"])
    settings = read_settings(inp.settings)
    responses = read_responses(inp.responses)
    result = score(responses.copy(), quality, settings)
    write_ikm(out.ikm, result)
    log.info(
        "%s/%s: IKM %s (mutu %s) dari %d responden.",
        unit,
        year,
        result["display"]["ikm_konversi"].replace(".", ","),
        result["mutu"],
        result["n_valid"],
    )
    ikm = read_ikm(out.ikm)

    written = save_all(ikm, responses.copy(), out.figdir, settings.get("labels"))
    log.info("%d gambar ditulis di %s.", len(written), out.figdir)
    unit_yaml = validate_yaml(inp.unit_yaml[0], "unit") if inp.unit_yaml else {}
    tren = build([*(read_ikm(p) for p in inp.ikms), ikm], unit_yaml.get("history", []), year)
    write_json(tren, out.tren)
    save(fig_tren(tren), out.tren_png, svg=True)  # and tren.svg (out.tren_svg) for the HTML
    log.info("Grafik tren memuat %d tahun.", len(tren["rows"]))

    flags = [c for c in responses.columns if layanan_label(c) is not None]
    table = responses[[c for c in [*TEXT, *NUMBERS] if c in responses.columns] + flags]
    rejected = read_rejected(inp.rejected)
    when = dt.datetime.fromtimestamp(document_epoch(settings), dt.UTC)
    write_olah_data(ikm, table, out.xlsx, when, rejected=rejected)
    log.info("Lembar olah data ditulis: %d responden, %d baris ditolak.", len(table), len(rejected))
