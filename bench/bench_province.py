"""Benchmark: a synthetic province (200 units, ~100,000 responses) through the whole workflow.

Not part of the test command. Run from the repository root:

    python bench/bench_province.py [--units 200] [--responses 100000] [--cores 2] [--keep DIR]

Reports Snakemake's DAG build time (a dry run), the total wall time of `snakemake --cores N`,
and from the rules' `benchmark:` files the seconds per unit for ingest, scoring, figures and
rendering, and the peak memory (max RSS) of any job.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="run here and keep the outputs")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="skm-province-"))
    work.mkdir(parents=True, exist_ok=True)
    for name in ("Snakefile", "config.yaml"):
        shutil.copy2(ROOT / name, work / name)
    for name in ("workflow", "notebooks"):
        shutil.copytree(ROOT / name, work / name, dirs_exist_ok=True)
    from skm.synth import make_province

    make_province(work / "data" / "raw", n_units=args.units, total_responses=args.responses,
                  seed=0)
    snake = [sys.executable, "-m", "snakemake", "--cores", str(args.cores)]
    t = time.perf_counter()
    subprocess.run([*snake, "--dry-run", "-q"], cwd=work, check=True, capture_output=True)
    dag = time.perf_counter() - t
    t = time.perf_counter()
    proc = subprocess.run([*snake, "-q", "--keep-going"], cwd=work, capture_output=True,
                          text=True)
    wall = time.perf_counter() - t
    per_rule: dict[str, list[float]] = defaultdict(list)
    peak = 0.0
    for tsv in (work / "benchmarks").rglob("*.tsv"):
        with open(tsv, encoding="utf-8") as fh:
            row = next(csv.DictReader(fh, delimiter="\t"))
        per_rule[tsv.stem].append(float(row["s"]))
        if row.get("max_rss") not in (None, "", "NA", "-"):
            peak = max(peak, float(row["max_rss"]))
    print(f"{args.units} units, {args.responses:,} responses, --cores {args.cores}")
    print(f"DAG build (dry run): {dag:.1f} s")
    print(f"total wall time: {wall:.0f} s (exit {proc.returncode})")
    for rule, secs in sorted(per_rule.items()):
        print(f"{rule:24s} n={len(secs):4d}  mean {statistics.mean(secs):6.2f} s/unit  "
              f"max {max(secs):6.2f} s")
    print(f"peak memory of any benchmarked job: {peak:.0f} MB")
    if proc.returncode:
        print(proc.stderr[-3000:])
    if args.keep is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
