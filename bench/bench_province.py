"""Benchmark: a synthetic province (200 units, ~100,000 responses) through the whole workflow.

Not part of the test command. Run from the repository root:

    python bench/bench_province.py [--units 200] [--responses 100000] [--cores 2] [--keep DIR]
    python bench/bench_province.py --dry-run-only --units 2000     # the DAG of a national run
    python bench/bench_province.py --slurm --units 20               # on a SLURM cluster

Reports
- Snakemake's DAG build time (a dry run of the fresh project),
- the total wall time of `snakemake --cores N` (with the workflow's default profile, as a user
  runs it) and per unit, the CPU time the Snakemake process itself used (scheduling) and its
  share of all CPU seconds, and the CPU time of the jobs it ran,
- with --slurm (run through profiles/slurm on the cluster this machine submits to; --cores is
  then not used): the SLURM jobs submitted and the most and the mean per unit-year,
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
import csv
import json
import re
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
sys.path.insert(0, str(ROOT / "tools"))  # synth.py (the test-data generator), slurm_jobs.py
sys.path.insert(0, str(ROOT / "workflow"))  # skm (the render logs' stage names)

#: Rules that ingest and score one unit-year (with its figures and workbook) / render its
#: documents.
SCORING = ("validate_responses", "analyse_responses")
RENDERING = ("render_laporan", "render_tindak_lanjut")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run_snakemake(args: list[str], cwd: Path) -> tuple[float, float, float, int, str]:
    """Run Snakemake; return wall seconds, its own CPU seconds, the CPU seconds of all it ran
    (jobs and their children), exit status and what it printed (stderr)."""
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
        text = err.read().decode("utf-8", "replace")
    return wall, own, _children_cpu() - before - own, proc.returncode, text


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


def in_process_rules(root: Path) -> set[str]:
    """Rules with a `run:` block: they run in a thread of the Snakemake process (the default
    profile's force-use-threads), so their `benchmark:` file measures that whole process, with
    whatever job runs beside it, not a job of their own."""
    found = set()
    for smk in (root / "workflow" / "rules").glob("*.smk"):
        for block in re.split(
            r"^(?=(?:rule|checkpoint) \w+:)", smk.read_text("utf-8"), flags=re.MULTILINE
        ):
            head = re.match(r"(?:rule|checkpoint) (\w+):", block)
            if head and re.search(r"^    run:", block, flags=re.MULTILINE):
                found.add(head.group(1))
    return found


def render_stages(work: Path) -> dict[str, dict[str, float]]:
    """Mean seconds per stage of each kind of document (from the render logs' "<document>:
    Dokumen dibuat dalam 7,5 detik (mulai kernel 1,0; eksekusi 3,4; ...)" lines)."""
    from skm.shim import _TIMING_NAMES

    names = {v: k for k, v in _TIMING_NAMES.items()}
    line_re = re.compile(r"INFO (.+?): Dokumen dibuat dalam ([\d,]+) detik(?: \((.*)\))?\.")
    stages: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for log in (work / "logs").rglob("render_*.log"):
        for m in line_re.finditer(log.read_text(encoding="utf-8")):
            doc = stages[m.group(1)]
            doc["total"].append(float(m.group(2).replace(",", ".")))
            for part in (m.group(3) or "").split("; "):
                name, _, value = part.rpartition(" ")
                if name in names:
                    doc[names[name]].append(float(value.replace(",", ".")))
    return {
        doc: {k: round(statistics.mean(v), 2) for k, v in values.items()}
        for doc, values in stages.items()
    }


def slurm_args() -> list[str]:
    """The shipped SLURM profile; a cluster without accounting answers through squeue."""
    args = ["--profile", "profiles/slurm"]
    if (
        shutil.which("sacct") is None
        or subprocess.run(
            ["sacct", "-n", "-X", "-S", "now"], capture_output=True, check=False
        ).returncode
    ):
        args += ["--slurm-status-command", "squeue"]
    return args


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=int, default=200)
    parser.add_argument("--responses", type=int, default=100_000)
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--keep", type=Path, default=None, help="run here and keep the outputs")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures here")
    parser.add_argument("--dry-runs", type=int, default=1, help="time the DAG this many times")
    parser.add_argument("--dry-run-only", action="store_true", help="only the DAG build time")
    parser.add_argument("--slurm", action="store_true", help="run through profiles/slurm")
    parser.add_argument(
        "--extra", default="", help="more snakemake arguments, e.g. scheduler settings to compare"
    )
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
    dags = []
    for _ in range(args.dry_runs):
        t = time.perf_counter()
        subprocess.run([*snake, "--dry-run", "-q"], cwd=work, check=True, capture_output=True)
        dags.append(time.perf_counter() - t)
    dag = statistics.median(dags)
    print(
        f"{args.units} units: DAG build (dry run) median {dag:.2f} s, "
        f"min {min(dags):.2f}, max {max(dags):.2f} ({len(dags)} runs)"
    )
    if args.dry_run_only:
        if args.keep is None:
            shutil.rmtree(work)
        return
    if args.slurm:
        run = [sys.executable, "-m", "snakemake", *slurm_args()]
    else:
        run = [*snake, "-q"]
    run += args.extra.split()
    wall, own, job_cpu, status, printed = run_snakemake(run, work)
    tail = printed[-3000:]

    rows = read_benchmarks(work)
    units = {r["unit"] for r in rows.get("validate_responses", [])}
    sizes = {
        u: sum(f.stat().st_size for f in (work / "data" / "raw" / u).rglob("*.csv")) for u in units
    }
    ranked = sorted(units, key=sizes.__getitem__)
    tenth = max(1, len(ranked) // 10)
    small, large = set(ranked[:tenth]), set(ranked[-tenth:])
    n = max(1, len(units))
    threaded = in_process_rules(work)
    report = {
        "units": args.units,
        "responses": args.responses,
        "cores": args.cores,
        "dag_build_s": round(dag, 2),
        "dag_build_s_runs": [round(d, 2) for d in dags],
        "wall_s": round(wall, 1),
        "exit": status,
        "wall_per_unit_s": round(wall / n, 2),
        "snakemake_cpu_s": round(own, 1),
        "snakemake_cpu_share": round(own / (own + job_cpu), 3) if own + job_cpu else None,
        "jobs_cpu_s": round(job_cpu, 1),
        "scoring_s_per_unit": round(
            sum(sum(r["s"] for r in rows[k]) / n for k in SCORING if k in rows), 2
        ),
        "rendering_s_per_unit": round(
            sum(sum(r["s"] for r in rows[k]) / n for k in RENDERING if k in rows), 2
        ),
        "all_jobs_s_per_unit": round(
            sum(r["s"] for k, v in rows.items() if not k.endswith("rekap") for r in v) / n, 2
        ),
        "render_stages_s": render_stages(work),
        "rules": {
            rule: {
                "jobs": len(v),
                "mean_s": round(statistics.mean(r["s"] for r in v), 2),
                "max_s": round(max(r["s"] for r in v), 2),
                "in_snakemake_process": rule in threaded,
                **(
                    {}
                    if rule in threaded
                    else {
                        "peak_rss_mb": round(max(r["rss"] for r in v)),
                        "peak_rss_mb_smallest_tenth": round(
                            max((r["rss"] for r in v if r["unit"] in small), default=0)
                        ),
                        "peak_rss_mb_largest_tenth": round(
                            max((r["rss"] for r in v if r["unit"] in large), default=0)
                        ),
                    }
                ),
            }
            for rule, v in sorted(rows.items())
        },
    }
    print(f"{args.units} units, {args.responses:,} responses, --cores {args.cores}")
    print(f"total wall time: {wall:.0f} s = {wall / n:.2f} s per unit (exit {status})")
    print(
        f"CPU: Snakemake itself {own:.0f} s ({report['snakemake_cpu_share']:.1%} of all), "
        f"its jobs {job_cpu:.0f} s"
    )
    if args.slurm:
        from slurm_jobs import per_unit_year, submissions

        found = submissions(printed)
        counts = per_unit_year(found)
        report["slurm_jobs"] = len(found)
        report["slurm_jobs_per_unit_year_max"] = max(counts.values(), default=0)
        report["slurm_jobs_per_unit_year_mean"] = round(len(found) / max(1, len(counts)), 2)
        print(
            f"SLURM: {len(found)} jobs for {len(counts)} unit-years, at most "
            f"{report['slurm_jobs_per_unit_year_max']} per unit-year (all jobs / unit-years: "
            f"{report['slurm_jobs_per_unit_year_mean']})"
        )
    print(
        f"per unit: scoring {report['scoring_s_per_unit']} s, rendering "
        f"{report['rendering_s_per_unit']} s, all jobs {report['all_jobs_s_per_unit']} s"
    )
    for doc, stages in report["render_stages_s"].items():
        print(f"render stages of {doc} (mean s): {stages}")
    print(
        f"{'rule':24s} {'jobs':>5s} {'mean s':>7s} {'max s':>7s} "
        f"{'peak MB':>8s} {'small':>6s} {'large':>6s}"
    )
    for rule, r in report["rules"].items():
        memory = (
            f"{'(runs in the Snakemake process)':>22s}"
            if r["in_snakemake_process"]
            else f"{r['peak_rss_mb']:8d} "
            f"{r['peak_rss_mb_smallest_tenth']:6d} {r['peak_rss_mb_largest_tenth']:6d}"
        )
        print(f"{rule:24s} {r['jobs']:5d} {r['mean_s']:7.2f} {r['max_s']:7.2f} {memory}")
    if args.json:
        args.json.write_text(json.dumps(report, indent=2), encoding="utf-8")
    if status:
        print(tail)
    if args.keep is None:
        shutil.rmtree(work)


if __name__ == "__main__":
    main()
