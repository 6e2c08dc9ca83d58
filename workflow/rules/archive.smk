# Audit trail: the manifest of each unit-year. Publishing (reports/<unit>/<year>/arsip/) is the
# `skm publish` command, never a rule output: no rule may write or delete under arsip/.


# Hash inputs, processed artefacts and documents; record code and software versions. It runs
# in Snakemake's own process (`run:`, skm.audit.manifest.write_manifest): hashing a few dozen
# files needs no interpreter of its own.
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
    run:
        from skm.audit.manifest import write_manifest

        write_manifest(
            wildcards.unit,
            wildcards.year,
            inputs=input.raw,
            documents=input.documents,
            settings_path=input.settings,
            out=output.manifest,
            log_path=log[0],
        )
