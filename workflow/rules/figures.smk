# Draw the report's figures (one house style, workflow/matplotlibrc) and the trend across years,
# as PNG (PDF, DOCX) and SVG (HTML).
# One job per unit-year: matplotlib starts once for all of them.
rule plot_figures:
    input:
        unpack(tren_inputs),
        ikm=f"{PROCESSED}/{{unit}}/{{year}}/ikm.json",
        responses=f"{PROCESSED}/{{unit}}/{{year}}/responses.csv",
        settings=f"{PROCESSED}/{{unit}}/{{year}}/settings.json",
    output:
        figdir=directory(f"{PROCESSED}/{{unit}}/{{year}}/figures"),
        tren=f"{PROCESSED}/{{unit}}/{{year}}/tren.json",
        tren_png=f"{PROCESSED}/{{unit}}/{{year}}/tren.png",
        tren_svg=f"{PROCESSED}/{{unit}}/{{year}}/tren.svg",  # the HTML's vector twin
    log:
        "logs/{unit}/{year}/plot_figures.log",
    benchmark:
        "benchmarks/{unit}/{year}/plot_figures.tsv"
    script:
        "../scripts/plot_figures.py"
