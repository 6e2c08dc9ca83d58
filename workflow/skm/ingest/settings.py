"""Load and validate the YAML inputs (config.yaml, unit.yaml, survei.yaml) against JSON schemas.

Errors name the file, the key path and the line, so a unit's staff can fix them in an editor.
`load_unit_year` merges the three into one plain dict that the ingest and the documents read.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from skm import layout
from skm.domain import DEFAULT_LABELS, DEMOGRAPHIC_FIELDS, UNSUR_CODES
from skm.errors import SkmInputError
from skm.io import TextDateLoader, load_yaml

SCHEMA_DIR = Path(__file__).resolve().parents[2] / "schemas"

UTC_OFFSETS = {"WIB": 7, "WITA": 8, "WIT": 9}

#: The fields a unit's export is mapped to (config.yaml `columns:`): the required ones, then
#: the optional ones, in the order every listing of them follows.
REQUIRED_FIELDS: tuple[str, ...] = ("timestamp", *UNSUR_CODES)
OPTIONAL_FIELDS: tuple[str, ...] = ("layanan", *DEMOGRAPHIC_FIELDS, "saran")


_INVISIBLE = dict.fromkeys(map(ord, "\ufeff\u200b\u200c\u200d\u2060\u00ad"), None)


def normalise_text(value: object) -> str:
    """Case-folded text without invisible characters, white space collapsed and trimmed (how
    export headers and answers are compared)."""
    return " ".join(str(value).translate(_INVISIBLE).split()).casefold()


def _line_of(root: yaml.Node | None, path: list[Any]) -> int | None:
    """1-based line of the key (or list item) at `path`, or of its deepest existing parent."""
    node = root
    line = node.start_mark.line + 1 if node is not None else None
    for key in path:
        if isinstance(node, yaml.MappingNode):
            match = next(((k, v) for k, v in node.value if str(k.value) == str(key)), None)
            if match is None:
                break
            line = match[0].start_mark.line + 1  # the key's own line, not its value's
            node = match[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            node = node.value[key]
            line = node.start_mark.line + 1
        else:
            break
    return line


def line_of(path: Path | str, keys: list[Any]) -> int | None:
    """1-based line of `keys` (e.g. ["realisasi", 1, "id"]) in the YAML file at `path`."""
    try:
        root = yaml.compose(Path(path).read_text(encoding="utf-8-sig"), Loader=TextDateLoader)
    except (OSError, yaml.YAMLError):
        return None
    return _line_of(root, keys)


def load_schema(name: str) -> dict:
    """The JSON schema `workflow/schemas/<name>.schema.yaml`."""
    with open(SCHEMA_DIR / f"{name}.schema.yaml", encoding="utf-8") as fh:
        # libyaml's parser when PyYAML has it (the same data, several times faster)
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def _extra_keys(error: jsonschema.ValidationError) -> list[str]:
    known = set(error.schema.get("properties", {}))
    return sorted((str(k) for k in error.instance if k not in known), key=str)


def _describe(error: jsonschema.ValidationError) -> str:
    """One Indonesian sentence for a schema violation."""
    v, value = error.validator, error.validator_value
    if v == "additionalProperties":
        allowed = ", ".join(sorted(error.schema.get("properties", {}))) or "-"
        return (
            f"kunci tidak dikenal {_extra_keys(error)} (salah ketik?); kunci yang diterima: "
            f"{allowed}"
        )
    if v == "required":
        return f"kunci wajib tidak ada: {error.message.split(' is a required')[0]}"
    if v == "type":
        return f"tipe salah: {error.instance!r} harus {value}"
    if v == "enum":
        return f"nilai {error.instance!r} tidak dikenal; pilihan: {value}"
    if v == "format":
        return f"nilai {error.instance!r} bukan tanggal YYYY-MM-DD"
    if v == "minimum":
        return f"nilai {error.instance!r} terlalu kecil; paling kecil {value}"
    if v == "maximum":
        return f"nilai {error.instance!r} terlalu besar; paling besar {value}"
    if v == "minItems":
        return f"daftar harus berisi paling sedikit {value} butir"
    if v == "maxItems":
        return f"daftar berisi paling banyak {value} butir"
    if v == "minLength":
        return "nilai tidak boleh kosong"
    if v == "dependentRequired":
        need = sorted({k for k, others in value.items() for k in [k, *others]})
        return f"kunci {', '.join(need)} harus diisi bersama-sama"
    if v in ("oneOf", "anyOf"):
        return (
            "bentuk isian tidak dikenal: tulis teks biasa, atau pemetaan dengan kunci yang "
            "tercantum pada skema"
        )
    if v == "pattern":
        return f"nilai {error.instance!r} tidak sesuai bentuk yang diminta ({value})"
    return error.message


def validate_yaml(path: Path | str, schema_name: str, data: Any = None) -> dict:
    """Read `path`, validate it against the named schema, return the data with defaults filled.

    Raises SkmInputError naming the file, the key path and the line of every problem.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise SkmInputError("file tidak ditemukan", file=str(path)) from None
    try:
        data = load_yaml(text) if data is None else data
    except yaml.YAMLError as exc:
        raise SkmInputError(f"bukan YAML yang sah: {exc}", file=str(path)) from None
    if data is None:
        data = {}
    schema = load_schema(schema_name)
    validator = jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )
    if not isinstance(data, dict):
        raise SkmInputError(
            f"isi file harus berupa pemetaan kunci: nilai, bukan {type(data).__name__}",
            file=str(path),
        )
    errors = sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path)))
    if errors:
        root = yaml.compose(text, Loader=TextDateLoader)  # the line of each problem
        lines = []
        for err in errors:
            keys = list(err.absolute_path)
            if err.validator == "additionalProperties":
                keys = keys + _extra_keys(err)[:1]
            key = ".".join(str(k) for k in keys) or "(akar dokumen)"
            line = _line_of(root, keys)
            lines.append(f"  - kunci '{key}' (baris {line}): {_describe(err)}")
        raise SkmInputError(
            "tidak sesuai skema " + schema_name + ":\n" + "\n".join(lines), file=str(path)
        )
    _fill_defaults(data, schema)
    return data


def _fill_defaults(data: dict, schema: dict) -> None:
    for key, sub in schema.get("properties", {}).items():
        if key not in data and "default" in sub:
            data[key] = sub["default"]


#: Image formats every writer embeds (Typst, pandoc's HTML and DOCX), by file signature.
_IMAGE_SIGNATURES = {
    b"\x89PNG\r\n\x1a\n": ".png",
    b"\xff\xd8\xff": ".jpg",
    b"GIF87a": ".gif",
    b"GIF89a": ".gif",
}


def image_kind(path: Path | str) -> str | None:
    """``.png``, ``.jpg`` or ``.gif`` from the file's first bytes; None for anything else."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(8)
    except OSError:
        return None
    return next((ext for sig, ext in _IMAGE_SIGNATURES.items() if head.startswith(sig)), None)


def confined_file(
    folder: Path | str,
    name: Any,
    *,
    yaml_file: Path | str,
    keys: list[Any],
    image: bool = False,
    must_exist: bool = True,
) -> Path:
    """The file `name` (relative to `folder`) that a YAML file names under `keys`, checked.

    The path is resolved with every symbolic link followed and must lie inside `folder`: an
    absolute path, ``../`` or a link pointing out of the folder is refused, so no document
    can embed a file from elsewhere on the machine. With `image`, the file must be a PNG,
    JPEG or GIF. Raises SkmInputError naming the YAML file, the key, its line and the file.
    """
    folder = Path(folder)
    key = ".".join(str(k) for k in keys)

    def fail(message: str) -> SkmInputError:
        # The YAML file is read again (for the line) only to report a problem.
        where = f"kunci '{key}' (baris {line_of(yaml_file, keys)})"
        return SkmInputError(f"{where}: {message}", file=str(yaml_file))

    try:
        target = (folder / str(name)).resolve()
        inside = target.is_relative_to(folder.resolve())
    except (OSError, ValueError, RuntimeError):
        raise fail(f"nama berkas {str(name)!r} tidak sah") from None
    if not inside:
        raise fail(
            f"berkas '{name}' berada di luar folder {folder.name}/ (tautan simbolik "
            "diikuti); salin berkasnya ke dalam folder itu dan tulis namanya relatif "
            "terhadap folder tersebut, lalu jalankan lagi"
        )
    if must_exist and not target.is_file():
        raise fail(
            f"berkas '{name}' tidak ditemukan di folder {folder.name}/; periksa nama "
            "berkasnya, lalu jalankan lagi"
        )
    if image and image_kind(target) is None:
        raise fail(
            f"berkas '{name}' bukan gambar PNG, JPEG atau GIF; ganti dengan gambar yang "
            "sah, lalu jalankan lagi"
        )
    return target


def load_config(path: Path | str = "config.yaml") -> dict:
    """Validated config.yaml."""
    return validate_yaml(path, "config")


def _parse_date(value: str) -> dt.date:
    return dt.date.fromisoformat(value)


def logo_file(settings: dict) -> Path | None:
    """The unit's logo (unit.yaml `logo`) of merged `settings`, checked by `confined_file`
    (an image inside the unit folder); None without one. Only rules that declare the logo as
    an input call it (the documents' covers)."""
    if settings.get("logo") is None:
        return None
    unit_dir = Path(settings["unit_dir"])
    return confined_file(
        unit_dir, settings["logo"], yaml_file=unit_dir / "unit.yaml", keys=["logo"], image=True
    )


def _check_schedule(survei: dict, survei_path: Path) -> None:
    """Every schedule row's `selesai` is on or after its `mulai` (2.4 counts its working days)."""
    for i, row in enumerate(survei.get("schedule") or []):
        if not row.get("mulai"):
            continue
        mulai, selesai = _parse_date(str(row["mulai"])), _parse_date(str(row["selesai"]))
        if selesai < mulai:
            keys = ["schedule", i, "selesai"]
            raise SkmInputError(
                f"kunci 'schedule.{i}.selesai' (baris {line_of(survei_path, keys)}, kegiatan "
                f"'{row['kegiatan']}'): tanggal selesai {selesai} lebih awal dari tanggal mulai "
                f"{mulai}; perbaiki tanggal kegiatan ini pada survei.yaml",
                file=str(survei_path),
            )


def load_unit_year(
    raw_dir: Path | str, unit: str, year: int, config: dict, *, check_logo: bool = True
) -> dict:
    """Merge config.yaml, unit.yaml and survei.yaml (found under `raw_dir` where skm.layout
    places them) into the settings of one unit-year (`load_unit_year_files`)."""
    return load_unit_year_files(
        unit,
        year,
        layout.unit_yaml(unit, raw=raw_dir),
        layout.raw_file(unit, year, layout.SURVEI_YAML, raw=raw_dir),
        config,
        check_logo=check_logo,
    )


def load_unit_year_files(
    unit: str,
    year: int,
    unit_yaml: Path | str,
    survei_yaml: Path | str | None,
    config: dict,
    *,
    check_logo: bool = True,
) -> dict:
    """Merge config.yaml, `unit_yaml` and `survei_yaml` into the settings of one unit-year.

    `survei_yaml` None (or a missing file): the defaults (the calendar year). The unit folder
    is unit.yaml's; the photos and the decree named in survei.yaml must be inside its
    ``<year>/dokumentasi/``. With `check_logo` the logo unit.yaml names is checked here
    (`logo_file`); the rule validate_responses passes False, as it does not declare the logo
    as an input (a changed logo reruns only the documents, whose covers check it)."""
    unit_dir = Path(unit_yaml).parent
    year_dir = unit_dir / str(year)
    unit_cfg = validate_yaml(unit_yaml, "unit")
    survei_path = Path(survei_yaml) if survei_yaml else year_dir / layout.SURVEI_YAML
    survei = validate_yaml(survei_path, "survei") if survei_path.exists() else {}

    period = survei.get("period") or {"start": f"{year}-01-01", "end": f"{year}-12-31"}
    start, end = _parse_date(period["start"]), _parse_date(period["end"])
    if end < start:
        raise SkmInputError(
            f"period.end ({end}) lebih awal dari period.start ({start})", file=str(survei_path)
        )
    _check_schedule(survei, survei_path)
    if check_logo:
        logo_file({"unit_dir": unit_dir, "logo": unit_cfg.get("logo")})
    for i, doc in enumerate(survei.get("documentation") or []):
        # A photo not (yet) in dokumentasi/ is reported in the document; one outside is refused.
        confined_file(
            year_dir / "dokumentasi",
            doc["file"],
            yaml_file=survei_path,
            keys=["documentation", i, "file"],
            must_exist=False,
        )
    decree = survei.get("team_decree") or {}
    if decree.get("file") is not None:
        # The decree's scan is shown as a lampiran like the photos: inside dokumentasi/ only.
        confined_file(
            year_dir / "dokumentasi",
            decree["file"],
            yaml_file=survei_path,
            keys=["team_decree", "file"],
            must_exist=False,
        )
    labels = {code: list(DEFAULT_LABELS[code]) for code in UNSUR_CODES}
    labels.update(unit_cfg.get("labels", {}))
    columns = merge_columns(config["columns"], unit_cfg.get("columns") or {})
    date_order, date_order_source = _date_order(
        (survei, survei_path), (unit_cfg, Path(unit_yaml)), (config, "config.yaml")
    )
    return {
        "unit": unit,
        "year": int(year),
        "unit_dir": str(unit_dir),
        "year_dir": str(year_dir),
        "name": unit_cfg["name"],
        "short_name": unit_cfg.get("short_name", unit_cfg["name"]),
        "parent": unit_cfg.get("parent", ""),
        "city": unit_cfg.get("city", ""),
        "logo": unit_cfg.get("logo"),
        "website": unit_cfg.get("website"),
        "timezone": unit_cfg["timezone"],
        "utc_offset_hours": UTC_OFFSETS[unit_cfg["timezone"]],
        "population": survei.get("population", unit_cfg["population"]),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "period_is_default": "period" not in survei,
        "date_order": date_order,
        "date_order_source": date_order_source,
        "columns": dict(columns),
        "not_asked": list(unit_cfg.get("not_asked", [])),
        "accept_rejected": survei.get("accept_rejected"),
        "labels": labels,
        "layanan": list(unit_cfg.get("layanan", [])),
        "history": list(unit_cfg.get("history", [])),
        "saran_tema": list(unit_cfg.get("saran_tema") or config.get("saran_tema") or []),
        "demografi": config["demografi"],
        "survei": survei,
    }


def merge_columns(defaults: dict[str, str], unit: dict[str, str | None]) -> dict[str, str]:
    """config.yaml's default headers with a unit's `columns:` added, per field.

    For every field the unit maps, the default headers of that field are not used (the unit's
    form words it its own way); the defaults of the other fields still apply. A header the
    unit maps to null is ignored (not read at all), whatever the defaults say of it. A default
    header the unit maps itself (compared as the ingest compares headers, `normalise_text`:
    ``'SARAN '`` is ``'Saran'``) is the unit's, whatever field it names.
    """
    mapped = {field for field in unit.values() if field is not None}
    own = {normalise_text(header) for header in unit}
    merged = {
        header: field
        for header, field in defaults.items()
        if field not in mapped and normalise_text(header) not in own
    }
    merged.update({header: field for header, field in unit.items() if field is not None})
    return merged


def _date_order(*sources: tuple[dict, Path | str]) -> tuple[str | None, str | None]:
    """The first `date_order` set among (settings, file) pairs, and the file that set it."""
    for data, path in sources:
        if data.get("date_order"):
            return data["date_order"], str(path)
    return None, None
