# SKM pipeline (PermenPANRB 14/2017): raw Google Form exports -> validated, scored data -> reports.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/score.smk"
include: "workflow/rules/figures.smk"
include: "workflow/rules/tindak_lanjut.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/archive.smk"
include: "workflow/rules/rekap.smk"


rule all:
    default_target: True
    input:
        all_outputs(),
