"""The processed hand-offs (settings.json, quality.json, ikm.json) for unit tests.

Each is built by the product's own code where that is cheap (settings by
`load_unit_year` from a unit.yaml, ikm by `score` from answers) and every one is checked
against its contract (`skm.contracts`), so a test never feeds a stage a dict the pipeline
could not write.
"""

from __future__ import annotations

import functools
import json
import tempfile
from pathlib import Path

import pandas as pd
import yaml

from skm.audit.provenance import unit_config
from skm.contracts import IKM, QUALITY, SETTINGS, write_ikm, write_settings
from skm.domain import UNSUR_CODES
from skm.ingest.result import write_outputs
from skm.ingest.settings import OPTIONAL_FIELDS, load_config, load_unit_year
from skm.ingest.unit import ingest_unit
from skm.scoring.ikm import score
from skm.scoring.tables import read_responses

ROOT = Path(__file__).resolve().parents[1]


def settings(unit_yaml: dict | None = None, survei_yaml: dict | None = None, **over) -> dict:
    """settings.json of unit `u`, 2023, as validate_responses writes it: `load_unit_year` on a
    unit.yaml (name, population 550, WITA unless `unit_yaml` says otherwise) and an optional
    survei.yaml, with the shipped config.yaml; `over` replaces top-level keys afterwards."""
    unit, year = over.pop("unit", "u"), int(over.pop("year", 2023))
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "raw"
        (raw / unit / str(year)).mkdir(parents=True)
        spec = {"name": "Unit Uji", "population": 550, "timezone": "WITA", **(unit_yaml or {})}
        (raw / unit / "unit.yaml").write_text(yaml.safe_dump(spec), encoding="utf-8")
        if survei_yaml is not None:
            path = raw / unit / str(year) / "survei.yaml"
            path.write_text(yaml.safe_dump(survei_yaml), encoding="utf-8")
        config = load_config(ROOT / "config.yaml")
        out = load_unit_year(raw, unit, year, config, check_logo=False)
    # The folders as a run names them (relative to the project), not the temporary ones.
    out.update(unit_dir=f"data/raw/{unit}", year_dir=f"data/raw/{unit}/{year}")
    out.update(over)
    return SETTINGS.check(out)


def quality(n_raw: int, n_rejected: int = 0, **over) -> dict:
    """quality.json of an ingest that read `n_raw` rows and rejected `n_rejected` as invalid
    (every optional column found, nothing redacted or unmatched); `over` replaces keys."""
    n_valid = n_raw - n_rejected
    zero = dict.fromkeys(("layanan", "jenis_kelamin", "usia", "pendidikan", "pekerjaan"), 0)
    out = {
        "n_raw": n_raw,
        "n_valid": n_valid,
        "n_rejected": n_rejected,
        "funnel": {
            "diterima": n_raw,
            "duplikat": 0,
            "di_luar_periode": 0,
            "tidak_valid": n_rejected,
            "diolah": n_valid,
        },
        "reason_counts": {
            "timestamp_unparseable": 0,
            "timestamp_out_of_period": 0,
            "answer_invalid": n_rejected,
            "no_answers": 0,
            "duplicate": 0,
        },
        "item_nonresponse": dict.fromkeys(UNSUR_CODES, 0),
        "demografi_unmatched": {name: {} for name in zero},
        "saran_redacted": 0,
        "answers_redacted": dict(zero),
        "truncated": {**zero, "saran": 0},
        "files": [],
        "date_order": {"setting": None, "source": None},
        "kolom_opsional": dict.fromkeys(OPTIONAL_FIELDS, "ada"),
        "layanan_ganda": 0,
        "warnings": [],
    }
    out.update(over)
    return QUALITY.check(out)


def answers(rows: list[list], **columns) -> pd.DataFrame:
    """A responses table as `score` reads it: U1..U9 (Int64, None for a blank) plus `columns`
    (text columns as pandas strings, other lists as given)."""
    frame = pd.DataFrame(rows, columns=list(UNSUR_CODES), dtype="Int64")
    for name, values in columns.items():
        values = pd.Series(values, index=frame.index)
        frame[name] = values.astype("string") if values.dtype == object else values
    return frame


def ikm(
    responses: pd.DataFrame, settings_json: dict | None = None, quality_json: dict | None = None
) -> dict:
    """ikm.json of `responses` (see `answers`), by `score`, checked against its contract."""
    settings_json = settings_json if settings_json is not None else settings()
    quality_json = quality_json if quality_json is not None else quality(len(responses))
    return IKM.check(score(responses, quality_json, settings_json))


#: The shipped sample unit (data/raw/biro-umum), whose years the README documents.
SAMPLE_UNIT = "biro-umum"


def write_sample(folder: Path, year: int = 2023) -> dict[str, Path]:
    """The processed files of the shipped sample's unit-year in `folder`, by the stages' own
    code (load_unit_year, ingest_unit and write_outputs, score and the contract writers), as
    validate_responses and score_responses write them: {name: path} of responses, rejected,
    quality, settings and ikm."""
    year_dir = ROOT / "data" / "raw" / SAMPLE_UNIT / str(year)
    config = unit_config(load_config(ROOT / "config.yaml"))
    values = load_unit_year(ROOT / "data" / "raw", SAMPLE_UNIT, year, config, check_logo=False)
    values.update(unit_dir=f"data/raw/{SAMPLE_UNIT}", year_dir=f"data/raw/{SAMPLE_UNIT}/{year}")
    exports = sorted(p for p in year_dir.iterdir() if p.suffix.lower() in {".csv", ".xlsx"})
    result = ingest_unit(exports, values)
    folder = Path(folder)
    paths = {
        n: folder / f"{n}.{'csv' if n in ('responses', 'rejected') else 'json'}"
        for n in ("responses", "rejected", "quality", "settings", "ikm")
    }
    write_outputs(result, paths["responses"], paths["rejected"], paths["quality"])
    write_settings(paths["settings"], values)
    scored = score(read_responses(paths["responses"]), result.quality, values)
    write_ikm(paths["ikm"], scored)
    return paths


@functools.cache
def _sample_ikm_text(year: int) -> str:
    with tempfile.TemporaryDirectory() as tmp:
        return write_sample(Path(tmp), year)["ikm"].read_text(encoding="utf-8")


def sample_ikm(year: int = 2023) -> dict:
    """ikm.json of the shipped sample's unit-year (`write_sample`), a fresh copy each call."""
    return json.loads(_sample_ikm_text(year))


def answers_with_sums(sums: list[int], n: int) -> pd.DataFrame:
    """`answers` of `n` respondents whose answers to U1..U9 add up to `sums` (each unsur's
    answers as even as possible: q and q + 1)."""
    columns = []
    for total in sums:
        q, r = divmod(total, n)
        if not (n <= total <= 4 * n) or (q == 4 and r):
            raise ValueError(f"no {n} answers 1..4 add up to {total}")
        columns.append([q + 1] * r + [q] * (n - r))
    return answers([list(row) for row in zip(*columns, strict=True)])
