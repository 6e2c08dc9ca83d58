# Config validation, the unit-years to run and the small input functions the rules share.
# Where files live is skm.layout's knowledge (the rules and these functions only ask it).
import sys
from pathlib import Path

from snakemake.exceptions import WorkflowError
from snakemake.logging import logger
from snakemake.utils import validate

from skm import layout
from skm.io import read_json, value_file
from skm.audit.provenance import unit_config
from skm.errors import SkmInputError
from skm.ingest.settings import load_config
from skm.summary import format_summary, stop_replan_timers, unit_year_status

# config.yaml first through our own check (one line per problem, with its line number), then
# the merged config (with any --config overrides) against the same schema, filling defaults.
try:
    for _configfile in workflow.configfiles:
        load_config(_configfile)
except SkmInputError as _exc:
    raise WorkflowError(str(_exc)) from None
validate(config, "../schemas/config.schema.yaml")

# Path patterns of the rules: skm.layout's paths with the wildcards in them.
UY = ("{unit}", "{year}")


def processed(name):
    """data/processed/{unit}/{year}/<name>."""
    return layout.processed(*UY, name)


def document(kind, ext):
    """reports/{unit}/{year}/<document>-{unit}-{year}.<ext>."""
    return layout.document(kind, *UY, ext)


def rekap_processed(name):
    """data/processed/_rekap/{year}/<name>."""
    return layout.rekap_processed("{year}", name)


def rekap_document(kind, ext):
    """reports/rekap/{year}/<document>-{year}.<ext>."""
    return layout.rekap_document(kind, "{year}", ext)


def selected_unit_years():
    """Every <unit>/<year> folder under data/raw/, restricted by config `units`/`years`."""
    return [
        (unit, year)
        for unit, year in layout.unit_years()
        if (not config["units"] or unit in config["units"])
        and (not config["years"] or year in config["years"])
    ]


# A unit folder whose name cannot be a path and wildcard (a space, a non-ASCII letter, the
# reserved `rekap`) fails that unit only: it gets no jobs, and the recap and the run summary
# list it with a rename hint (skm.layout.rename_hint).
UNIT_YEARS = [(u, y) for u, y in selected_unit_years() if layout.rename_hint(u) is None]
BAD_UNIT_YEARS = [
    (u, y) for u, y in selected_unit_years() if layout.rename_hint(u) is not None
]
BAD_UNITS = {u: layout.rename_hint(u) for u, _ in BAD_UNIT_YEARS}

# The config.yaml keys a unit-year's processing reads (the rest, e.g. instansi, expected_units,
# units, only concern the recap or the selection): the ingest reads these from a value file
# (value_input) and writes them into the unit-year's settings.json, which provenance and the
# manifest record.
UNIT_CONFIG = unit_config(config)


def value_input(name, value):
    """A config value as a job's input file (skm.io.value_file): a changed value reruns the
    job, as a changed param would, without Snakemake importing pandas to compare params.
    So Snakemake compares no params at all. The failure reports have params, functions of
    `input`, which it does not compare (those reports are written anew every run).
    """
    return value_file(value, name, layout.VALUES)


# On a cluster (SLURM) every job of a unit after its ingest runs in one cluster job: the
# group's jobs that depend on each other (a unit's years do, through the trend and the
# follow-up) are submitted together. The ingest is a checkpoint and stays a job of its own
# (checkpoints inside groups: snakemake#2151). Locally, Snakemake ignores groups.
UNIT_GROUP = "unit"
# The recap of a year: its data, its document and its infographic in one cluster job.
REKAP_GROUP = "rekap"

# Written by the failure jobs, read and deleted by the run summary (see summary.smk).
BAD_NAMES_REPORT = layout.logs_file("_nama_folder_tidak_sah.txt")


wildcard_constraints:
    unit=layout.WILDCARD_PATTERN,
    year=layout.YEAR_PATTERN,


def optional(path):
    """[path] when the file exists, else []: a missing file is reported by the job, not the DAG."""
    return [path] if path is not None and Path(path).exists() else []


def exports_of(wildcards):
    """The unit-year's exports as downloaded; none is an error the job reports."""
    return layout.exports(wildcards.unit, wildcards.year)


def unit_inputs(wildcards):
    """unit.yaml and the optional survei.yaml of a unit-year."""
    return {
        "unit_yaml": optional(layout.unit_yaml(wildcards.unit)),
        "survei_yaml": optional(
            layout.raw_file(wildcards.unit, wildcards.year, layout.SURVEI_YAML)
        ),
    }


def logo_of(wildcards):
    """The logo file unit.yaml names, when it exists: the documents' covers read it, so the
    render rules declare it (a changed logo reruns them)."""
    return optional(layout.logo(wildcards.unit))


def photos_of(wildcards):
    """Photos in data/raw/<unit>/<year>/dokumentasi/ (documentation and RTL evidence)."""
    return layout.photos(wildcards.unit, wildcards.year)


def tren_inputs(wildcards):
    """ikm.json of every earlier year of the unit (the trend; the job scores its own year)."""
    year = int(wildcards.year)
    return {
        "ikms": [
            layout.processed(wildcards.unit, y, "ikm.json")
            for y in layout.years(wildcards.unit)
            if y < year
        ],
        "unit_yaml": optional(layout.unit_yaml(wildcards.unit)),
    }


def tindak_lanjut_inputs(wildcards):
    """The plan, its realisation, the survey it follows and the next survey, if any."""
    unit, year = wildcards.unit, int(wildcards.year)
    nxt = year + 1
    return {
        "rtl": layout.raw_file(unit, year, layout.RTL_YAML),
        "realisasi": layout.raw_file(unit, year, layout.REALISASI_YAML),
        "ikm": layout.processed(unit, year, "ikm.json"),
        "ikm_next": (
            [layout.processed(unit, nxt, "ikm.json")]
            if nxt in layout.years(unit)
            else []
        ),
        "bukti": photos_of(wildcards),
        "rtl_next": optional(layout.raw_file(unit, nxt, layout.RTL_YAML)),
    }


def optional_rtl(unit, year):
    """[rtl.json of the unit-year] when its rtl.yaml exists, else []."""
    if layout.has_raw_file(unit, year, layout.RTL_YAML):
        return [layout.processed(unit, year, "rtl.json")]
    return []


def laporan_inputs(wildcards):
    """Optional inputs of the Laporan SKM: the year's RTL and last year's realisation."""
    unit, year = wildcards.unit, int(wildcards.year)
    prev = year - 1
    has_prev = layout.has_raw_file(unit, prev, layout.REALISASI_YAML)
    return {
        "rtl": optional_rtl(unit, year),
        "tl_prev": (
            [layout.processed(unit, prev, "tindak_lanjut.json")] if has_prev else []
        ),
        "ikm_prev": [layout.processed(unit, prev, "ikm.json")] if has_prev else [],
        "foto_prev": [layout.processed(unit, prev, "foto")] if has_prev else [],
    }


def provenance_extras(wildcards):
    """Raw files a Laporan SKM also rests on: the exports (and survei.yaml) of the earlier
    years whose IKM its trend shows, and the photos it prints (this year's; last year's in
    Lampiran 4)."""
    unit, year = wildcards.unit, int(wildcards.year)
    trend = []
    for y in layout.years(unit):
        if y < year:
            trend += layout.exports(unit, y)
            trend += optional(layout.raw_file(unit, y, layout.SURVEI_YAML))
    photos = layout.photos(unit, year)
    if layout.has_raw_file(unit, year - 1, layout.REALISASI_YAML):
        photos += layout.photos(unit, year - 1)
    return {"trend_inputs": trend, "photos": photos}


def infografis_inputs(wildcards):
    """Optional input of the infographic: the year's RTL (validated), when rtl.yaml exists."""
    return {"rtl": optional_rtl(wildcards.unit, wildcards.year)}


def plan_inputs(wildcards):
    """Raw RTL files a Laporan SKM shows: its own year's plan, last year's plan and realisation."""
    unit, year = wildcards.unit, int(wildcards.year)
    return {
        "plans": optional(layout.raw_file(unit, year, layout.RTL_YAML))
        + optional(layout.raw_file(unit, year - 1, layout.RTL_YAML))
        + optional(layout.raw_file(unit, year - 1, layout.REALISASI_YAML)),
    }


def units_of_year(year):
    """Selected units with a folder for `year`."""
    return sorted(u for u, y in UNIT_YEARS if y == int(year))


def bad_units_of_year(year):
    """{folder name: rename hint} of the year's unit folders whose names are not usable."""
    return {u: BAD_UNITS[u] for u, y in BAD_UNIT_YEARS if y == int(year)}


def units_found(wildcards):
    """The units that have a folder for the recap's year (usable names or not)."""
    return sorted([*units_of_year(wildcards.year), *bad_units_of_year(wildcards.year)])


def rekap_units(wildcards):
    """The recap's units as a value file: `expected` (config `expected_units`), `found` (the
    units with a folder for the year) and `bad_names` ({folder name: rename hint})."""
    units = {
        "expected": list(config["expected_units"]),
        "found": units_found(wildcards),
        "bad_names": bad_units_of_year(wildcards.year),
    }
    return value_input(f"rekap-units-{wildcards.year}", units)


def instansi(wildcards):
    """config `instansi` as a value file ({"instansi": name or null})."""
    return value_input("instansi", {"instansi": config["instansi"]})


def rekap_years():
    """Years that get a recap across units: two units or more, or expected units configured."""
    years = sorted({y for _, y in UNIT_YEARS + BAD_UNIT_YEARS})
    return [
        y
        for y in years
        if len(units_of_year(y)) + len(bad_units_of_year(y)) >= 2
        or config["expected_units"]
    ]


def rekap_inputs(wildcards):
    """ikm.json of every unit of the year that could be read (validate_responses is a
    checkpoint: a unit whose exports failed is listed by the recap, not waited for)."""
    qualities, ikms = [], []
    for unit in units_of_year(wildcards.year):
        quality = checkpoints.validate_responses.get(
            unit=unit, year=wildcards.year
        ).output.quality
        qualities.append(quality)
        if quality_error(quality) is None:
            ikms.append(layout.processed(unit, wildcards.year, "ikm.json"))
    return {"qualities": qualities, "ikms": ikms}


def manifest_inputs(wildcards):
    """What write_manifest hashes: the unit-year's documents, raw inputs and effective settings
    (settings.json: the config.yaml keys the unit uses, never config.yaml itself).

    Every file under the unit-year's processed folder is written by one of its own jobs, and
    each of them is upstream of its documents, so the documents are all it waits for.
    """
    unit, year = wildcards.unit, int(wildcards.year)
    return {
        "documents": layout.documents(unit, year),
        "settings": layout.processed(unit, year, "settings.json"),
        "raw": layout.raw_inputs(unit, year),
    }


# quality.json `error` by (path, mtime, size). After every finished checkpoint Snakemake asks
# the default target's input functions again, one per unit-year, and each asks the errors of
# the years it needs: without the cache a province's run read and schema-checked every
# quality.json once per finished ingest (200 units: 40,000 reads). Only the `error` key
# decides the DAG; every job that reads quality.json checks the whole file (skm.contracts).
_QUALITY_ERRORS = {}


def quality_error(path):
    """quality.json's `error` (None when the ingest succeeded), read once per file version."""
    stat = Path(path).stat()
    key = (str(path), stat.st_mtime_ns, stat.st_size)
    if key not in _QUALITY_ERRORS:
        _QUALITY_ERRORS[key] = read_json(path).get("error")
    return _QUALITY_ERRORS[key]


def ingest_error(unit, year):
    """The error that stopped the ingest of a unit-year (quality.json `error`), or None."""
    quality = checkpoints.validate_responses.get(unit=unit, year=year).output.quality
    return quality_error(quality)


def failed_year(unit, year):
    """(year, error) of the first year needed by the unit-year whose ingest failed (its own
    year first, then the earlier ones, then the next), or None."""
    year = int(year)
    others = [y for y in layout.years_needed(unit, year) if y != year]
    for y in [year, *others]:
        error = ingest_error(unit, y)
        if error:
            return y, error
    return None


def _failed_or_stop(wildcards):
    failed = failed_year(wildcards.unit, int(wildcards.year))
    if failed is None:
        raise WorkflowError(
            f"{wildcards.unit}/{wildcards.year} dapat diolah; tidak ada laporan "
            "kegagalan untuk dibuat."
        )
    return failed


def failure_reason(wildcards, input):
    """Why a unit-year's documents are not made (its own error, or a needed year's). `input`
    (its quality.json) makes the param one Snakemake does not compare between runs."""
    year, error = _failed_or_stop(wildcards)
    if year == int(wildcards.year):
        return error
    first = next((line for line in error.splitlines() if line.strip()), error)
    return (
        f"data tahun {year} unit ini tidak dapat diolah ({first.strip().rstrip(':')}), dan "
        "dokumen tahun ini memakai data tahun itu (grafik tren, tindak lanjut); perbaiki dulu "
        f"{wildcards.unit}/{year}."
    )


def failure_inputs(wildcards):
    """quality.json of the year that failed."""
    year, _ = _failed_or_stop(wildcards)
    return {"quality": layout.processed(wildcards.unit, year, "quality.json")}


def bad_names_reason(wildcards, input):
    """One rename hint a line, for every unusable unit folder name (`input`: not needed; it makes
    the param one Snakemake does not compare between runs: the report is written anew every run).
    """
    return "\n".join(hint for _, hint in sorted(BAD_UNITS.items()))


def failure_report(unit, year):
    """The failure report a unit-year's job writes (it exists only until the run ends)."""
    return layout.logs(unit, year, "gagal.txt")


def unit_year_targets(unit, year):
    """An input function for the default target: the unit-year's documents and manifest, or,
    when its exports (or those of a year it needs) could not be read, the failure report.

    One function per unit-year, so each waits only for its own checkpoints and every unit's
    ingest is scheduled at once."""

    def targets(wildcards):
        if failed_year(unit, year):
            return [failure_report(unit, year)]
        return [*layout.documents(unit, year), layout.manifest(unit, year)]

    return targets


def all_outputs():
    """Every document of every selected unit-year (an input function each), the recap of each
    year with several units, and the report of unusable unit folder names."""
    targets = [unit_year_targets(unit, year) for unit, year in UNIT_YEARS]
    for year in rekap_years():
        targets += layout.rekap_documents(year)
    if BAD_UNITS:
        targets.append(BAD_NAMES_REPORT)
    return targets


def print_run_summary():
    """Log the run summary (every selected unit-year, each recap, unusable folder names),
    delete this run's failure reports; True when one of them was there (the run failed).
    """
    failures = {}
    for unit, year in UNIT_YEARS:
        path = Path(failure_report(unit, year))
        if path.is_file():
            failures[(unit, year)] = path.read_text(encoding="utf-8")
            path.unlink()
    bad_names_reported = Path(BAD_NAMES_REPORT).is_file()
    Path(BAD_NAMES_REPORT).unlink(missing_ok=True)
    statuses = [
        unit_year_status(
            unit,
            year,
            [*layout.documents(unit, year), layout.manifest(unit, year)],
            failure=failures.get((unit, year)),
        )
        for unit, year in UNIT_YEARS
    ]
    rekaps = {year: layout.rekap_documents(year) for year in rekap_years()}
    logger.info(format_summary(statuses, rekaps, BAD_UNITS))
    return bool(failures) or bad_names_reported
