"""Snakemake shim: hashes, code and software versions of a unit-year (rule write_manifest)."""

from skm.audit.manifest import build_manifest
from skm.contracts import read_settings
from skm.io import write_json
from skm.shim import step

snakemake = globals()["snakemake"]

with step(snakemake.log[0]) as log:
    inp = snakemake.input
    manifest = build_manifest(
        snakemake.wildcards.unit,
        int(snakemake.wildcards.year),
        inputs=list(inp.raw),
        documents=list(inp.documents),
        settings=read_settings(inp.settings),
    )
    write_json(manifest, snakemake.output.manifest)
    log.info(
        "Manifest mencatat %d masukan, %d data olahan dan %d dokumen (commit %s).",
        len(manifest["inputs"]),
        len(manifest["processed"]),
        len(manifest["documents"]),
        manifest["code"]["commit"],
    )
