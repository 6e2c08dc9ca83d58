# The end of a run: units that could not be processed. The summary itself is printed by the
# onsuccess/onerror handlers of the Snakefile (print_run_summary, common.smk).
#
# A unit whose exports cannot be read is not a failed job (that would print Snakemake's error
# block and a CalledProcessError after our message): the checkpoint validate_responses records
# the reason, the default target then asks for the unit's failure report instead of its
# documents, and that job prints the reason once. The summary handlers read the failure reports
# and delete them, so every later run prints the reason again and ends with an error until it
# is fixed.


rule report_unit_failure:
    input:
        unpack(failure_inputs),
    output:
        layout.logs(*UY, "gagal.txt"),
    log:
        "logs/{unit}/{year}/report_unit_failure.log",
    localrule: True
    params:
        reason=failure_reason,
    script:
        "../scripts/report_failure.py"


rule report_bad_unit_names:
    output:
        BAD_NAMES_REPORT,
    log:
        "logs/report_bad_unit_names.log",
    localrule: True
    params:
        reason=bad_names_reason,
    script:
        "../scripts/report_failure.py"
