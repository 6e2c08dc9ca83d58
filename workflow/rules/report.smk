# Render the documents of a unit-year from the processed artefacts (they never recompute).
rule record_provenance:
    input:
        unpack(unit_inputs),
        unpack(plan_inputs),
        unpack(provenance_extras),
        exports=exports_of,
        settings=processed("settings.json"),
    output:
        provenance=processed("provenance.json"),
    log:
        "logs/{unit}/{year}/record_provenance.log",
    benchmark:
        "benchmarks/{unit}/{year}/record_provenance.tsv"
    script:
        "../scripts/record_provenance.py"


rule write_olah_data:
    input:
        ikm=processed("ikm.json"),
        settings=processed("settings.json"),
        responses=processed("responses.csv"),
        rejected=processed("rejected.csv"),
    output:
        xlsx=report(
            document(layout.LAPORAN, "xlsx"),
            caption="../report/olah_data.rst",
            category="Laporan SKM",
            subcategory="{unit} {year}",
        ),
    log:
        "logs/{unit}/{year}/write_olah_data.log",
    benchmark:
        "benchmarks/{unit}/{year}/write_olah_data.tsv"
    script:
        "../scripts/write_olah_data.py"


rule render_laporan:
    input:
        unpack(laporan_inputs),
        notebook="notebooks/laporan-skm.qmd",
        logo=logo_of,
        ikm=processed("ikm.json"),
        quality=processed("quality.json"),
        settings=processed("settings.json"),
        responses=processed("responses.csv"),
        rejected=processed("rejected.csv"),
        provenance=processed("provenance.json"),
        figdir=processed("figures"),
        foto=processed("foto"),
        tren=processed("tren.json"),
        tren_png=processed("tren.png"),
    output:
        pdf=report(
            document(layout.LAPORAN, "pdf"),
            caption="../report/laporan.rst",
            category="Laporan SKM",
            subcategory="{unit} {year}",
        ),
        docx=report(
            document(layout.LAPORAN, "docx"),
            caption="../report/laporan.rst",
            category="Laporan SKM",
            subcategory="{unit} {year}",
        ),
        html=report(
            document(layout.LAPORAN, "html"),
            caption="../report/laporan.rst",
            category="Laporan SKM",
            subcategory="{unit} {year}",
        ),
    log:
        "logs/{unit}/{year}/render_laporan.log",
    benchmark:
        "benchmarks/{unit}/{year}/render_laporan.tsv"
    params:
        title="Laporan Survei Kepuasan Masyarakat",
    script:
        "../scripts/render_document.py"


# The one-page infographic: A4 PDF for the notice board, 1080 x 1350 px PNG for social media.
rule render_infografis:
    input:
        unpack(infografis_inputs),
        logo=logo_of,
        notebook="notebooks/infografis-skm.qmd",
        ikm=processed("ikm.json"),
        settings=processed("settings.json"),
        tren=processed("tren.json"),
    output:
        pdf=report(
            document(layout.INFOGRAFIS, "pdf"),
            caption="../report/infografis.rst",
            category="Infografis",
            subcategory="{unit} {year}",
        ),
        png=report(
            document(layout.INFOGRAFIS, "png"),
            caption="../report/infografis.rst",
            category="Infografis",
            subcategory="{unit} {year}",
        ),
    log:
        "logs/{unit}/{year}/render_infografis.log",
    benchmark:
        "benchmarks/{unit}/{year}/render_infografis.tsv"
    script:
        "../scripts/render_infografis.py"
