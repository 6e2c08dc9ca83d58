# The recap across units of one year: ranked units, province figures, failed and missing units.
rule collect_rekap:
    input:
        unpack(rekap_inputs),
    output:
        rekap=f"{PROCESSED}/_rekap/{{year}}/rekap.json",
        png=f"{PROCESSED}/_rekap/{{year}}/rekap.png",
        svg=f"{PROCESSED}/_rekap/{{year}}/rekap.svg",  # the HTML's vector twin
    log:
        "logs/_rekap/{year}/collect_rekap.log",
    benchmark:
        "benchmarks/_rekap/{year}/collect_rekap.tsv"
    params:
        # functions: Snakemake formats plain string params (braces in a text broke the run)
        expected=lambda wildcards: config["expected_units"],
        found=units_found,
        bad_names=lambda wildcards: bad_units_of_year(wildcards.year),
    script:
        "../scripts/collect_rekap.py"


rule render_rekap:
    input:
        notebook="notebooks/rekap-ikm.qmd",
        rekap=f"{PROCESSED}/_rekap/{{year}}/rekap.json",
        png=f"{PROCESSED}/_rekap/{{year}}/rekap.png",
    output:
        pdf=f"{REPORTS}/rekap/{{year}}/rekap-ikm-{{year}}.pdf",
        docx=f"{REPORTS}/rekap/{{year}}/rekap-ikm-{{year}}.docx",
        html=f"{REPORTS}/rekap/{{year}}/rekap-ikm-{{year}}.html",
        xlsx=f"{REPORTS}/rekap/{{year}}/rekap-ikm-{{year}}.xlsx",
    log:
        "logs/_rekap/{year}/render_rekap.log",
    benchmark:
        "benchmarks/_rekap/{year}/render_rekap.tsv"
    params:
        # a function: Snakemake formats a plain string param, so braces in the text broke the run
        instansi=lambda wildcards: config["instansi"],
    script:
        "../scripts/render_rekap.py"


# The one-page recap infographic: units by mutu, the distribution, the lowest unsur.
rule render_infografis_rekap:
    input:
        notebook="notebooks/infografis-rekap.qmd",
        rekap=f"{PROCESSED}/_rekap/{{year}}/rekap.json",
    output:
        pdf=f"{REPORTS}/rekap/{{year}}/infografis-rekap-{{year}}.pdf",
        png=f"{REPORTS}/rekap/{{year}}/infografis-rekap-{{year}}.png",
    log:
        "logs/_rekap/{year}/render_infografis_rekap.log",
    benchmark:
        "benchmarks/_rekap/{year}/render_infografis_rekap.tsv"
    params:
        # a function: Snakemake formats a plain string param (braces in the name broke the run)
        instansi=lambda wildcards: config["instansi"],
    script:
        "../scripts/render_infografis_rekap.py"
