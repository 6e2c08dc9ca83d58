# Follow-up plans (RTL), their realisation and photos.
rule clean_photos:
    input:
        photos=photos_of,
    output:
        foto=directory(f"{PROCESSED}/{{unit}}/{{year}}/foto"),
    log:
        "logs/{unit}/{year}/clean_photos.log",
    benchmark:
        "benchmarks/{unit}/{year}/clean_photos.tsv"
    script:
        "../scripts/clean_photos.py"


rule validate_rtl:
    input:
        rtl=f"{RAW}/{{unit}}/{{year}}/rtl.yaml",
        ikm=f"{PROCESSED}/{{unit}}/{{year}}/ikm.json",
    output:
        rtl=f"{PROCESSED}/{{unit}}/{{year}}/rtl.json",
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
        tl=f"{PROCESSED}/{{unit}}/{{year}}/tindak_lanjut.json",
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
        tl=f"{PROCESSED}/{{unit}}/{{year}}/tindak_lanjut.json",
        ikm=f"{PROCESSED}/{{unit}}/{{year}}/ikm.json",
        settings=f"{PROCESSED}/{{unit}}/{{year}}/settings.json",
        foto=f"{PROCESSED}/{{unit}}/{{year}}/foto",
    output:
        pdf=f"{REPORTS}/{{unit}}/{{year}}/laporan-tindak-lanjut-{{unit}}-{{year}}.pdf",
        docx=f"{REPORTS}/{{unit}}/{{year}}/laporan-tindak-lanjut-{{unit}}-{{year}}.docx",
        html=f"{REPORTS}/{{unit}}/{{year}}/laporan-tindak-lanjut-{{unit}}-{{year}}.html",
    log:
        "logs/{unit}/{year}/render_tindak_lanjut.log",
    benchmark:
        "benchmarks/{unit}/{year}/render_tindak_lanjut.tsv"
    params:
        title="Laporan Hasil Tindak Lanjut Survei Kepuasan Masyarakat",
    script:
        "../scripts/render_document.py"
