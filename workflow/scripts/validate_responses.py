"""Snakemake shim: exports -> responses.csv, rejected.csv, quality.json, settings.json
(validate_responses).

settings.json is the unit-year's effective settings: unit.yaml, survei.yaml and the config.yaml
keys the unit uses (input unit_config, a value file). This rule is a checkpoint: a unit whose exports cannot
be read still gets its files, with the reason in quality.json's `error`, so the provincial
recap can list it; `rule all` then asks for the unit's failure report, which prints the reason
once (the message goes to this job's log, not to the screen, so it is not printed twice).
"""

import pandas as pd

from skm import layout
from skm.contracts import write_settings
from skm.errors import SkmInputError
from skm.ingest.result import IngestResult, write_outputs
from skm.ingest.settings import load_unit_year_files
from skm.ingest.unit import ingest_unit
from skm.io import read_json
from skm.report.kalender import schedule_warnings
from skm.shim import FILE_ONLY, step

snakemake = globals()["snakemake"]
out = snakemake.output
unit, year = snakemake.wildcards.unit, int(snakemake.wildcards.year)

with step(snakemake.log[0]) as log:
    settings = {}
    try:
        # The logo is not an input of this rule: the documents' covers check it.
        # The declared unit.yaml and survei.yaml; a missing unit.yaml (no input) is named in
        # the error by its place in the layout.
        inp = snakemake.input
        settings = load_unit_year_files(
            unit,
            year,
            inp.unit_yaml[0] if inp.unit_yaml else layout.unit_yaml(unit),
            inp.survei_yaml[0] if inp.survei_yaml else None,
            read_json(inp.unit_config),
            check_logo=False,
        )
        result = ingest_unit(list(snakemake.input.exports), settings)
    except SkmInputError as exc:
        log.error("%s/%s tidak dapat diolah: %s", unit, year, exc, extra=FILE_ONLY)
        log.warning("%s/%s tidak dapat diolah; alasannya dicetak di bawah.", unit, year)
        # A unit stopped after reading (IngestStopped) still lists every rejected row.
        read = getattr(exc, "result", None)
        result = IngestResult(
            pd.DataFrame(),
            read.rejected if read else pd.DataFrame(),
            {"error": str(exc), "n_raw": 0, "n_valid": 0, "n_rejected": 0},
        )
    write_outputs(result, out.responses, out.rejected, out.quality)
    write_settings(out.settings, settings)
    q = result.quality
    for warning in q.get("warnings", []):
        log.warning("%s/%s: peringatan: %s", unit, year, warning)
    for warning in schedule_warnings((settings.get("survei") or {}).get("schedule")):
        log.warning("%s/%s: peringatan: %s", unit, year, warning)
    if "error" not in q:
        log.info(
            "%s/%s: %d baris dibaca dari %d berkas, %d diolah, %d ditolak (%d masalah "
            "dicatat di rejected.csv).",
            unit,
            year,
            q["n_raw"],
            len(q["files"]),
            q["n_valid"],
            q["n_rejected"],
            len(result.rejected),
        )
