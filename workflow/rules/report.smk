# The documents of a unit-year, from the processed artefacts (they never recompute).
#
# render_laporan makes everything the Laporan SKM rests on and shows, in one job: the photos
# copied without their metadata (foto/), the hashes of its raw inputs (provenance.json), the
# Laporan (PDF, DOCX, HTML) and the infographic (its inputs are all the Laporan's too), one
# Jupyter kernel executing both notebooks in turn.
rule render_laporan:
    input:
        unpack(unit_inputs),
        unpack(plan_inputs),
        unpack(provenance_extras),
        unpack(laporan_inputs),
        exports=exports_of,
        dokumentasi=photos_of,  # this year's photos, cleaned into foto/
        notebook="notebooks/laporan-skm.qmd",
        notebook_infografis="notebooks/infografis-skm.qmd",
        logo=logo_of,
        ikm=processed("ikm.json"),
        quality=processed("quality.json"),
        settings=processed("settings.json"),
        responses=processed("responses.csv"),
        rejected=processed("rejected.csv"),
        figdir=processed("figures"),
        tren=processed("tren.json"),
        tren_png=processed("tren.png"),
    output:
        foto=directory(processed("foto")),
        provenance=processed("provenance.json"),
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
        # The one-page infographic: A4 PDF for the notice board, 1080 x 1350 px PNG for
        # social media.
        infografis_pdf=report(
            document(layout.INFOGRAFIS, "pdf"),
            caption="../report/infografis.rst",
            category="Infografis",
            subcategory="{unit} {year}",
        ),
        infografis_png=report(
            document(layout.INFOGRAFIS, "png"),
            caption="../report/infografis.rst",
            category="Infografis",
            subcategory="{unit} {year}",
        ),
    log:
        "logs/{unit}/{year}/render_laporan.log",
    benchmark:
        "benchmarks/{unit}/{year}/render_laporan.tsv"
    group:
        UNIT_GROUP
    script:
        "../scripts/render_laporan.py"
