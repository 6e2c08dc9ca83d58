# Audit trail: the manifest of each unit-year. Publishing (reports/<unit>/<year>/arsip/) is the
# `skm publish` command, never a rule output: no rule may write or delete under arsip/.


# Hash inputs, processed artefacts and documents; record code and software versions.
rule write_manifest:
    input:
        unpack(manifest_inputs),
    output:
        manifest=layout.manifest(*UY),
    log:
        "logs/{unit}/{year}/write_manifest.log",
    benchmark:
        "benchmarks/{unit}/{year}/write_manifest.tsv"
    group:
        UNIT_GROUP
    script:
        "../scripts/write_manifest.py"
