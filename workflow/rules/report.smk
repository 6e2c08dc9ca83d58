# Render the documents of a unit-year from the processed artefacts (they never recompute).
rule record_provenance:
    input:
        unpack(unit_inputs),
        unpack(plan_inputs),
        unpack(provenance_extras),
        exports=exports_of,
        settings=f"{PROCESSED}/{{unit}}/{{year}}/settings.json",
    output:
        provenance=f"{PROCESSED}/{{unit}}/{{year}}/provenance.json",
    log:
        "logs/{unit}/{year}/record_provenance.log",
    benchmark:
        "benchmarks/{unit}/{year}/record_provenance.tsv"
    script:
        "../scripts/record_provenance.py"


rule write_olah_data:
    input:
        ikm=f"{PROCESSED}/{{unit}}/{{year}}/ikm.json",
        settings=f"{PROCESSED}/{{unit}}/{{year}}/settings.json",
        responses=f"{PROCESSED}/{{unit}}/{{year}}/responses.csv",
        rejected=f"{PROCESSED}/{{unit}}/{{year}}/rejected.csv",
    output:
        xlsx=f"{REPORTS}/{{unit}}/{{year}}/laporan-skm-{{unit}}-{{year}}.xlsx",
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
        ikm=f"{PROCESSED}/{{unit}}/{{year}}/ikm.json",
        quality=f"{PROCESSED}/{{unit}}/{{year}}/quality.json",
        settings=f"{PROCESSED}/{{unit}}/{{year}}/settings.json",
        responses=f"{PROCESSED}/{{unit}}/{{year}}/responses.csv",
        rejected=f"{PROCESSED}/{{unit}}/{{year}}/rejected.csv",
        provenance=f"{PROCESSED}/{{unit}}/{{year}}/provenance.json",
        figdir=f"{PROCESSED}/{{unit}}/{{year}}/figures",
        foto=f"{PROCESSED}/{{unit}}/{{year}}/foto",
        tren=f"{PROCESSED}/{{unit}}/{{year}}/tren.json",
        tren_png=f"{PROCESSED}/{{unit}}/{{year}}/tren.png",
    output:
        pdf=f"{REPORTS}/{{unit}}/{{year}}/laporan-skm-{{unit}}-{{year}}.pdf",
        docx=f"{REPORTS}/{{unit}}/{{year}}/laporan-skm-{{unit}}-{{year}}.docx",
        html=f"{REPORTS}/{{unit}}/{{year}}/laporan-skm-{{unit}}-{{year}}.html",
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
        ikm=f"{PROCESSED}/{{unit}}/{{year}}/ikm.json",
        settings=f"{PROCESSED}/{{unit}}/{{year}}/settings.json",
        tren=f"{PROCESSED}/{{unit}}/{{year}}/tren.json",
    output:
        pdf=f"{REPORTS}/{{unit}}/{{year}}/infografis-skm-{{unit}}-{{year}}.pdf",
        png=f"{REPORTS}/{{unit}}/{{year}}/infografis-skm-{{unit}}-{{year}}.png",
    log:
        "logs/{unit}/{year}/render_infografis.log",
    benchmark:
        "benchmarks/{unit}/{year}/render_infografis.tsv"
    script:
        "../scripts/render_infografis.py"
