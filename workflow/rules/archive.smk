# Audit trail: the manifest of each unit-year. Publishing (reports/<unit>/<year>/arsip/) is the
# `skm publish` command, never a rule output: no rule may write or delete under arsip/.
from skm.manifest import raw_inputs, unit_years


def manifest_inputs(wildcards):
    """What write_manifest hashes: the unit-year's documents, raw inputs and config.yaml.

    It also waits for every document of the unit (all years): some jobs of other years write
    into this year's processed folder (e.g. last year's follow-up), which must be complete.
    """
    unit, year = wildcards.unit, int(wildcards.year)
    return {
        "documents": documents_of(unit, year),
        "unit_documents": [
            d for y in unit_years(RAW, unit) for d in documents_of(unit, y)
        ],
        "settings": f"{PROCESSED}/{unit}/{year}/settings.json",
        "raw": raw_inputs(RAW, unit, year),
        "config": "config.yaml",
    }


# Hash inputs, processed artefacts and documents; record code and software versions.
rule write_manifest:
    input:
        unpack(manifest_inputs),
    output:
        manifest=f"{REPORTS}/{{unit}}/{{year}}/manifest.json",
    log:
        "logs/{unit}/{year}/write_manifest.log",
    params:
        processed_dir=PROCESSED,
    script:
        "../scripts/write_manifest.py"
