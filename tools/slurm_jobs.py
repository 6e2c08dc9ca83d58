"""The SLURM jobs a Snakemake run submitted, read from its output (bench/bench_province.py and
tests/test_slurm.py).

The SLURM executor plugin prints each job's block (a group job: one block per member job, with
its wildcards) and then "... has been submitted with SLURM jobid N". The blocks printed since
the previous submission belong to job N.
"""

from __future__ import annotations

import re
from collections import Counter

SUBMITTED = re.compile(r"has been submitted with SLURM jobid (\d+)")
WILDCARDS = re.compile(r"^\s*wildcards: unit=([\w-]+), year=(\d{4})$", re.MULTILINE)
# A job's block (indented inside a group job's block).
JOB_LINE = re.compile(r"^\s*(?:local)?(?:rule|checkpoint) (\w+):$", re.MULTILINE)


def submissions(output: str) -> dict[str, set[tuple[str, str]]]:
    """{SLURM job id: the (unit, year) of the jobs it runs} (an empty set: the recap's)."""
    found: dict[str, set[tuple[str, str]]] = {}
    start = 0
    for m in SUBMITTED.finditer(output):
        found[m.group(1)] = set(WILDCARDS.findall(output, start, m.start()))
        start = m.end()
    return found


def per_unit_year(found: dict[str, set[tuple[str, str]]]) -> Counter[tuple[str, str]]:
    """How many SLURM jobs ran jobs of each unit-year (a unit-year without any: absent)."""
    return Counter(uy for uys in found.values() for uy in uys)
