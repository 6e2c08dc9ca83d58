# The recap across units of one year: ranked units, province figures, failed and missing units.
rule collect_rekap:
    input:
        unpack(rekap_inputs),
        units=rekap_units,
    output:
        rekap=rekap_processed("rekap.json"),
        png=report(
            rekap_processed("rekap.png"),
            caption="../report/gambar_rekap.rst",
            category="Gambar",
            subcategory="Rekap {year}",
        ),
        svg=rekap_processed("rekap.svg"),  # the HTML's vector twin
    log:
        "logs/_rekap/{year}/collect_rekap.log",
    benchmark:
        "benchmarks/_rekap/{year}/collect_rekap.tsv"
    group:
        REKAP_GROUP
    script:
        "../scripts/collect_rekap.py"


rule render_rekap:
    input:
        notebook="notebooks/rekap-ikm.qmd",
        rekap=rekap_processed("rekap.json"),
        instansi=instansi,
        png=rekap_processed("rekap.png"),
    output:
        pdf=report(
            rekap_document(layout.REKAP_IKM, "pdf"),
            caption="../report/rekap.rst",
            category="Rekap",
            subcategory="{year}",
        ),
        docx=report(
            rekap_document(layout.REKAP_IKM, "docx"),
            caption="../report/rekap.rst",
            category="Rekap",
            subcategory="{year}",
        ),
        html=report(
            rekap_document(layout.REKAP_IKM, "html"),
            caption="../report/rekap.rst",
            category="Rekap",
            subcategory="{year}",
        ),
        xlsx=report(
            rekap_document(layout.REKAP_IKM, "xlsx"),
            caption="../report/rekap.rst",
            category="Rekap",
            subcategory="{year}",
        ),
    log:
        "logs/_rekap/{year}/render_rekap.log",
    benchmark:
        "benchmarks/_rekap/{year}/render_rekap.tsv"
    group:
        REKAP_GROUP
    script:
        "../scripts/render_rekap.py"


# The one-page recap infographic: units by mutu, the distribution, the lowest unsur.
rule render_infografis_rekap:
    input:
        notebook="notebooks/infografis-rekap.qmd",
        rekap=rekap_processed("rekap.json"),
        instansi=instansi,
    output:
        pdf=report(
            rekap_document(layout.INFOGRAFIS_REKAP, "pdf"),
            caption="../report/infografis_rekap.rst",
            category="Rekap",
            subcategory="{year}",
        ),
        png=report(
            rekap_document(layout.INFOGRAFIS_REKAP, "png"),
            caption="../report/infografis_rekap.rst",
            category="Rekap",
            subcategory="{year}",
        ),
    log:
        "logs/_rekap/{year}/render_infografis_rekap.log",
    benchmark:
        "benchmarks/_rekap/{year}/render_infografis_rekap.tsv"
    group:
        REKAP_GROUP
    script:
        "../scripts/render_infografis_rekap.py"
