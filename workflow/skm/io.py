"""Deterministic, atomic writers for processed artefacts."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml


def atomic_write_bytes(data: bytes, path: str | os.PathLike) -> None:
    """Write to a temporary file beside `path`, then rename: never a half-written final file."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; outputs are ordinary readable files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(data: Any, path: str | os.PathLike) -> None:
    """Pretty, key-sorted UTF-8 JSON (byte-identical for identical data)."""
    text = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False)
    atomic_write_bytes((text + "\n").encode("utf-8"), path)


def read_json(path: str | os.PathLike) -> Any:
    """Parse a JSON file."""
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


class TextDateLoader(yaml.SafeLoader):
    """PyYAML's SafeLoader, with dates kept as written (the JSON schemas check `format: date`;
    an impossible date such as 2023-02-30 is then the schema's error, not a crash)."""


def _date_as_written(loader: yaml.BaseLoader, node: yaml.Node) -> str:
    return loader.construct_scalar(node)


TextDateLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_written)

if hasattr(yaml, "CSafeLoader"):

    class _FastTextDateLoader(yaml.CSafeLoader):
        """The same loader on libyaml's parser (the same constructors and resolver)."""

    _FastTextDateLoader.add_constructor("tag:yaml.org,2002:timestamp", _date_as_written)
else:  # a PyYAML built without libyaml
    _FastTextDateLoader = None


def load_yaml(text: str) -> Any:
    """Parse YAML text with TextDateLoader: on libyaml's parser when PyYAML has it (several
    times faster), and again on PyYAML's own parser when that fails, so that the error raised
    is PyYAML's, whose message quotes the line with a caret under the problem."""
    if _FastTextDateLoader is not None:
        try:
            return yaml.load(text, Loader=_FastTextDateLoader)
        except yaml.YAMLError:
            pass
    return yaml.load(text, Loader=TextDateLoader)


def sha256(path: str | os.PathLike) -> str:
    """Hex SHA-256 of a file (read in 1 MiB blocks): the one file hasher of the project."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def value_file(value: Any, name: str, directory: str | os.PathLike) -> str:
    """`value` as JSON in ``<directory>/<name>-<hash of the JSON>.json``; return that path.

    How the workflow hands a job a value from config.yaml instead of a rule param: a changed
    value is a new file name, so the job reruns (Snakemake's `input` rerun trigger) as it did for
    a changed param. The file is written once and dated 1970, so writing it again (a new clone,
    a deleted ``.snakemake/``) reruns nothing. Why not params: Snakemake imports pandas to
    compare the params of any rule that has them, half a second of every run and dry run.
    """
    text = json.dumps(value, ensure_ascii=False, indent=2, sort_keys=True, allow_nan=False) + "\n"
    data = text.encode("utf-8")
    path = Path(directory) / f"{name}-{hashlib.sha256(data).hexdigest()[:16]}.json"
    if not path.exists():
        atomic_write_bytes(data, path)
        os.utime(path, (0, 0))
    return path.as_posix()
