"""Where everything of a unit-year lives, and which units and unit-years there are.

The one place that knows the project's folders (the workflow's rules and input functions, the
manifest, the ingest's settings, the CLI and the run summary all ask it)::

    data/raw/<unit>/unit.yaml                      the unit (and the logo it names)
    data/raw/<unit>/<year>/*.csv|*.xlsx|*.zip      the exports as downloaded
    data/raw/<unit>/<year>/survei.yaml|rtl.yaml|realisasi.yaml
    data/raw/<unit>/<year>/dokumentasi/            photos, the team decree's scan
    data/processed/<unit>/<year>/                  responses.csv, ikm.json, figures/, ...
    data/processed/_rekap/<year>/                  the recap across units
    reports/<unit>/<year>/                         the documents, manifest.json, arsip/
    reports/rekap/<year>/                          the recap's documents
    logs/<unit>/<year>/                            the jobs' logs

Every function returns a path relative to the project folder by default (`raw`, `processed`
and `reports` move a tree elsewhere, e.g. into a test's temporary folder). Called with the
wildcards ``"{unit}", "{year}"`` they give the rules' path patterns. A unit's folder name
becomes part of every path and wildcard of that unit, so it is restricted (`name_problem`).
No Snakemake import: tests and tools use the same functions.
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

import yaml

from skm.io import load_yaml

RAW = "data/raw"
PROCESSED = "data/processed"
REPORTS = "reports"
LOGS = "logs"
# Config values handed to jobs as files (skm.io.value_file): Snakemake's own folder.
VALUES = ".snakemake/skm-values"
REKAP = "rekap"  # reports/rekap/<year>/; reserved, so no unit may be named so
REKAP_PROCESSED = "_rekap"  # data/processed/_rekap/<year>/

UNIT_YAML = "unit.yaml"
SURVEI_YAML = "survei.yaml"
RTL_YAML = "rtl.yaml"
REALISASI_YAML = "realisasi.yaml"
DOKUMENTASI = "dokumentasi"
MANIFEST = "manifest.json"
ARSIP = "arsip"

EXPORT_SUFFIXES = (".csv", ".xlsx", ".zip")
IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png")

UNIT_PATTERN = r"[A-Za-z0-9][A-Za-z0-9_.-]*"
RESERVED = (REKAP,)
WILDCARD_PATTERN = rf"(?!(?:{'|'.join(RESERVED)})$){UNIT_PATTERN}"
YEAR_PATTERN = "[0-9]{4}"

_UNIT_RE = re.compile(UNIT_PATTERN)
_YEAR_RE = re.compile(YEAR_PATTERN)

# The documents of a unit-year: (file stem, formats). The follow-up report exists only for a
# year with a realisasi.yaml.
LAPORAN = ("laporan-skm", ("pdf", "docx", "html", "xlsx"))
INFOGRAFIS = ("infografis-skm", ("pdf", "png"))
TINDAK_LANJUT = ("laporan-tindak-lanjut", ("pdf", "docx", "html"))
REKAP_IKM = ("rekap-ikm", ("pdf", "docx", "html", "xlsx"))
INFOGRAFIS_REKAP = ("infografis-rekap", ("pdf", "png"))


def _posix(*parts: str | int | Path) -> str:
    return Path(*map(str, parts)).as_posix()


# --------------------------------------------------------------------------- raw inputs


def unit_dir(unit: str, *, raw: str | Path = RAW) -> str:
    """``data/raw/<unit>``."""
    return _posix(raw, unit)


def year_dir(unit: str, year: int | str, *, raw: str | Path = RAW) -> str:
    """``data/raw/<unit>/<year>``: the exports and the year's YAML files."""
    return _posix(raw, unit, year)


def unit_yaml(unit: str, *, raw: str | Path = RAW) -> str:
    """``data/raw/<unit>/unit.yaml``."""
    return _posix(raw, unit, UNIT_YAML)


def raw_file(unit: str, year: int | str, name: str, *, raw: str | Path = RAW) -> str:
    """A file of the year's raw folder, e.g. ``raw_file(u, y, RTL_YAML)``."""
    return _posix(raw, unit, year, name)


def has_raw_file(unit: str, year: int | str, name: str, *, raw: str | Path = RAW) -> bool:
    """Whether the year's raw folder holds `name` (e.g. a realisasi.yaml)."""
    return Path(raw_file(unit, year, name, raw=raw)).exists()


def dokumentasi_dir(unit: str, year: int | str, *, raw: str | Path = RAW) -> str:
    """``data/raw/<unit>/<year>/dokumentasi``: photos and the team decree's scan."""
    return _posix(raw, unit, year, DOKUMENTASI)


def exports(unit: str, year: int | str, *, raw: str | Path = RAW) -> list[str]:
    """The unit-year's exports (*.csv, *.xlsx, or a *.zip of them) as downloaded, sorted;
    Office lock files (``~$``) and hidden files left out."""
    folder = Path(year_dir(unit, year, raw=raw))
    files = [p for p in folder.iterdir() if p.is_file()] if folder.is_dir() else []
    return sorted(
        p.as_posix()
        for p in files
        if p.suffix.lower() in EXPORT_SUFFIXES and not p.name.startswith(("~$", "."))
    )


def photos(unit: str, year: int | str, *, raw: str | Path = RAW) -> list[str]:
    """The images in the year's dokumentasi/ folder (documentation and RTL evidence), sorted."""
    folder = Path(dokumentasi_dir(unit, year, raw=raw))
    if not folder.is_dir():
        return []
    return sorted(p.as_posix() for p in folder.iterdir() if p.suffix.lower() in IMAGE_SUFFIXES)


def _inside(folder: Path, name: str) -> bool:
    """Whether `name` is a file inside `folder`, symbolic links followed."""
    try:
        target = (folder / name).resolve()
        return target.is_relative_to(folder.resolve()) and target.is_file()
    except (OSError, ValueError, RuntimeError):
        return False


def logo(unit: str, *, raw: str | Path = RAW) -> str | None:
    """The logo file unit.yaml names, when it is a file inside the unit folder, else None
    (one outside, or a unit.yaml that cannot be read, is refused by the settings check)."""
    path = Path(unit_yaml(unit, raw=raw))
    try:
        name = (load_yaml(path.read_text(encoding="utf-8")) or {}).get("logo")
    except (OSError, yaml.YAMLError, AttributeError, UnicodeDecodeError):
        return None
    folder = path.parent
    if isinstance(name, str) and name and _inside(folder, name):
        return (folder / name).as_posix()
    return None


def _visible(rel: Path) -> bool:
    """False for hidden/lock/cache files: dot files, ``~$`` files, __pycache__, egg-info."""
    return (
        not any(
            part.startswith((".", "~$")) or part == "__pycache__" or part.endswith(".egg-info")
            for part in rel.parts
        )
        and rel.suffix != ".pyc"
    )


def files_under(folder: str | Path) -> list[Path]:
    """Every visible file below `folder` (recursive), sorted; [] when it does not exist."""
    folder = Path(folder)
    if not folder.is_dir():
        return [folder] if folder.is_file() else []
    return sorted(p for p in folder.rglob("*") if p.is_file() and _visible(p.relative_to(folder)))


def raw_inputs(unit: str, year: int, *, raw: str | Path = RAW) -> list[str]:
    """Every raw file the unit-year's documents may read, sorted.

    ``unit.yaml`` (and the logo it names); every file of the year's folder and of the earlier
    years' folders (the trend chart and last year's follow-up read them); the next year's
    folder when the year has a ``realisasi.yaml`` (the follow-up report shows the next IKM).
    Hidden files and Office lock files (``~$...``) are left out.
    """
    files: list[str] = []
    if Path(unit_yaml(unit, raw=raw)).is_file():
        files.append(unit_yaml(unit, raw=raw))
        found_logo = logo(unit, raw=raw)
        if found_logo:
            files.append(found_logo)
    for y in years_needed(unit, year, raw=raw):
        files += [p.as_posix() for p in files_under(year_dir(unit, y, raw=raw))]
    return sorted(set(files))


# --------------------------------------------------------------------------- discovery


def is_year(name: str) -> bool:
    """Whether a folder name is a year (four ASCII digits)."""
    return bool(_YEAR_RE.fullmatch(name))


def units(*, raw: str | Path = RAW) -> list[str]:
    """Every unit folder under data/raw/ (hidden folders left out; usable names or not)."""
    raw = Path(raw)
    if not raw.is_dir():
        return []
    return sorted(p.name for p in raw.iterdir() if p.is_dir() and not p.name.startswith("."))


def years(unit: str, *, raw: str | Path = RAW) -> list[int]:
    """The years that have a folder under ``data/raw/<unit>/``, ascending."""
    folder = Path(unit_dir(unit, raw=raw))
    if not folder.is_dir():
        return []
    return sorted(int(p.name) for p in folder.iterdir() if p.is_dir() and is_year(p.name))


def unit_years(*, raw: str | Path = RAW) -> list[tuple[str, int]]:
    """Every (unit, year) with a folder ``data/raw/<unit>/<year>/``, sorted."""
    return [(unit, year) for unit in units(raw=raw) for year in years(unit, raw=raw)]


def years_needed(unit: str, year: int, *, raw: str | Path = RAW) -> list[int]:
    """The years whose raw data a unit-year's documents read, ascending: this year and every
    earlier one (the trend, last year's follow-up), and the next one when this year has a
    realisasi.yaml (the follow-up report shows the next survey's IKM)."""
    found = years(unit, raw=raw)
    wanted = [y for y in found if y <= year]
    if has_raw_file(unit, year, REALISASI_YAML, raw=raw) and year + 1 in found:
        wanted.append(year + 1)
    return wanted


# --------------------------------------------------------------------------- processed files


def processed(
    unit: str, year: int | str, name: str = "", *, processed: str | Path = PROCESSED
) -> str:
    """``data/processed/<unit>/<year>/<name>`` (the folder itself without `name`)."""
    return _posix(processed, unit, year, name)


def processed_files(unit: str, year: int, *, processed: str | Path = PROCESSED) -> list[str]:
    """Every processed artefact of the unit-year (``data/processed/<unit>/<year>/**``)."""
    return [p.as_posix() for p in files_under(_posix(processed, unit, year))]


def rekap_processed(year: int | str, name: str = "", *, processed: str | Path = PROCESSED) -> str:
    """``data/processed/_rekap/<year>/<name>``: the recap's data and figure."""
    return _posix(processed, REKAP_PROCESSED, year, name)


def logs(unit: str, year: int | str, name: str = "", *, logs: str | Path = LOGS) -> str:
    """``logs/<unit>/<year>/<name>``: the unit-year's job logs."""
    return _posix(logs, unit, year, name)


def logs_file(name: str, *, logs: str | Path = LOGS) -> str:
    """``logs/<name>``: a run-wide log, e.g. the report of unusable unit folder names."""
    return _posix(logs, name)


# --------------------------------------------------------------------------- documents


def report(unit: str, year: int | str, name: str = "", *, reports: str | Path = REPORTS) -> str:
    """``reports/<unit>/<year>/<name>`` (the folder itself without `name`)."""
    return _posix(reports, unit, year, name)


def document(
    kind: tuple[str, tuple[str, ...]],
    unit: str,
    year: int | str,
    ext: str,
    *,
    reports: str | Path = REPORTS,
) -> str:
    """One document of a unit-year, e.g. ``document(LAPORAN, u, y, "pdf")`` ->
    ``reports/<u>/<y>/laporan-skm-<u>-<y>.pdf``."""
    return report(unit, year, f"{kind[0]}-{unit}-{year}.{ext}", reports=reports)


def manifest(unit: str, year: int | str, *, reports: str | Path = REPORTS) -> str:
    """``reports/<unit>/<year>/manifest.json``."""
    return report(unit, year, MANIFEST, reports=reports)


def archive_dir(unit: str, year: int | str, *, reports: str | Path = REPORTS) -> str:
    """``reports/<unit>/<year>/arsip``: published versions (never an output of a rule)."""
    return report(unit, year, ARSIP, reports=reports)


def documents(
    unit: str, year: int | str, *, raw: str | Path = RAW, reports: str | Path = REPORTS
) -> list[str]:
    """Every document of one unit-year: the Laporan SKM (+ XLSX), the infographic (PDF, PNG),
    and the Laporan Hasil Tindak Lanjut when realisasi.yaml exists."""
    kinds = [LAPORAN, INFOGRAFIS]
    if has_raw_file(unit, year, REALISASI_YAML, raw=raw):
        kinds.append(TINDAK_LANJUT)
    return [document(kind, unit, year, ext, reports=reports) for kind in kinds for ext in kind[1]]


def rekap_document(
    kind: tuple[str, tuple[str, ...]], year: int | str, ext: str, *, reports: str | Path = REPORTS
) -> str:
    """One document of the recap, e.g. ``reports/rekap/<year>/rekap-ikm-<year>.pdf``."""
    return _posix(reports, REKAP, year, f"{kind[0]}-{year}.{ext}")


def rekap_documents(year: int | str, *, reports: str | Path = REPORTS) -> list[str]:
    """The recap's documents of one year, and its infographic (PDF, PNG)."""
    return [
        rekap_document(kind, year, ext, reports=reports)
        for kind in (REKAP_IKM, INFOGRAFIS_REKAP)
        for ext in kind[1]
    ]


# --------------------------------------------------------------------------- unit folder names


def name_problem(name: str) -> str | None:
    """None for a usable unit folder name, else why it is not usable (Indonesian).

    ASCII letters, digits and ``_ . -`` (not starting with one of the three marks); ``rekap``
    is reserved for the recap across units."""
    if name in RESERVED:
        return f"nama '{name}' dipakai untuk rekap antarunit"
    if _UNIT_RE.fullmatch(name):
        return None
    bad = sorted({c for c in name if not re.fullmatch(r"[A-Za-z0-9_.-]", c)})
    if bad:
        shown = ", ".join("spasi" if c == " " else repr(c) for c in bad)
        return f"nama folder memuat karakter yang tidak diizinkan ({shown})"
    return "nama folder harus diawali huruf atau angka"


def suggest_name(name: str) -> str:
    """A usable folder name close to `name`: accents dropped, other marks become '-'."""
    ascii_only = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "-", ascii_only.strip().lower())
    slug = re.sub(r"-{2,}", "-", slug).strip("-_.")
    if not slug:
        slug = "unit"
    if slug in RESERVED:
        slug += "-unit"
    return slug


def rename_hint(name: str) -> str | None:
    """The full message for an unusable unit folder `name` (None when the name is usable)."""
    why = name_problem(name)
    if why is None:
        return None
    return (
        f"folder unit '{name}' tidak diolah: {why}. Nama folder unit hanya boleh berisi "
        "huruf A-Z/a-z, angka, garis bawah, titik dan tanda hubung, diawali huruf atau "
        f"angka, dan bukan 'rekap'. Ganti nama foldernya, misalnya menjadi "
        f"'{suggest_name(name)}', lalu jalankan lagi."
    )
