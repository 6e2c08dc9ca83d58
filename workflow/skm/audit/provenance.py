"""Input hashes, software versions and the fixed document timestamp of a unit-year."""

from __future__ import annotations

import datetime as dt
import functools
import importlib.metadata as md
import json
import platform
from pathlib import Path

from skm.io import sha256

PACKAGES = (
    "snakemake",
    "pandas",
    "pandera",
    "matplotlib",
    "nbclient",
    "nbconvert",
    "ipykernel",
    "pypandoc-binary",
    "typst",
    "babel",
    "openpyxl",
    "numpy",
    "holidays",
    "skm-pipeline",
)

RUN_COMMAND = "snakemake --cores 1"

# The config.yaml keys that a unit-year's processing reads; they enter its settings.json (the
# effective settings that provenance, Lampiran 7 and the manifest record). The other keys
# (instansi, expected_units, units, years) concern only the recap or which units run.
UNIT_CONFIG_KEYS = ("columns", "date_order", "demografi", "saran_tema")


def unit_config(config: dict) -> dict:
    """The part of a (validated) config.yaml that a unit-year uses."""
    return {k: config[k] for k in UNIT_CONFIG_KEYS if config.get(k) is not None}


@functools.lru_cache(maxsize=1)
def typst_compiler_version() -> str:
    """Version of the Typst compiler inside the `typst` wheel (its ``sys.version``)."""
    try:
        import typst

        value = typst.query(b"#metadata(str(sys.version)) <v>", "<v>", field="value", one=True)
        return str(json.loads(value) if isinstance(value, str) else value)
    except Exception:  # noqa: BLE001 - a missing or broken wheel is recorded, not fatal
        return "tidak tersedia"


def versions() -> dict[str, str]:
    """Versions of Python, the rendering engines and the libraries that produced the outputs."""
    out = {"python": platform.python_version()}
    for name in PACKAGES:
        try:
            out[name] = md.version(name)
        except md.PackageNotFoundError:
            out[name] = "tidak terpasang"
    # The `typst` wheel (typst-py) has its own release numbers (0.15.2 embeds the Typst 0.15.1
    # compiler, which is what the PDF's Creator names): record the compiler as "typst".
    out["typst-py"] = out.pop("typst")
    out["typst"] = typst_compiler_version()
    try:
        import pypandoc

        out["pandoc"] = pypandoc.get_pandoc_version()
    except (ImportError, OSError):
        out["pandoc"] = "tidak tersedia"
    return out


def document_epoch(settings: dict) -> int:
    """SOURCE_DATE_EPOCH for the documents: the signing date, else the end of the period (UTC)."""
    sig = (settings.get("survei") or {}).get("signatory") or {}
    day = dt.date.fromisoformat(sig.get("date") or settings["period"]["end"])
    return int(dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp())


def input_hashes(paths: list[str | Path], root: str | Path = ".") -> list[dict]:
    """[{path, sha256, bytes}] sorted by path, paths relative to `root`."""
    root = Path(root).resolve()
    rows = []
    for p in sorted({Path(x) for x in paths}):
        rel = p.resolve().relative_to(root) if p.resolve().is_relative_to(root) else p
        rows.append({"path": rel.as_posix(), "sha256": sha256(p), "bytes": p.stat().st_size})
    return rows
