# SKM pipeline (PermenPANRB 14/2017): raw Google Form exports -> validated, scored data -> reports.
from snakemake.utils import min_version

min_version("9.0")


configfile: "config.yaml"


# `snakemake --report laporan-run.html` after a run: the run report with the documents.
report: "workflow/report/workflow.rst"


include: "workflow/rules/common.smk"
include: "workflow/rules/ingest.smk"
include: "workflow/rules/score.smk"
include: "workflow/rules/tindak_lanjut.smk"
include: "workflow/rules/report.smk"
include: "workflow/rules/archive.smk"
include: "workflow/rules/rekap.smk"
include: "workflow/rules/summary.smk"


rule all:
    default_target: True
    input:
        *all_outputs(),


# The run ends with a summary (in Indonesian): per unit-year the documents written or the first
# line of its error, the recap, unusable unit folder names. A unit that could not be read makes
# the run end with an error although no job failed (see workflow/rules/summary.smk).
onsuccess:
    stop_replan_timers()
    if print_run_summary():
        sys.exit(1)


onerror:
    stop_replan_timers()
    print_run_summary()
