# Follow-up plans (RTL) and their realisation.
rule validate_rtl:
    input:
        rtl=layout.raw_file(*UY, layout.RTL_YAML),
        ikm=processed("ikm.json"),
    output:
        rtl=processed("rtl.json"),
    log:
        "logs/{unit}/{year}/validate_rtl.log",
    benchmark:
        "benchmarks/{unit}/{year}/validate_rtl.tsv"
    group:
        UNIT_GROUP
    script:
        "../scripts/validate_rtl.py"


# The realisation of a year's RTL with its dampak (tindak_lanjut.json, which next year's
# Laporan also shows) and the Laporan Hasil Tindak Lanjut (PDF, DOCX, HTML), in one job.
rule render_tindak_lanjut:
    input:
        unpack(tindak_lanjut_inputs),
        notebook="notebooks/laporan-tindak-lanjut.qmd",
        logo=logo_of,
        settings=processed("settings.json"),
        foto=processed("foto"),
    output:
        tl=processed("tindak_lanjut.json"),
        pdf=report(
            document(layout.TINDAK_LANJUT, "pdf"),
            caption="../report/tindak_lanjut.rst",
            category="Tindak Lanjut",
            subcategory="{unit} {year}",
        ),
        docx=report(
            document(layout.TINDAK_LANJUT, "docx"),
            caption="../report/tindak_lanjut.rst",
            category="Tindak Lanjut",
            subcategory="{unit} {year}",
        ),
        html=report(
            document(layout.TINDAK_LANJUT, "html"),
            caption="../report/tindak_lanjut.rst",
            category="Tindak Lanjut",
            subcategory="{unit} {year}",
        ),
    log:
        "logs/{unit}/{year}/render_tindak_lanjut.log",
    benchmark:
        "benchmarks/{unit}/{year}/render_tindak_lanjut.tsv"
    group:
        UNIT_GROUP
    script:
        "../scripts/render_tindak_lanjut.py"
