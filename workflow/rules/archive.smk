# Audit trail: the manifest of each unit-year. Publishing (reports/<unit>/<year>/arsip/) is the
# `skm publish` command, never a rule output: no rule may write or delete under arsip/.
from skm.audit.manifest import raw_inputs, unit_years


def manifest_inputs(wildcards):
    """What write_manifest hashes: the unit-year's documents, raw inputs and effective settings
    (settings.json: the config.yaml keys the unit uses, never config.yaml itself).

    It also waits for next year's documents: their jobs write into this year's processed
    folder (last year's follow-up), which must be complete before it is hashed.
    """
    unit, year = wildcards.unit, int(wildcards.year)
    has_next = year + 1 in unit_years(RAW, unit) and not failed_year(unit, year + 1)
    return {
        "documents": documents_of(unit, year),
        "next_documents": documents_of(unit, year + 1) if has_next else [],
        "settings": f"{PROCESSED}/{unit}/{year}/settings.json",
        "raw": raw_inputs(RAW, unit, year),
    }


# Hash inputs, processed artefacts and documents; record code and software versions.
rule write_manifest:
    input:
        unpack(manifest_inputs),
    output:
        manifest=f"{REPORTS}/{{unit}}/{{year}}/manifest.json",
    log:
        "logs/{unit}/{year}/write_manifest.log",
    benchmark:
        "benchmarks/{unit}/{year}/write_manifest.tsv"
    params:
        processed_dir=PROCESSED,
    script:
        "../scripts/write_manifest.py"
