# Follow-up plans (RTL), their realisation and photos.
rule clean_photos:
    input:
        photos=photos_of,
    output:
        foto=directory(processed("foto")),
    log:
        "logs/{unit}/{year}/clean_photos.log",
    benchmark:
        "benchmarks/{unit}/{year}/clean_photos.tsv"
    script:
        "../scripts/clean_photos.py"


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
    script:
        "../scripts/validate_rtl.py"


rule prepare_tindak_lanjut:
    input:
        unpack(tindak_lanjut_inputs),
    output:
        tl=processed("tindak_lanjut.json"),
    log:
        "logs/{unit}/{year}/prepare_tindak_lanjut.log",
    benchmark:
        "benchmarks/{unit}/{year}/prepare_tindak_lanjut.tsv"
    script:
        "../scripts/prepare_tindak_lanjut.py"


rule render_tindak_lanjut:
    input:
        notebook="notebooks/laporan-tindak-lanjut.qmd",
        logo=logo_of,
        tl=processed("tindak_lanjut.json"),
        ikm=processed("ikm.json"),
        settings=processed("settings.json"),
        foto=processed("foto"),
    output:
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
    params:
        title="Laporan Hasil Tindak Lanjut Survei Kepuasan Masyarakat",
    script:
        "../scripts/render_document.py"
