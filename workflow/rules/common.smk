# Config validation, unit/year discovery and the small input functions the rules share.
import json
from pathlib import Path
from types import SimpleNamespace

import yaml

from snakemake.exceptions import WorkflowError
from snakemake.utils import validate

from skm.contracts import read_quality
from skm.errors import SkmInputError
from skm.audit.provenance import unit_config
from skm.ingest.settings import load_config, unit_year_dirs
from skm.units import WILDCARD_PATTERN, rename_hint

# config.yaml first through our own check (one line per problem, with its line number), then
# the merged config (with any --config overrides) against the same schema, filling defaults.
try:
    for _configfile in workflow.configfiles:
        load_config(_configfile)
except SkmInputError as _exc:
    raise WorkflowError(str(_exc)) from None
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


# A unit folder whose name cannot be a path and wildcard (a space, a non-ASCII letter, the
# reserved `rekap`) fails that unit only: it gets no jobs, and the recap and the run summary
# list it with a rename hint (skm.units).
UNIT_YEARS = [(u, y) for u, y in selected_unit_years() if rename_hint(u) is None]
BAD_UNIT_YEARS = [
    (u, y) for u, y in selected_unit_years() if rename_hint(u) is not None
]
BAD_UNITS = {u: rename_hint(u) for u, _ in BAD_UNIT_YEARS}

# The config.yaml keys a unit-year's processing reads (the rest, e.g. instansi, expected_units,
# units, only concern the recap or the selection): the ingest gets these as params and writes
# them into the unit-year's settings.json, which provenance and the manifest record.
UNIT_CONFIG = unit_config(config)


wildcard_constraints:
    unit=WILDCARD_PATTERN,
    year="[0-9]{4}",


def optional(path):
    """[path] when the file exists, else []: a missing file is reported by the job, not the DAG."""
    return [path] if Path(path).exists() else []


def exports_of(wildcards):
    """The unit-year's exports (*.csv, *.xlsx, or a *.zip of them) as downloaded; none is an
    error the job reports."""
    folder = Path(RAW, wildcards.unit, wildcards.year)
    files = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    return sorted(
        str(p)
        for p in files
        if p.suffix.lower() in {".csv", ".xlsx", ".zip"}
        and not p.name.startswith(("~$", "."))
    )


def unit_inputs(wildcards):
    """unit.yaml and the optional survei.yaml of a unit-year."""
    return {
        "unit_yaml": optional(f"{RAW}/{wildcards.unit}/unit.yaml"),
        "survei_yaml": optional(f"{RAW}/{wildcards.unit}/{wildcards.year}/survei.yaml"),
    }


def logo_of(wildcards):
    """The logo file unit.yaml names, when it exists: the documents' covers read it, so the
    render rules declare it (a changed logo reruns them)."""
    unit_yaml = Path(RAW, wildcards.unit, "unit.yaml")
    try:
        logo = (yaml.safe_load(unit_yaml.read_text(encoding="utf-8")) or {}).get("logo")
    except (OSError, yaml.YAMLError, AttributeError, UnicodeDecodeError):
        return []
    path = Path(RAW, wildcards.unit, logo) if isinstance(logo, str) and logo else None
    return [str(path)] if path is not None and path.is_file() else []


IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png"}


def photos_of(wildcards):
    """Photos in data/raw/<unit>/<year>/dokumentasi/ (documentation and RTL evidence)."""
    folder = Path(RAW, wildcards.unit, wildcards.year, "dokumentasi")
    if not folder.is_dir():
        return []
    return sorted(
        str(p) for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES
    )


def years_with_data(unit):
    """Every year folder of a unit under data/raw/ (not restricted by config)."""
    return sorted(y for u, y in unit_year_dirs(RAW) if u == unit)


def tren_inputs(wildcards):
    """ikm.json of every year of the unit up to the report's year (never a later one)."""
    year = int(wildcards.year)
    return {
        "ikms": [
            f"{PROCESSED}/{wildcards.unit}/{y}/ikm.json"
            for y in years_with_data(wildcards.unit)
            if y <= year
        ],
        "unit_yaml": optional(f"{RAW}/{wildcards.unit}/unit.yaml"),
    }


def tindak_lanjut_inputs(wildcards):
    """The plan, its realisation, the survey it follows and the next survey, if any."""
    year = int(wildcards.year)
    nxt = year + 1
    return {
        "rtl": f"{RAW}/{wildcards.unit}/{year}/rtl.yaml",
        "realisasi": f"{RAW}/{wildcards.unit}/{year}/realisasi.yaml",
        "ikm": f"{PROCESSED}/{wildcards.unit}/{year}/ikm.json",
        "ikm_next": (
            [f"{PROCESSED}/{wildcards.unit}/{nxt}/ikm.json"]
            if nxt in years_with_data(wildcards.unit)
            else []
        ),
        "bukti": photos_of(wildcards),
        "rtl_next": optional(f"{RAW}/{wildcards.unit}/{nxt}/rtl.yaml"),
    }


def laporan_inputs(wildcards):
    """Optional inputs of the Laporan SKM: the year's RTL and last year's realisation."""
    unit, year = wildcards.unit, int(wildcards.year)
    prev = year - 1
    has_prev = Path(RAW, unit, str(prev), "realisasi.yaml").exists()
    return {
        "rtl": (
            [f"{PROCESSED}/{unit}/{year}/rtl.json"]
            if Path(RAW, unit, str(year), "rtl.yaml").exists()
            else []
        ),
        "tl_prev": (
            [f"{PROCESSED}/{unit}/{prev}/tindak_lanjut.json"] if has_prev else []
        ),
        "ikm_prev": [f"{PROCESSED}/{unit}/{prev}/ikm.json"] if has_prev else [],
        "foto_prev": [f"{PROCESSED}/{unit}/{prev}/foto"] if has_prev else [],
    }


def provenance_extras(wildcards):
    """Raw files a Laporan SKM also rests on: the exports (and survei.yaml) of the earlier
    years whose IKM its trend shows, and the photos it prints (this year's; last year's in
    Lampiran 4)."""
    unit, year = wildcards.unit, int(wildcards.year)
    earlier = [y for y in years_with_data(unit) if y < year]
    trend = []
    for y in earlier:
        trend += exports_of(SimpleNamespace(unit=unit, year=str(y)))
        trend += optional(f"{RAW}/{unit}/{y}/survei.yaml")
    photos = photos_of(wildcards)
    if Path(RAW, unit, str(year - 1), "realisasi.yaml").exists():
        photos += photos_of(SimpleNamespace(unit=unit, year=str(year - 1)))
    return {"trend_inputs": trend, "photos": photos}


def infografis_inputs(wildcards):
    """Optional input of the infographic: the year's RTL (validated), when rtl.yaml exists."""
    unit, year = wildcards.unit, wildcards.year
    return {"rtl": optional_rtl(unit, year)}


def optional_rtl(unit, year):
    """[rtl.json of the unit-year] when its rtl.yaml exists, else []."""
    if Path(RAW, unit, str(year), "rtl.yaml").exists():
        return [f"{PROCESSED}/{unit}/{year}/rtl.json"]
    return []


def plan_inputs(wildcards):
    """Raw RTL files a Laporan SKM shows: its own year's plan, last year's plan and realisation."""
    unit, year = wildcards.unit, int(wildcards.year)
    return {
        "plans": optional(f"{RAW}/{unit}/{year}/rtl.yaml")
        + optional(f"{RAW}/{unit}/{year - 1}/rtl.yaml")
        + optional(f"{RAW}/{unit}/{year - 1}/realisasi.yaml"),
    }


def documents_of(unit, year):
    """Every document of one unit-year: the Laporan SKM (+ XLSX), the infographic (PDF, PNG),
    and the Laporan Hasil Tindak Lanjut when realisasi.yaml exists."""
    docs = expand(
        f"{REPORTS}/{unit}/{year}/laporan-skm-{unit}-{year}.{{ext}}",
        ext=["pdf", "docx", "html", "xlsx"],
    )
    docs += expand(
        f"{REPORTS}/{unit}/{year}/infografis-skm-{unit}-{year}.{{ext}}",
        ext=["pdf", "png"],
    )
    if Path(RAW, unit, str(year), "realisasi.yaml").exists():
        docs += expand(
            f"{REPORTS}/{unit}/{year}/laporan-tindak-lanjut-{unit}-{year}.{{ext}}",
            ext=["pdf", "docx", "html"],
        )
    return docs


def units_of_year(year):
    """Selected units with a folder for `year`."""
    return sorted(u for u, y in UNIT_YEARS if y == int(year))


def bad_units_of_year(year):
    """{folder name: rename hint} of the year's unit folders whose names are not usable."""
    return {u: BAD_UNITS[u] for u, y in BAD_UNIT_YEARS if y == int(year)}


def units_found(wildcards):
    """The units that have a folder for the recap's year (usable names or not)."""
    return sorted([*units_of_year(wildcards.year), *bad_units_of_year(wildcards.year)])


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
        if "error" not in read_quality(quality):
            ikms.append(f"{PROCESSED}/{unit}/{wildcards.year}/ikm.json")
    return {"qualities": qualities, "ikms": ikms}


def rekap_documents(year):
    """The recap's documents of one year, and its infographic (PDF, PNG)."""
    return expand(
        f"{REPORTS}/rekap/{year}/rekap-ikm-{year}.{{ext}}",
        ext=["pdf", "docx", "html", "xlsx"],
    ) + expand(
        f"{REPORTS}/rekap/{year}/infografis-rekap-{year}.{{ext}}",
        ext=["pdf", "png"],
    )


def ingest_error(unit, year):
    """The error that stopped the ingest of a unit-year (quality.json `error`), or None."""
    quality = checkpoints.validate_responses.get(unit=unit, year=year).output.quality
    return read_quality(quality).get("error")


def years_needed(unit, year):
    """The unit-year itself and the years its documents read: every earlier year (the trend,
    last year's follow-up) and the next one when this year has a realisasi.yaml."""
    years = [y for y in years_with_data(unit) if y < year]
    if Path(
        RAW, unit, str(year), "realisasi.yaml"
    ).exists() and year + 1 in years_with_data(unit):
        years.append(year + 1)
    return [year, *years]


def failed_year(unit, year):
    """(year, error) of the first year needed by the unit-year whose ingest failed, or None."""
    for y in years_needed(unit, int(year)):
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


def failure_reason(wildcards):
    """Why a unit-year's documents are not made (its own error, or a needed year's)."""
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
    return {"quality": f"{PROCESSED}/{wildcards.unit}/{year}/quality.json"}


def unit_year_targets(unit, year):
    """An input function for `rule all`: the unit-year's documents and manifest, or, when its
    exports (or those of a year it needs) could not be read, the failure report instead.

    One function per unit-year, so each waits only for its own checkpoints and every unit's
    ingest is scheduled at once."""

    def targets(wildcards):
        if failed_year(unit, year):
            return [failure_report(unit, year)]
        return [*documents_of(unit, year), f"{REPORTS}/{unit}/{year}/manifest.json"]

    return targets


def all_outputs():
    """Every document of every selected unit-year (an input function each), the recap of each
    year with several units, and the report of unusable unit folder names."""
    targets = [unit_year_targets(unit, year) for unit, year in UNIT_YEARS]
    for year in rekap_years():
        targets += rekap_documents(year)
    if BAD_UNITS:
        targets.append(BAD_NAMES_REPORT)
    return targets
