"""Benchmark: a synthetic province (200 units, ~100,000 responses) through the whole workflow.

Not part of the test command. Run from the repository root:

    python bench/bench_province.py [--units 200] [--responses 100000] [--cores 2] [--keep DIR]

Reports
- Snakemake's DAG build time (a dry run of the fresh project),
- the total wall time of `snakemake --cores N` (with the workflow's default profile, as a user
  runs it), the CPU time the Snakemake process itself used (scheduling) and the CPU time of
  the jobs it ran,
- per rule, from the rules' `benchmark:` files: jobs, mean and max seconds, mean CPU seconds,
  peak memory (max RSS of the job's process tree),
- the seconds per unit for ingest + scoring and for rendering (figures and documents),
- where a document's rendering time goes (kernel start-up, execution, pandoc per format,
  typst), from the "rendered in" lines of the render logs,
- peak memory per rule for the smallest and the largest units, to show it does not grow with
  the number of units.
"""

from __future__ import annotations

import argparse
import ast
import csv
import json
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))  # synth.py: the test-data generator

#: Rules that ingest and score one unit-year / draw and render its documents.
SCORING = ("validate_responses", "score_responses")
RENDERING = ("plot_figures", "render_laporan", "render_tindak_lanjut")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_snakemake(args: list[str], cwd: Path) -> tuple[float, float, float, int, str]:
    """Run Snakemake; return wall seconds, its own CPU seconds, the CPU seconds of all it ran
    (jobs and their children), exit status and stderr tail."""
    before = _children_cpu()
    t = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(args, cwd=cwd, stdout=subprocess.DEVNULL, stderr=err)
        main = psutil.Process(proc.pid)
        own = 0.0
        while proc.poll() is None:
            try:
                times = main.cpu_times()
                own = times.user + times.system
            except psutil.Error:
                pass
            time.sleep(0.5)
        wall = time.perf_counter() - t
        err.seek(0)
        tail = err.read().decode("utf-8", "replace")[-3000:]
    return wall, own, _children_cpu() - before - own, proc.returncode, tail


def read_benchmarks(work: Path) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = defaultdict(list)
    for tsv in (work / "benchmarks").rglob("*.tsv"):
        with open(tsv, encoding="utf-8") as fh:
            row = next(csv.DictReader(fh, delimiter="\t"))
        unit = tsv.parent.parent.name
        rows[tsv.stem].append(
            {
                "unit": unit,
                "s": float(row["s"]),
                "rss": float(row["max_rss"])
                if row.get("max_rss") not in (None, "", "NA", "-")
                else 0.0,
            }
        )
    return rows


def render_stages(work: Path) -> dict[str, float]:
    """Mean seconds per stage over every document rendered (from the render logs)."""
    stages: dict[str, list[float]] = defaultdict(list)
    for log in (work / "logs").rglob("render_*.log"):
        for line in log.read_text(encoding="utf-8").splitlines():
            if "rendered in " in line:
                for key, value in ast.literal_eval(line.split("rendered in ", 1)[1]).items():
                    stages[key].append(float(value))
    return {key: statistics.mean(values) for key, values in stages.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="run here and keep the outputs")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="skm-province-"))
    work.mkdir(parents=True, exist_ok=True)
    for name in ("Snakefile", "config.yaml"):
        shutil.copy2(ROOT / name, work / name)
    for name in ("workflow", "notebooks", "profiles"):
        shutil.copytree(ROOT / name, work / name, dirs_exist_ok=True)
    from synth import make_province

    make_province(work / "data" / "raw", n_units=args.units, total_responses=args.responses, seed=0)
    snake = [sys.executable, "-m", "snakemake", "--cores", str(args.cores)]
    t = time.perf_counter()
    subprocess.run([*snake, "--dry-run", "-q"], cwd=work, check=True, capture_output=True)
    dag = time.perf_counter() - t
    wall, own, job_cpu, status, tail = run_snakemake([*snake, "-q"], work)

    rows = read_benchmarks(work)
    units = {r["unit"] for r in rows.get("validate_responses", [])}
    sizes = {
        u: sum(f.stat().st_size for f in (work / "data" / "raw" / u).rglob("*.csv")) for u in units
    }
    ranked = sorted(units, key=sizes.__getitem__)
    tenth = max(1, len(ranked) // 10)
    small, large = set(ranked[:tenth]), set(ranked[-tenth:])
    n = max(1, len(units))
    report = {
        "units": args.units,
        "responses": args.responses,
        "cores": args.cores,
        "dag_build_s": round(dag, 2),
        "wall_s": round(wall, 1),
        "exit": status,
        "wall_per_unit_s": round(wall / n, 2),
        "snakemake_cpu_s": round(own, 1),
        "jobs_cpu_s": round(job_cpu, 1),
        "scoring_s_per_unit": round(
            sum(statistics.mean(r["s"] for r in rows[k]) for k in SCORING if k in rows), 2
        ),
        "rendering_s_per_unit": round(
            sum(sum(r["s"] for r in rows[k]) / n for k in RENDERING if k in rows), 2
        ),
        "all_jobs_s_per_unit": round(
            sum(r["s"] for k, v in rows.items() if not k.endswith("rekap") for r in v) / n, 2
        ),
        "render_stages_s": {k: round(v, 2) for k, v in render_stages(work).items()},
        "rules": {
            rule: {
                "jobs": len(v),
                "mean_s": round(statistics.mean(r["s"] for r in v), 2),
                "max_s": round(max(r["s"] for r in v), 2),
                "peak_rss_mb": round(max(r["rss"] for r in v)),
                "peak_rss_mb_smallest_tenth": round(
                    max((r["rss"] for r in v if r["unit"] in small), default=0)
                ),
                "peak_rss_mb_largest_tenth": round(
                    max((r["rss"] for r in v if r["unit"] in large), default=0)
                ),
            }
            for rule, v in sorted(rows.items())
        },
    }
    print(f"{args.units} units, {args.responses:,} responses, --cores {args.cores}")
    print(f"DAG build (dry run): {dag:.1f} s")
    print(f"total wall time: {wall:.0f} s = {wall / n:.2f} s per unit (exit {status})")
    print(f"CPU: Snakemake itself {own:.0f} s, its jobs {job_cpu:.0f} s")
    print(
        f"per unit: scoring {report['scoring_s_per_unit']} s, rendering "
        f"{report['rendering_s_per_unit']} s, all jobs {report['all_jobs_s_per_unit']} s"
    )
    print("render stages (mean s per document):", report["render_stages_s"])
    print(
        f"{'rule':24s} {'jobs':>5s} {'mean s':>7s} {'max s':>7s} "
        f"{'peak MB':>8s} {'small':>6s} {'large':>6s}"
    )
    for rule, r in report["rules"].items():
        print(
            f"{rule:24s} {r['jobs']:5d} {r['mean_s']:7.2f} {r['max_s']:7.2f} "
            f"{r['peak_rss_mb']:8d} "
            f"{r['peak_rss_mb_smallest_tenth']:6d} {r['peak_rss_mb_largest_tenth']:6d}"
        )
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    if status:
        print(tail)
    if args.keep is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
