# Score the validated responses exactly per PermenPANRB 14/2017 into ikm.json.
rule score_responses:
    input:
        responses=f"{PROCESSED}/{{unit}}/{{year}}/responses.csv",
        quality=f"{PROCESSED}/{{unit}}/{{year}}/quality.json",
        settings=f"{PROCESSED}/{{unit}}/{{year}}/settings.json",
    output:
        ikm=f"{PROCESSED}/{{unit}}/{{year}}/ikm.json",
    log:
        "logs/{unit}/{year}/score_responses.log",
    benchmark:
        "benchmarks/{unit}/{year}/score_responses.tsv"
    script:
        "../scripts/score_responses.py"
