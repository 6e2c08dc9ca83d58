"""bench/bench_province.py, the province benchmark (not run by the test command itself)."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_bench_names_the_rules_that_run_in_snakemakes_process(tmp_path):
    """bench_province.py reports no memory of its own for a `run:` rule: its benchmark file
    measures the Snakemake process (and the job beside it), not the rule."""
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from bench_province import in_process_rules
    finally:
        sys.path.remove(str(ROOT / "bench"))
    rules = tmp_path / "workflow" / "rules"
    rules.mkdir(parents=True)
    (rules / "a.smk").write_text(
        "rule shelled:\n    output: 'a'\n    shell: 'touch {output}'  # not run: here\n\n\n"
        "checkpoint scripted:\n    output: 'b'\n    script: 'x.py'\n\n\n"
        "rule threaded:\n    output: 'c'\n    run:\n        open(output[0], 'w')\n",
        encoding="utf-8",
    )
    assert in_process_rules(tmp_path) == {"threaded"}
    assert in_process_rules(ROOT) == {"write_manifest"}
