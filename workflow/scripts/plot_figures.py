"""Snakemake shim: the figures of a unit-year and its trend across years (rule plot_figures).

ikm.json + responses.csv (+ settings.json's answer labels) -> figures/*.png and *.svg; the
ikm.json of every year up to this one (+ the unit's `history:`) -> tren.json, tren.png and
tren.svg.
"""

from skm.contracts import read_ikm, read_settings
from skm.ingest.settings import validate_yaml
from skm.io import write_json
from skm.report.figures import fig_tren, save, save_all
from skm.scoring.tables import read_responses
from skm.scoring.tren import build
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    inp, out = snakemake.input, snakemake.output
    ikm = read_ikm(inp.ikm)
    responses = read_responses(inp.responses)
    written = save_all(ikm, responses, out.figdir, read_settings(inp.settings).get("labels"))
    log.info("%d gambar ditulis di %s.", len(written), out.figdir)
    unit = validate_yaml(inp.unit_yaml[0], "unit") if inp.unit_yaml else {}
    tren = build(
        [read_ikm(p) for p in inp.ikms], unit.get("history", []), int(snakemake.wildcards.year)
    )
    write_json(tren, out.tren)
    save(fig_tren(tren), out.tren_png, svg=True)  # and tren.svg (out.tren_svg) for the HTML
    log.info("Grafik tren memuat %d tahun.", len(tren["rows"]))
