"""Snakemake shim: print why a unit-year (or a unit folder) is not processed, once, and write
it to the failure report that the run summary reads (rules report_unit_failure,
report_bad_unit_names)."""

import sys
from pathlib import Path

snakemake = globals()["snakemake"]

wildcards = dict(snakemake.wildcards.items())
reason = snakemake.params.reason
if wildcards:
    print(
        f"ERROR {wildcards['unit']}/{wildcards['year']} tidak dapat diolah: {reason}",
        file=sys.stderr,
    )
else:
    for line in reason.splitlines():
        print(f"ERROR {line}", file=sys.stderr)
Path(snakemake.output[0]).write_text(reason + "\n", encoding="utf-8")
Path(snakemake.log[0]).write_text(reason + "\n", encoding="utf-8")
