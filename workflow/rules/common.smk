# Config validation, unit/year discovery and the small input functions the rules share.
from pathlib import Path

from snakemake.utils import validate

from skm.settings import unit_year_dirs


validate(config, "../schemas/config.schema.yaml")

RAW = "data/raw"
PROCESSED = "data/processed"
REPORTS = "reports"


def selected_unit_years():
    """Every <unit>/<year> folder under data/raw/, restricted by config `units`/`years`."""
    found = unit_year_dirs(RAW) if Path(RAW).is_dir() else []
    return [
        (unit, year)
        for unit, year in found
        if (not config["units"] or unit in config["units"])
        and (not config["years"] or year in config["years"])
    ]


UNIT_YEARS = selected_unit_years()


wildcard_constraints:
    unit="[A-Za-z0-9][A-Za-z0-9_.-]*",
    year="[0-9]{4}",


def optional(path):
    """[path] when the file exists, else []: a missing file is reported by the job, not the DAG."""
    return [path] if Path(path).exists() else []


def exports_of(wildcards):
    """The unit-year's exports (*.csv, *.xlsx) as downloaded; none is an error the job reports."""
    folder = Path(RAW, wildcards.unit, wildcards.year)
    files = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    return sorted(
        str(p)
        for p in files
        if p.suffix.lower() in {".csv", ".xlsx"} and not p.name.startswith(("~$", "."))
    )


def unit_inputs(wildcards):
    """unit.yaml and the optional survei.yaml of a unit-year."""
    return {
        "unit_yaml": optional(f"{RAW}/{wildcards.unit}/unit.yaml"),
        "survei_yaml": optional(f"{RAW}/{wildcards.unit}/{wildcards.year}/survei.yaml"),
    }


def all_outputs():
    """Every document of every selected unit-year."""
    return [
        path
        for unit, year in UNIT_YEARS
        for path in expand(
            f"{REPORTS}/{{unit}}/{{year}}/laporan-skm-{{unit}}-{{year}}.{{ext}}",
            unit=unit,
            year=year,
            ext=["pdf", "docx", "html", "xlsx"],
        )
    ]
