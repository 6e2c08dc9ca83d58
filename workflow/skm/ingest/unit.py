"""Read and validate one unit-year's Google Form exports into the clean responses table.

`ingest` reads every export (CSV or XLSX) of a unit-year, keeps only the mapped columns (names,
e-mail addresses and other unmapped columns are dropped at read time and never reach any
output), checks every row and returns an `IngestResult`:

- ``responses``: one PII-free row per scored response (the `skm.scoring.tables.Responses` contract);
- ``rejected``: one line per problem found (the `skm.scoring.tables.Rejected` contract);
- ``quality``: the data-quality figures (funnel, reasons, item non-response, how each file
  was read).

Structural problems (no export, unreadable or empty file, a required column missing, a
duplicated header, contradictory day/month order) stop the unit with one `SkmInputError`.
Row problems (unreadable or out-of-period timestamp, invalid answer, no answer at all, exact
duplicate) reject the row. Work is vectorised: values are normalised once per distinct value
(Arrow dictionary encoding, then map), never in a Python loop over the rows; columns are
kept as Arrow arrays, and the pure array work (encoding, building output columns) runs on two
worker threads while the calling thread validates and parses. A million-row export takes
about three times a plain `pandas.read_csv` of it (bench/bench_ingest.py).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from pandas.util import hash_array

from skm.domain import UNSUR_CODES
from skm.errors import SkmInputError
from skm.ingest.arrays import STRING, answer_scores, respondent_ids, string_array, take_strings
from skm.ingest.columns import HeaderMap
from skm.ingest.export import Export
from skm.ingest.fields import CATEGORY_FIELDS, FUNNEL_PRIORITY, MAX_QUOTED_CHARS, truncate
from skm.ingest.quality import check_enough, quality_figures
from skm.ingest.read import read_exports
from skm.ingest.redact import redact_series
from skm.ingest.result import IngestResult
from skm.ingest.rows import Part, problem_frame, process_export
from skm.ingest.timestamps import format_local_arrow
from skm.ingest.values import Context
from skm.scoring.tables import (
    REJECTED_COLUMNS,
    RESPONSE_COLUMNS,
    Rejected,
    Responses,
    layanan_column,
)

#: Worker threads for the pure array work of `ingest` (the calling thread works as well).
_WORKERS = 2


def _first_occurrence(keys: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """(is_duplicate, index of the first row with the same key) over all rows, in order.

    Only rows sharing their first key (the timestamp) with another row can be duplicates,
    so the full keys are compared among those rows only (`_first_occurrence_exact`).
    """
    columns = list(keys.values())
    first_key = columns[0]
    n = len(first_key)
    positions = np.arange(n, dtype=np.int64)
    if n > 1 and (first_key[1:] >= first_key[:-1]).all():
        # In order (as exports are, by time): equal first keys are neighbours.
        same_as_next = first_key[1:] == first_key[:-1]
        if not same_as_next.any():
            return np.zeros(n, dtype=bool), positions
        flagged = np.zeros(n, dtype=bool)
        flagged[1:] |= same_as_next
        flagged[:-1] |= same_as_next
        shared = np.flatnonzero(flagged)
    else:
        group, uniques = pd.factorize(first_key)
        if len(uniques) == n:
            return np.zeros(n, dtype=bool), positions
        shared = np.flatnonzero(np.bincount(group, minlength=len(uniques))[group] > 1)
    _, origin = _first_occurrence_exact({key: values[shared] for key, values in keys.items()})
    first = positions.copy()
    first[shared] = shared[origin]
    return first != positions, first


def _first_occurrence_exact(keys: dict[str, np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """`_first_occurrence` by hashing all keys.

    Rows are grouped by a 64-bit hash of their integer keys, then every candidate duplicate
    is compared exactly with its first row; a hash collision falls back to exact grouping.
    """
    columns = list(keys.values())
    n = len(columns[0])
    positions = np.arange(n, dtype=np.int64)
    combined = np.zeros(n, dtype=np.uint64)
    with np.errstate(over="ignore"):
        for values in columns:
            combined = combined * np.uint64(1099511628211) ^ hash_array(values)
    group, uniques = pd.factorize(combined)
    first = np.empty(len(uniques), dtype=np.int64)
    first[group[::-1]] = positions[::-1]
    origin = first[group]
    candidates = np.flatnonzero(origin != positions)
    same = np.ones(len(candidates), dtype=bool)
    for values in columns:
        same &= values[candidates] == values[origin[candidates]]
    if not same.all():  # pragma: no cover - 64-bit collision
        frame = pd.DataFrame(keys, copy=False)
        group = frame.groupby(list(frame.columns), sort=False).ngroup().to_numpy()
        first = np.empty(group.max() + 1, dtype=np.int64)
        first[group[::-1]] = positions[::-1]
        origin = first[group]
    return origin != positions, origin


def _one_error(errors: list[SkmInputError]) -> SkmInputError:
    """All structural problems of the unit-year as one error (each names its file)."""
    if len(errors) == 1:
        return errors[0]
    listed = "\n".join(f"{i}. {error}" for i, error in enumerate(errors, start=1))
    return SkmInputError(
        f"{len(errors)} file ekspor bermasalah; perbaiki semuanya lalu jalankan lagi:\n{listed}"
    )


def ingest(export_paths: list[Path], settings: dict) -> IngestResult:
    """Read, validate and clean all exports of one unit-year (see the module docstring).

    `settings` is the dict of `skm.ingest.settings.load_unit_year`. Raises SkmInputError for a
    structural problem; row problems end in `IngestResult.rejected`.
    """
    paths = sorted({Path(p) for p in export_paths}, key=lambda p: (p.name, str(p)))
    if not paths:
        raise SkmInputError(
            "tidak ada file ekspor (.csv, .xlsx, atau .zip hasil unduhan formulir) untuk unit dan "
            "tahun ini; taruh hasil unduhan Google Forms/Sheets atau Microsoft Forms di folder "
            "ini lalu jalankan lagi. (No export found.)",
            file=str(settings.get("year_dir") or ""),
        )
    not_asked = set(settings.get("not_asked") or ())
    header_map = HeaderMap.from_columns(
        {header: name for header, name in settings["columns"].items() if name not in not_asked}
    )
    ctx = Context.from_settings(settings)
    with (
        _gc_paused(),
        ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="skm-ingest") as pool,
    ):
        ctx.pool = pool
        return _ingest(paths, header_map, ctx)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """No cyclic garbage collection while a unit-year is ingested.

    The ingest allocates few Python objects but its libraries (pandera's schema copies)
    enough to trigger a full collection, which walks every object the imports created
    (~50 ms). Collection resumes afterwards (if it was on), catching up on any cycles.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _ingest(paths: list[Path], header_map: HeaderMap, ctx: Context) -> IngestResult:
    errors: list[SkmInputError] = []
    exports: list[Export] = []
    for path in paths:
        try:
            exports.extend(read_exports(path, header_map))
        except SkmInputError as exc:
            errors.append(exc)
    parts: list[Part] = []
    for no, export in enumerate(exports):
        try:
            parts.append(process_export(export, no, ctx))
        except SkmInputError as exc:
            errors.append(exc)
        export.columns = {}  # the text is no longer needed: free it for what follows
    if errors:
        raise _one_error(errors)
    names = np.asarray([export.name for export in exports], dtype=object)

    cat = {
        key: (
            np.concatenate([part.arrays[key] for part in parts])
            if len(parts) > 1
            else parts[0].arrays[key]
        )
        for key in parts[0].arrays
    }
    n_raw = len(cat["raw_row"])
    key_names = ("ts_key", *UNSUR_CODES, *CATEGORY_FIELDS, "saran")
    duplicate, origin = _first_occurrence({key: cat[key] for key in key_names})
    problems = [frame for part in parts for frame in part.problems]
    dup = np.flatnonzero(duplicate)
    if len(dup):
        src = origin[dup]
        reasons = [
            f"Duplikat persis dari baris {row} (file {name}){DUPLICATE_RULE}"
            for row, name in zip(cat["raw_row"][src], names[cat["file_no"][src]], strict=True)
        ]
        for file_no in np.unique(cat["file_no"][dup]):
            mine = cat["file_no"][dup] == file_no
            problems.append(
                problem_frame(
                    int(file_no),
                    cat["raw_row"][dup][mine],
                    11,
                    "",
                    "",
                    "duplicate",
                    np.asarray(reasons, object)[mine],
                )
            )
    rejected = _rejected_frame(problems, names)

    # Funnel stage of each row (-1 kept): the first of FUNNEL_PRIORITY that applies.
    stage = np.full(n_raw, -1, dtype=np.int8)
    for number, applies in reversed(
        list(enumerate([cat["invalid"], cat["out_of_period"], duplicate]))
    ):
        stage[applies] = number
    valid = stage < 0
    responses, redacted = _responses_frame(cat, valid, names, ctx)
    counts = np.bincount(stage[~valid], minlength=len(FUNNEL_PRIORITY))
    quality = quality_figures(cat, valid, counts, rejected, redacted, parts, ctx, n_raw)
    return IngestResult(responses=responses, rejected=rejected, quality=quality)


def ingest_unit(export_paths: list[Path], settings: dict) -> IngestResult:
    """`ingest`, then the checks that stop a unit although its exports could be read: an
    unsur without any valid answer, or more than half of the rows rejected (`check_enough`).
    A stop raises `IngestStopped`, which carries the result (rejected.csv lists every row)."""
    result = ingest(export_paths, settings)
    check_enough(result, settings)
    return result


DUPLICATE_RULE = (
    ": semua kolom yang diolah sama (stempel waktu, U1–U9, jenis layanan, data "
    "responden dan saran); nama, e-mail dan nomor telepon sudah dibuang sebelum "
    "pemeriksaan"
)


def _rejected_frame(problems: list[pd.DataFrame], names: np.ndarray) -> pd.DataFrame:
    if not problems:
        empty = {name: pd.array([], dtype=STRING) for name in REJECTED_COLUMNS}
        empty["raw_row"] = np.asarray([], dtype=np.int64)
        return Rejected.validate(pd.DataFrame(empty), lazy=True)
    frame = pd.concat(problems, ignore_index=True)
    frame = frame.sort_values(["file_no", "raw_row", "order"], kind="stable")
    frame.insert(0, "file", names[frame["file_no"].to_numpy()])
    frame = frame.drop(columns=["file_no", "order"]).reset_index(drop=True)
    for name in ("file", "column", "value", "reason_code", "reason"):
        frame[name] = pd.array(frame[name].to_numpy(dtype=object), dtype=STRING)
    long_cells = (frame["value"].str.len() > MAX_QUOTED_CHARS).fillna(False).to_numpy(bool)
    if long_cells.any():
        frame.loc[long_cells, "value"] = [
            truncate(v, MAX_QUOTED_CHARS)[0] for v in frame.loc[long_cells, "value"]
        ]
    frame["value"], _ = redact_series(frame["value"])
    frame["reason"], _ = redact_series(frame["reason"])
    frame["value"] = frame["value"].fillna("")
    frame["column"] = frame["column"].fillna("")
    return Rejected.validate(frame[list(REJECTED_COLUMNS)], lazy=True, inplace=True)


def _time_order(stamps: np.ndarray, file_no: np.ndarray, raw_row: np.ndarray) -> np.ndarray | slice:
    """Order of rows by (timestamp, file, raw_row); slice(None) when they are in order.

    Rows come in (file, raw_row) order, so a stable sort on the timestamp alone is enough
    (and nothing to do when the export is already in time order, as Forms writes it).
    """
    if len(stamps) < 2:
        return slice(None)
    in_file_order = (file_no[1:] > file_no[:-1]) | (
        (file_no[1:] == file_no[:-1]) & (raw_row[1:] > raw_row[:-1])
    )
    if not in_file_order.all():  # pragma: no cover - not produced by `process_export`
        return np.lexsort((raw_row, file_no, stamps))
    if (stamps[1:] >= stamps[:-1]).all():
        return slice(None)
    return np.argsort(stamps, kind="stable")


def _redact_distinct(texts: list[str], ids: np.ndarray) -> tuple[list[str], int]:
    """`redact_series` applied to the texts by id (-1 none): each distinct text is redacted
    once, and the replacements are counted once per row holding it.

    `redact_series` treats every cell on its own, so its total is the sum over cells; texts
    held by the same number of rows are redacted together and their total multiplied.
    """
    held = np.bincount(ids[ids >= 0], minlength=len(texts))
    out = list(texts)
    total = 0
    used = np.flatnonzero(held)
    for times in np.unique(held[used]):
        members = used[held[used] == times]
        series = pd.Series(pd.array([texts[i] for i in members], dtype=STRING))
        redacted, count = redact_series(series)
        total += int(times) * int(count)
        for i, text in zip(members, redacted.tolist(), strict=True):
            out[i] = text
    return out, total


def _responses_frame(
    cat: dict[str, np.ndarray], valid: np.ndarray, names: np.ndarray, ctx: Context
) -> tuple[pd.DataFrame, int]:
    count = int(valid.sum())
    # Rows as an index, or as slice(None) (a view, no copy) when every row is kept in order.
    rows: np.ndarray | slice = np.flatnonzero(valid) if count < len(valid) else slice(None)
    order = _time_order(
        cat["local"][rows].view(np.int64), cat["file_no"][rows], cat["raw_row"][rows]
    )
    if not isinstance(order, slice):
        rows = (np.arange(len(valid)) if isinstance(rows, slice) else rows)[order]
    local = cat["local"][rows]
    # Columns are built on the worker threads; the suggestions are redacted here meanwhile.
    jobs = {
        "id": ctx.run(respondent_ids, count),
        "timestamp": ctx.run(lambda: string_array(format_local_arrow(local, ctx.offset))),
        "file": ctx.run(take_strings, list(names), cat["file_no"][rows]),
    }
    for name in CATEGORY_FIELDS:
        jobs[name] = ctx.run(take_strings, list(ctx.value_ids[name]), cat[name][rows])
    for code in UNSUR_CODES:
        jobs[code] = ctx.run(answer_scores, cat[code][rows])
    saran_ids = cat["saran"][rows]
    saran, redacted = _redact_distinct(list(ctx.value_ids["saran"]), saran_ids)
    quarter = local.astype("datetime64[M]").view(np.int64) % 12  # month - 1
    quarter //= 3
    quarter += 1
    data: dict[str, Any] = {
        "raw_row": cat["raw_row"][rows].astype(np.int64),
        "semester": (quarter > 2).astype(np.int64) + 1,
        "triwulan": quarter,
        "saran": take_strings(saran, saran_ids),
    }
    data.update({key: job.result() for key, job in jobs.items()})
    flags = _layanan_flags(cat["layanan"][rows], ctx)
    data.update(flags)
    order = list(RESPONSE_COLUMNS)
    order[order.index("layanan") + 1 : order.index("layanan") + 1] = list(flags)
    frame = pd.DataFrame(data, columns=order, copy=False)
    # In place: the frame is new, and every column already has its contract dtype.
    return Responses.validate(frame, lazy=True, inplace=True)[order], redacted


def _layanan_flags(ids: np.ndarray, ctx: Context) -> dict[str, np.ndarray]:
    """One 0/1 column per listed layanan: whether the respondent ticked it (a checkbox
    question ticks several; a choice question one)."""
    if not ctx.layanan:
        return {}
    table = np.zeros((len(ctx.value_ids["layanan"]) + 1, len(ctx.layanan)), dtype=np.int64)
    for value_id, ticks in ctx.ticked.items():
        table[value_id, list(ticks)] = 1
    picked = table[np.where(ids >= 0, ids, len(table) - 1)]
    return {layanan_column(label): picked[:, j] for j, label in enumerate(ctx.layanan)}
