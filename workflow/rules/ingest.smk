# Read every export of a unit-year, keep only mapped columns, validate rows, list rejections.
# It also writes the unit-year's effective settings (settings.json): unit.yaml, survei.yaml and
# only the config.yaml keys a unit uses (UNIT_CONFIG), so editing instansi or expected_units
# reruns nothing here.
# A checkpoint: a unit that cannot be read records why (quality.json `error`) for the recap.
checkpoint validate_responses:
    input:
        unpack(unit_inputs),
        exports=exports_of,
        unit_config=value_input("unit_config", UNIT_CONFIG),
    output:
        responses=processed("responses.csv"),
        rejected=processed("rejected.csv"),
        quality=processed("quality.json"),
        settings=processed("settings.json"),
    log:
        "logs/{unit}/{year}/validate_responses.log",
    benchmark:
        "benchmarks/{unit}/{year}/validate_responses.tsv"
    script:
        "../scripts/validate_responses.py"
