"""Snakemake shim: responses.csv + quality.json + settings.json -> ikm.json (score_responses).

It reads only its declared inputs: the unit-year's effective settings come from settings.json
(written by validate_responses), never from data/raw/ or config.yaml directly.
"""

from skm.contracts import read_quality, read_settings, write_ikm
from skm.errors import SkmInputError
from skm.scoring.ikm import score
from skm.scoring.tables import read_responses
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    quality = read_quality(snakemake.input.quality)
    if "error" in quality:
        raise SkmInputError(quality["error"])
    settings = read_settings(snakemake.input.settings)
    responses = read_responses(snakemake.input.responses)
    result = score(responses, quality, settings)
    write_ikm(snakemake.output.ikm, result)
    log.info(
        "%s/%s: IKM %s (mutu %s) dari %d responden.",
        snakemake.wildcards.unit,
        snakemake.wildcards.year,
        result["display"]["ikm_konversi"].replace(".", ","),
        result["mutu"],
        result["n_valid"],
    )
