"""Benchmark: 1,000,000 responses of one unit-year, ingest + validation + scoring.

Not part of the test command. Run from the repository root:

    python bench/bench_ingest.py [--rows 1000000]

Times, in one run on the same file: pandas.read_csv (C engine, default and dtype=str; pyarrow
engine), then ingest+validation, then scoring, each in a fresh process so peak memory (max RSS)
is per stage. Also times a no-op rerun of `snakemake --cores 1` on the shipped sample.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))  # synth.py: the test-data generator

STAGES = {
    "read_csv_c": "import pandas as pd; pd.read_csv(P)",
    "read_csv_c_str": "import pandas as pd; pd.read_csv(P, dtype=str, keep_default_na=False)",
    "read_csv_pyarrow": "import pandas as pd; pd.read_csv(P, engine='pyarrow')",
    "ingest_validate": (
        "from skm.ingest.unit import ingest; from skm.ingest.settings import load_config, load_unit_year; "
        "s = load_unit_year(RAW, 'besar', 2024, load_config(CFG)); R = ingest([Path(P)], s)"
    ),
    "ingest_validate_score": (
        "from skm.ingest.unit import ingest; from skm.scoring.ikm import score; "
        "from skm.ingest.settings import load_config, load_unit_year; "
        "s = load_unit_year(RAW, 'besar', 2024, load_config(CFG)); R = ingest([Path(P)], s); "
        "score(R.responses, R.quality, s)"
    ),
}


def timed(stage: str, path: Path, raw: Path) -> dict:
    code = (
        "import time, resource, json; from pathlib import Path\n"
        f"P = {str(path)!r}; RAW = {str(raw)!r}; CFG = {str(ROOT / 'config.yaml')!r}\n"
        "t = time.perf_counter()\n"
        f"{STAGES[stage]}\n"
        "print(json.dumps({'seconds': time.perf_counter() - t, "
        "'max_rss_mb': resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        year = raw / "besar" / "2024"
        year.mkdir(parents=True)
        (raw / "besar" / "unit.yaml").write_text(
            "name: Unit Besar\npopulation: 5000000\ntimezone: WIB\n", encoding="utf-8"
        )
        path = year / "Form Responses 1.csv"
        # Generate in a child process: Linux keeps a process's peak RSS across exec, so a big
        # parent would inflate every stage's measured peak.
        subprocess.run(
            [
                sys.executable,
                "-c",
                (
                    f"import sys; sys.path.insert(0, {str(ROOT / 'tools')!r}); import synth; "
                    f"synth.write_forms_csv(synth.make_large({args.rows}, seed=0, year=2024), "
                    f"{str(path)!r}, utc_offset=7, variation=0)"
                ),
            ],
            check=True,
        )
        print(f"{args.rows:,} rows, {path.stat().st_size / 1e6:.0f} MB")
        results = {stage: timed(stage, path, raw) for stage in STAGES}
    for stage, r in results.items():
        print(f"{stage:24s} {r['seconds']:7.2f} s   max RSS {r['max_rss_mb']:7.0f} MB")
    base = results["read_csv_c"]["seconds"]
    full = results["ingest_validate_score"]["seconds"]
    print(f"ingest+validate+score / read_csv (C, default)   = {full / base:.2f}x")
    print(
        f"ingest+validate+score / read_csv (C, dtype=str) = "
        f"{full / results['read_csv_c_str']['seconds']:.2f}x"
    )
    print(
        f"ingest+validate+score / read_csv (pyarrow)      = "
        f"{full / results['read_csv_pyarrow']['seconds']:.2f}x"
    )

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for name in ("Snakefile", "config.yaml"):
            shutil.copy2(ROOT / name, work / name)
        for name in ("workflow", "notebooks"):
            shutil.copytree(ROOT / name, work / name)
        shutil.copytree(ROOT / "data" / "raw", work / "data" / "raw")
        cmd = [sys.executable, "-m", "snakemake", "--cores", "1", "-q"]
        subprocess.run(cmd, cwd=work, check=True, capture_output=True)
        t = time.perf_counter()
        subprocess.run(cmd, cwd=work, check=True, capture_output=True)
        print(f"no-op rerun of snakemake --cores 1: {time.perf_counter() - t:.2f} s")


if __name__ == "__main__":
    main()
