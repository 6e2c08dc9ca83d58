"""Snakemake shim: the IKM of every year up to this one, and its chart (rule collect_tren)."""

from skm.figures import fig_tren, save
from skm.io import read_json, write_json
from skm.settings import validate_yaml
from skm.shim import step
from skm.tren import build

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    unit = validate_yaml(snakemake.input.unit_yaml[0], "unit") if snakemake.input.unit_yaml else {}
    ikms = [read_json(p) for p in snakemake.input.ikms]
    tren = build(ikms, unit.get("history", []), int(snakemake.wildcards.year))
    write_json(tren, snakemake.output.tren)
    save(fig_tren(tren), snakemake.output.png)
    log.info("%d year(s) in the trend", len(tren["rows"]))
