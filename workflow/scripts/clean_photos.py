"""Snakemake shim: copy photos without their metadata (EXIF, GPS) as PNG (rule clean_photos)."""

from pathlib import Path

from skm.ingest.images import clean_photos
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    out = Path(snakemake.output.foto)
    out.mkdir(parents=True, exist_ok=True)
    clean_photos(list(snakemake.input.photos), out)
    log.info("%d foto disalin tanpa metadata (EXIF, GPS).", len(snakemake.input.photos))
