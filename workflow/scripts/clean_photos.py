"""Snakemake shim: copy photos without their metadata (EXIF, GPS) as PNG (rule clean_photos)."""

from pathlib import Path

from skm.images import clean_image
from skm.shim import step
from skm.tindak_lanjut import photo_name

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    out = Path(snakemake.output.foto)
    out.mkdir(parents=True, exist_ok=True)
    for src in snakemake.input.photos:
        clean_image(src, out / photo_name(src))
    log.info("cleaned %d photo(s)", len(snakemake.input.photos))
