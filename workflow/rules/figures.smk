# Draw the report's figures (one house style, workflow/matplotlibrc).
rule plot_figures:
    input:
        ikm=f"{PROCESSED}/{{unit}}/{{year}}/ikm.json",
        responses=f"{PROCESSED}/{{unit}}/{{year}}/responses.csv",
    output:
        figdir=directory(f"{PROCESSED}/{{unit}}/{{year}}/figures"),
    log:
        "logs/{unit}/{year}/plot_figures.log",
    benchmark:
        "benchmarks/{unit}/{year}/plot_figures.tsv"
    script:
        "../scripts/plot_figures.py"
