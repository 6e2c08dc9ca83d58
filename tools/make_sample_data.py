"""(Re)write the shipped synthetic sample, or a synthetic province for benchmarks.

Run from the repository root:

    python tools/make_sample_data.py                    # data/raw/biro-umum/...
    python tools/make_sample_data.py --province /tmp/prov --units 200 --responses 100000

The sample is a reconstruction of the published tables of one report (see tools/synth.py); the
seed is fixed, so re-running it gives byte-identical files.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from synth import make_province, write_sample


def main(argv: list[str] | None = None) -> None:
    """Parse the command line and write the files."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--raw-dir",
        type=Path,
        default=Path("data/raw"),
        help="where the sample unit folder goes (default: data/raw)",
    )
    parser.add_argument(
        "--province",
        type=Path,
        default=None,
        help="write a synthetic province (benchmark input) here instead",
    )
    parser.add_argument("--units", type=int, default=200, help="province: number of units")
    parser.add_argument(
        "--responses", type=int, default=100_000, help="province: total number of responses"
    )
    parser.add_argument("--seed", type=int, default=0, help="province: random seed")
    args = parser.parse_args(argv)
    if args.province is not None:
        units = make_province(
            args.province, n_units=args.units, total_responses=args.responses, seed=args.seed
        )
        print(f"{len(units)} unit folders written under {args.province}")
        return
    for path in write_sample(args.raw_dir):
        print(path)


if __name__ == "__main__":
    main()
