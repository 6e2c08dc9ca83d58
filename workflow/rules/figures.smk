# Draw the report's figures (one house style, workflow/matplotlibrc) and the trend across years,
# as PNG (PDF, DOCX) and SVG (HTML).
# One job per unit-year: matplotlib starts once for all of them.
rule plot_figures:
    input:
        unpack(tren_inputs),
        ikm=processed("ikm.json"),
        responses=processed("responses.csv"),
        settings=processed("settings.json"),
    output:
        figdir=directory(processed("figures")),
        tren=processed("tren.json"),
        tren_png=report(
            processed("tren.png"),
            caption="../report/tren.rst",
            category="Gambar",
            subcategory="{unit} {year}",
        ),
        tren_svg=processed("tren.svg"),  # the HTML's vector twin
    log:
        "logs/{unit}/{year}/plot_figures.log",
    benchmark:
        "benchmarks/{unit}/{year}/plot_figures.tsv"
    script:
        "../scripts/plot_figures.py"
