# The end of a run: units that could not be processed, and the summary printed by the
# onsuccess/onerror handlers of the Snakefile.
#
# A unit whose exports cannot be read is not a failed job (that would print Snakemake's error
# block and a CalledProcessError after our message): the checkpoint validate_responses records
# the reason, `rule all` then asks for the unit's failure report instead of its documents, and
# that job prints the reason once. The summary handlers read the failure reports and delete
# them, so every later run prints the reason again and ends with an error until it is fixed.
import sys

from snakemake.logging import logger

from skm.summary import format_summary, unit_year_status

BAD_NAMES_REPORT = "logs/_nama_folder_tidak_sah.txt"


def failure_report(unit, year):
    """The failure report a unit-year's job writes (it exists only until the run ends)."""
    return f"logs/{unit}/{year}/gagal.txt"


rule report_unit_failure:
    input:
        unpack(failure_inputs),
    output:
        "logs/{unit}/{year}/gagal.txt",
    localrule: True
    params:
        reason=failure_reason,
    script:
        "../scripts/report_failure.py"


rule report_bad_unit_names:
    output:
        BAD_NAMES_REPORT,
    localrule: True
    params:
        reason="\n".join(hint for _, hint in sorted(BAD_UNITS.items())),
    script:
        "../scripts/report_failure.py"


def print_run_summary():
    """Log the run summary (every selected unit-year, each recap, unusable folder names),
    delete this run's failure reports; True when one of them was there (the run failed).
    """
    failures = {}
    for unit, year in UNIT_YEARS:
        path = Path(failure_report(unit, year))
        if path.is_file():
            failures[(unit, year)] = path.read_text(encoding="utf-8")
            path.unlink()
    bad_names_reported = Path(BAD_NAMES_REPORT).is_file()
    Path(BAD_NAMES_REPORT).unlink(missing_ok=True)
    statuses = [
        unit_year_status(
            unit,
            year,
            [*documents_of(unit, year), f"{REPORTS}/{unit}/{year}/manifest.json"],
            processed_dir=PROCESSED,
            logs_dir="logs",
            failure=failures.get((unit, year)),
        )
        for unit, year in UNIT_YEARS
    ]
    rekaps = {year: rekap_documents(year) for year in rekap_years()}
    logger.info(format_summary(statuses, rekaps, BAD_UNITS))
    return bool(failures) or bad_names_reported
