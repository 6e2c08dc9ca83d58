# Score the validated responses exactly per PermenPANRB 14/2017 (ikm.json), draw the figures
# and the trend across years (PNG for PDF and DOCX, SVG for HTML, one house style:
# workflow/matplotlibrc) and write the hasil olah data workbook. One job: all three read the
# same responses, and a new export changes all three.
rule analyse_responses:
    input:
        unpack(tren_inputs),
        responses=processed("responses.csv"),
        rejected=processed("rejected.csv"),
        quality=processed("quality.json"),
        settings=processed("settings.json"),
    output:
        ikm=processed("ikm.json"),
        figdir=directory(processed("figures")),
        tren=processed("tren.json"),
        tren_png=report(
            processed("tren.png"),
            caption="../report/tren.rst",
            category="Gambar",
            subcategory="{unit} {year}",
        ),
        tren_svg=processed("tren.svg"),  # the HTML's vector twin
        xlsx=report(
            document(layout.LAPORAN, "xlsx"),
            caption="../report/olah_data.rst",
            category="Laporan SKM",
            subcategory="{unit} {year}",
        ),
    log:
        "logs/{unit}/{year}/analyse_responses.log",
    benchmark:
        "benchmarks/{unit}/{year}/analyse_responses.tsv"
    group:
        UNIT_GROUP
    script:
        "../scripts/analyse_responses.py"
