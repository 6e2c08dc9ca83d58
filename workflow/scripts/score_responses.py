"""Snakemake shim: responses.csv + quality.json -> ikm.json, settings.json (score_responses).

A unit whose exports could not be read (quality.json `error`) stops here with that message.
"""

from skm.errors import SkmInputError
from skm.io import read_json, write_json
from skm.scoring import score
from skm.settings import load_unit_year
from skm.shim import step
from skm.tables import read_table

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    quality = read_json(snakemake.input.quality)
    if "error" in quality:
        raise SkmInputError(quality["error"])
    settings = load_unit_year(snakemake.params.raw_dir, snakemake.wildcards.unit,
                              int(snakemake.wildcards.year), snakemake.params.config)
    text = {c: "string" for c in ("id", "file", "timestamp", "layanan", "jenis_kelamin", "usia",
                                  "pendidikan", "pekerjaan", "saran")}
    responses = read_table(snakemake.input.responses, dtype=text)
    result = score(responses, quality, settings)
    write_json(result, snakemake.output.ikm)
    write_json(settings, snakemake.output.settings)
    log.info("IKM %s (%s), n=%d", result["display"]["ikm_konversi"], result["mutu"],
             result["n_valid"])
