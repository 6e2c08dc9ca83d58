# Score the validated responses exactly per PermenPANRB 14/2017 into ikm.json.
rule score_responses:
    input:
        responses=processed("responses.csv"),
        quality=processed("quality.json"),
        settings=processed("settings.json"),
    output:
        ikm=processed("ikm.json"),
    log:
        "logs/{unit}/{year}/score_responses.log",
    benchmark:
        "benchmarks/{unit}/{year}/score_responses.tsv"
    script:
        "../scripts/score_responses.py"
