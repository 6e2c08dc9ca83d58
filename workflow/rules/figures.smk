# Draw the report's figures (one house style, workflow/matplotlibrc) and the trend across years.
# One job per unit-year: matplotlib starts once for all of them.
rule plot_figures:
    input:
        unpack(tren_inputs),
        ikm=f"{PROCESSED}/{{unit}}/{{year}}/ikm.json",
        responses=f"{PROCESSED}/{{unit}}/{{year}}/responses.csv",
    output:
        figdir=directory(f"{PROCESSED}/{{unit}}/{{year}}/figures"),
        tren=f"{PROCESSED}/{{unit}}/{{year}}/tren.json",
        tren_png=f"{PROCESSED}/{{unit}}/{{year}}/tren.png",
    log:
        "logs/{unit}/{year}/plot_figures.log",
    benchmark:
        "benchmarks/{unit}/{year}/plot_figures.tsv"
    script:
        "../scripts/plot_figures.py"
