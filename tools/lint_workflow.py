"""Snakemake's linter on the workflow, as a gate: fails when any lint other than the accepted
one is left.

The accepted lint is "Specify a conda environment or container for each rule": the pipeline's
software is installed with pip from requirements.lock (README), and no conda channel or container
registry is reachable where it runs, so a `conda:`/`container:` directive would be a placeholder.

    python tools/lint_workflow.py [Snakefile]

The JSON comes from Snakemake's own API (`WorkflowApi.lint(json=True)`, what
`snakemake --lint json` is meant to print; the 9.x command line prints text whatever the format
asked). Exit status: 0 clean, 1 lints left (listed), 2 the workflow could not be linted.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
from pathlib import Path
from unittest import mock

ACCEPTED = {"Specify a conda environment or container for each rule."}


def lint_json(snakefile: Path) -> dict:
    """{"snakefiles": [...], "rules": [...]} as Snakemake's linter reports them."""
    from snakemake.api import SnakemakeApi
    from snakemake.settings.types import OutputSettings, ResourceSettings

    out = io.StringIO()
    dumps = json.dumps  # Snakemake's JSON holds the snakefiles as objects: print them as text
    with (
        mock.patch.object(json, "dumps", lambda obj, **kw: dumps(obj, default=str, **kw)),
        SnakemakeApi(OutputSettings()) as api,
    ):
        workflow = api.workflow(
            resource_settings=ResourceSettings(),
            snakefile=snakefile.resolve(),
            workdir=snakefile.resolve().parent,
        )
        with contextlib.redirect_stdout(out):
            workflow.lint(json=True)
    return json.loads(out.getvalue())


def remaining(report: dict) -> list[str]:
    """'<where>: <lint title>' for every lint not accepted."""
    left = []
    for kind in ("snakefiles", "rules"):
        for item in report.get(kind, []):
            where = item["for"]
            name = f"rule {where['rule']}" if "rule" in where else where["snakefile"]
            for lint in item["lints"]:
                if lint["title"] not in ACCEPTED:
                    left.append(f"{name}: {lint['title']}")
    return left


def main(argv: list[str]) -> int:
    """Lint the Snakefile (argv[0], default ./Snakefile); print what is left."""
    snakefile = Path(argv[0] if argv else "Snakefile")
    try:
        report = lint_json(snakefile)
    except Exception as exc:  # noqa: BLE001 - the gate reports why it could not lint
        print(f"snakemake lint failed: {exc}", file=sys.stderr)
        return 2
    total = sum(len(i["lints"]) for k in ("snakefiles", "rules") for i in report.get(k, []))
    left = remaining(report)
    for line in left:
        print(line)
    print(f"snakemake lint: {total} lints, {len(left)} not accepted", file=sys.stderr)
    return 1 if left else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
