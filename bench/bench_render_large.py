"""Benchmark: the Laporan SKM of one unit of 1,000,000 responses (render memory is bounded).

Not part of the test command. Run from the repository root:

    python bench/bench_render_large.py [--rows 1000000] [--keep DIR]

Builds a project copy with one synthetic unit (`synth.make_large`, 30 % of rows with a saran),
runs `snakemake --cores 2` up to the PDF/DOCX/HTML of its Laporan SKM, and prints the wall
time and peak RSS of every job from its Snakemake `benchmark:` file, plus the PDF's pages.
"""

from __future__ import annotations

import argparse
import csv
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tools"))  # synth.py: the test-data generator


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="skm-bench-render-"))
    try:
        for name in ("Snakefile", "config.yaml"):
            shutil.copy2(ROOT / name, work / name)
        for name in ("workflow", "notebooks", "profiles"):
            shutil.copytree(
                ROOT / name,
                work / name,
                dirs_exist_ok=True,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
        year = work / "data" / "raw" / "besar" / "2024"
        year.mkdir(parents=True, exist_ok=True)
        (year.parent / "unit.yaml").write_text(
            "name: Unit Besar\npopulation: 5000000\ntimezone: WIB\n", encoding="utf-8"
        )
        export = year / "Form Responses 1.csv"
        if not export.exists():
            subprocess.run(
                [
                    sys.executable,
                    "-c",
                    (
                        f"import sys; sys.path.insert(0, {str(ROOT / 'tools')!r}); import synth; "
                        f"synth.write_forms_csv(synth.make_large({args.rows}, seed=0, year=2024), "
                        f"{str(export)!r}, utc_offset=7, variation=0)"
                    ),
                ],
                check=True,
            )
        print(f"{args.rows:,} rows, {export.stat().st_size / 1e6:.0f} MB")
        target = "reports/besar/2024/laporan-skm-besar-2024.pdf"
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "snakemake", "--cores", "2", target],
            cwd=work,
            check=True,
            capture_output=True,
        )
        print(f"snakemake up to the Laporan SKM: {time.perf_counter() - start:.0f} s")
        for tsv in sorted((work / "benchmarks" / "besar" / "2024").glob("*.tsv")):
            with open(tsv, encoding="utf-8") as fh:
                row = next(csv.DictReader(fh, delimiter="\t"))
            print(f"{tsv.stem:24s} {float(row['s']):8.1f} s   max RSS {row['max_rss']:>9s} MB")
        pdf = work / target
        pages = subprocess.run(
            ["pdfinfo", str(pdf)], capture_output=True, text=True, check=False
        ).stdout
        print(next((line for line in pages.splitlines() if line.startswith("Pages")), ""))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
