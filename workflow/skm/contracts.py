"""The contracts of the JSON hand-offs between stages: ikm.json, quality.json, settings.json.

Each file is described by a JSON Schema (Draft 2020-12) in ``workflow/schemas/`` beside the
schemas of the YAML inputs, whose parts settings.json takes over by ``$ref``. Stages write and
read these files only through `write_ikm`/`read_ikm` (likewise quality and settings), so a
file that breaks its contract is refused where it is written and again where it is read.
A violation is a defect of the pipeline, not a user's mistake: `ContractError` says in English
which file, which JSON path, what is wrong and which stage wrote it.

JSON Schema rather than typed models: the readers keep the plain dicts they use today (no
output can change), the schema files document the formats for auditors next to the input
schemas, and `jsonschema` is already a dependency (no new one).
"""

from __future__ import annotations

import functools
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import referencing
import yaml
from referencing.jsonschema import DRAFT202012

from skm.io import read_json, write_json

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "schemas"

#: Errors listed in one message (the first ones by JSON path).
MAX_LISTED = 5


class ContractError(ValueError):
    """A hand-off file (or the data about to be written to it) breaks its schema."""


@dataclass(frozen=True)
class Contract:
    """One hand-off file: its name, its schema file and the stage that writes it."""

    name: str
    schema: str
    writer: str

    def check(self, data: Any, path: str | os.PathLike | None = None) -> Any:
        """`data` unchanged if it satisfies the schema; else raise `ContractError`."""
        errors = sorted(_validator(self.schema).iter_errors(data), key=lambda e: e.json_path)
        if not errors:
            return data
        where = f"{self.name} ({path})" if path is not None else self.name
        lines = [f"  - {e.json_path}: {e.message}" for e in errors[:MAX_LISTED]]
        if len(errors) > MAX_LISTED:
            lines.append(f"  - ... and {len(errors) - MAX_LISTED} more")
        raise ContractError(
            f"{where} breaks its contract (workflow/schemas/{self.schema}); it is written by "
            f"{self.writer}:\n" + "\n".join(lines)
        )

    def write(self, path: str | os.PathLike, data: Any) -> None:
        """Check `data`, then write it with `skm.io.write_json` (nothing written if refused)."""
        write_json(self.check(data, path), path)

    def read(self, path: str | os.PathLike) -> Any:
        """The parsed file at `path`, checked."""
        try:
            data = read_json(path)
        except json.JSONDecodeError as exc:
            raise ContractError(
                f"{self.name} ({path}) is not JSON ({exc}); it is written by {self.writer}"
            ) from None
        return self.check(data, path)


IKM = Contract("ikm.json", "ikm.schema.json", "the rule score_responses (skm.scoring.ikm.score)")
QUALITY = Contract(
    "quality.json",
    "quality.schema.json",
    "the rule validate_responses (skm.ingest.unit.ingest_unit, skm.ingest.result.write_outputs)",
)
SETTINGS = Contract(
    "settings.json",
    "settings.schema.json",
    "the rule validate_responses (skm.ingest.settings.load_unit_year)",
)


def _load(name: str) -> dict:
    with open(SCHEMA_DIR / name, encoding="utf-8") as fh:
        if name.endswith(".json"):
            return json.load(fh)
        # libyaml's parser when PyYAML has it (the same data, several times faster)
        return yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


@functools.cache
def _registry() -> referencing.Registry:
    """Every schema of workflow/schemas/, by file name (how the schemas ``$ref`` each other)."""
    resources = [
        (path.name, DRAFT202012.create_resource(_load(path.name)))
        for path in sorted(SCHEMA_DIR.glob("*.schema.*"))
    ]
    return referencing.Registry().with_resources(resources).crawl()


@functools.cache
def _validator(name: str) -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(
        _load(name),
        registry=_registry(),
        format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER,
    )


def write_ikm(path: str | os.PathLike, data: dict) -> None:
    """Write ikm.json (checked against ikm.schema.json)."""
    IKM.write(path, data)


def read_ikm(path: str | os.PathLike) -> dict:
    """Read ikm.json (checked against ikm.schema.json)."""
    return IKM.read(path)


def write_quality(path: str | os.PathLike, data: dict) -> None:
    """Write quality.json (checked against quality.schema.json)."""
    QUALITY.write(path, data)


def read_quality(path: str | os.PathLike) -> dict:
    """Read quality.json (checked against quality.schema.json)."""
    return QUALITY.read(path)


def write_settings(path: str | os.PathLike, data: dict) -> None:
    """Write settings.json (checked against settings.schema.json)."""
    SETTINGS.write(path, data)


def read_settings(path: str | os.PathLike) -> dict:
    """Read settings.json (checked against settings.schema.json)."""
    return SETTINGS.read(path)
