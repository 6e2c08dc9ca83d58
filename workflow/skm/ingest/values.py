"""Normalising values, once per distinct value: answers to the unsur (labels, digits, lettered or
numbered options), categories (layanan, demographics, age groups, ticked checkboxes) and saran.
`Context` holds the lookups built once per ingest and the ids shared by all files."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from concurrent.futures import Executor, Future
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from skm import numfmt
from skm.domain import DEMOGRAPHIC_FIELDS, UNSUR_CODES, UNSUR_NAMES
from skm.ingest.fields import (
    CATEGORY_FIELDS,
    DASHES,
    MAX_ANSWER_CHARS,
    MAX_SARAN_CHARS,
    category_key,
    truncate,
)
from skm.ingest.redact import redact_answer
from skm.ingest.settings import normalise_text

_DIGIT_ANSWER = re.compile(r"([1-4])(?:[.,]0+)?")
_NUMBER = re.compile(r"[-+]?\d+(?:[.,]\d+)?")
_YEARS = r"\s*(?:tahun|thn|th)?\.?"
#: An age ("34", "34 tahun", "34.0"), a range ("20-29 tahun"), or an open range ("> 60",
#: ">= 60", "60+", "60 tahun ke atas", "< 20").
_AGE = re.compile(r"(?P<age>\d{1,3})(?:[.,]0+)?" + _YEARS)
_AGE_RANGE = re.compile(r"(?P<low>\d{1,3})-(?P<high>\d{1,3})" + _YEARS)
_AGE_OVER = re.compile(
    r"(?:(?P<op>>=?)(?P<a>\d{1,3})"
    + _YEARS
    + r"|(?P<b>\d{1,3})(?:\+|"
    + _YEARS
    + r"\s*(?:ke ?atas|lebih)))"
)
_AGE_UNDER = re.compile(r"(?:<|kurang dari)\s*(?P<age>\d{1,3})" + _YEARS)


@dataclass
class Context:
    """Lookups built once per ingest, and ids shared by all files of the unit-year."""

    offset: int
    date_order: str | None
    date_order_source: str | None
    start: np.datetime64
    end: np.datetime64
    period_text: str
    labels: dict[str, dict[str, int]]
    label_text: dict[str, str]
    categories: dict[str, dict[str, str]]
    checked: set[str]
    age_bins: list[tuple[int, str]]
    pool: Executor | None = None
    layanan: list[str] = field(default_factory=list)
    not_asked: set[str] = field(default_factory=set)
    #: Warnings for the run (Indonesian sentences), in the order found.
    warnings: list[str] = field(default_factory=list)
    #: Optional fields whose column is missing, with the files that lack it.
    missing: dict[str, list[str]] = field(default_factory=dict)
    #: Per layanan value id: the positions in `layanan` of the services it ticks.
    ticked: dict[int, tuple[int, ...]] = field(default_factory=dict)
    invalid_ids: dict[str, int] = field(default_factory=dict)
    unreadable_ids: dict[str, int] = field(default_factory=dict)
    value_ids: dict[str, dict[str, int]] = field(default_factory=dict)
    unmatched: dict[str, set[int]] = field(default_factory=dict)
    #: Ids of values whose personal data was replaced, and of values cut to length.
    redacted: dict[str, set[int]] = field(default_factory=dict)
    truncated: dict[str, set[int]] = field(default_factory=dict)

    @classmethod
    def from_settings(cls, settings: dict) -> Context:
        """Build the lookups from the settings of `skm.ingest.settings.load_unit_year`."""
        start = dt.date.fromisoformat(str(settings["period"]["start"]))
        end = dt.date.fromisoformat(str(settings["period"]["end"]))
        labels = {
            code: {
                normalise_text(text): score
                for score, text in enumerate(settings["labels"][code], start=1)
            }
            for code in UNSUR_CODES
        }
        label_text = {code: ", ".join(settings["labels"][code]) for code in UNSUR_CODES}
        demografi = settings.get("demografi") or {}
        categories: dict[str, dict[str, str]] = {}
        checked: set[str] = set()
        for name in DEMOGRAPHIC_FIELDS:
            entries = demografi.get(name) or []
            lookup: dict[str, str] = {}
            for entry in entries:
                for text in [entry["label"], *(entry.get("alias") or [])]:
                    lookup.setdefault(category_key(text), entry["label"])
            categories[name] = lookup
            if entries:
                checked.add(name)
        layanan = settings.get("layanan") or []
        categories["layanan"] = {category_key(text): text for text in layanan}
        if layanan:
            checked.add("layanan")
        age_bins = sorted((int(e["min"]), e["label"]) for e in demografi.get("usia") or [])
        return cls(
            offset=int(settings["utc_offset_hours"]),
            date_order=settings.get("date_order") or None,
            date_order_source=settings.get("date_order_source"),
            layanan=list(layanan),
            not_asked=set(settings.get("not_asked") or ()),
            start=np.datetime64(start, "D"),
            end=np.datetime64(end, "D"),
            period_text=numfmt.periode(start, end),
            labels=labels,
            label_text=label_text,
            categories=categories,
            checked=checked,
            age_bins=age_bins,
            value_ids={name: {} for name in (*CATEGORY_FIELDS, "saran")},
            unmatched={name: set() for name in CATEGORY_FIELDS},
            redacted={name: set() for name in CATEGORY_FIELDS},
            truncated={name: set() for name in (*CATEGORY_FIELDS, "saran")},
        )

    def category(self, name: str, text: str) -> str | None:
        """The configured label `text` stands for, or None."""
        label = self.categories[name].get(category_key(text))
        if label is None and name == "usia" and self.age_bins:
            label = self._age_group(category_key(text))
        return label

    def _age_group(self, key: str) -> str | None:
        """Age group of a numeric age or an age range that fits in one group."""

        def group(age: int) -> str | None:
            fitting = [label for low, label in self.age_bins if low <= age]
            return fitting[-1] if fitting and 0 <= age <= 120 else None

        if match := _AGE.fullmatch(key):
            return group(int(match["age"]))
        if match := _AGE_RANGE.fullmatch(key):
            low, high = group(int(match["low"])), group(int(match["high"]))
            return low if low == high else None
        if match := _AGE_OVER.fullmatch(key):
            age = int(match["a"] or match["b"]) + (1 if match["op"] == ">" else 0)
            return group(age) if group(age) == self.age_bins[-1][1] else None
        if match := _AGE_UNDER.fullmatch(key):
            below = int(match["age"])
            fits = len(self.age_bins) == 1 or below <= self.age_bins[1][0]
            return self.age_bins[0][1] if fits and self.age_bins[0][0] == 0 else None
        return None

    def run(self, func: Callable[..., Any], *args: Any) -> Future:
        """`func(*args)` on the worker threads of `pool` (or right away without one).

        Only pure array work goes there (Arrow and numpy release the GIL); everything that
        assigns ids stays on the calling thread, in a fixed order.
        """
        if self.pool is not None:
            return self.pool.submit(func, *args)
        done: Future = Future()
        done.set_result(func(*args))
        return done

    def value_id(self, name: str, text: str) -> int:
        """Id of a (normalised) value of field `name`, shared by all files."""
        ids = self.value_ids[name]
        return ids.setdefault(text, len(ids))

    def values(self, name: str) -> np.ndarray:
        """Texts by id, with None appended for id -1 (blank)."""
        return np.asarray([*self.value_ids[name], None], dtype=object)


@dataclass
class Answers:
    """One unsur column: answer key per row (0 blank, 1..4 score, >=5 invalid), and the raw
    text and rejection reason of each distinct value (through `codes`)."""

    keys: np.ndarray
    codes: np.ndarray
    uniques: list[str]
    reasons: np.ndarray

    def texts(self, rows: np.ndarray) -> list[str]:
        """Raw cell text of `rows`."""
        return [self.uniques[c] for c in self.codes[rows]]


#: A letter before the label, as the regulation's questionnaire letters options ("a. Tidak
#: sesuai", "A) Tidak sesuai", "(a) Tidak sesuai"); the letter is ignored, forms letter both
#: ways.
_LETTERED = re.compile(r"(?:\(\s*[a-d]\s*\)|[a-d]\s*[.)])\s*(?P<label>.+)")
#: The score before or after the label: "4 - Sangat sesuai", "4. Sangat sesuai",
#: "4 Sangat sesuai", "Sangat sesuai (4)", "Sangat sesuai - 4".
_NUMBERED = (
    re.compile(r"(?P<digit>[1-4])\s*[-.):=]\s*(?P<label>.+)"),
    re.compile(r"(?P<digit>[1-4])\s+(?P<label>[^\d\s].*)"),
    re.compile(r"(?P<label>.+?)\s*[(\[](?P<digit>[1-4])[)\]]"),
    re.compile(r"(?P<label>.+?)\s+[-:=]\s*(?P<digit>[1-4])"),
)


def answer_score(text: str, lookup: dict[str, int]) -> tuple[int | None, int | None]:
    """(score by label, digit written with it) of one answer cell; (None, None) when it is
    neither a label of the unsur (plain, lettered, numbered, or lettered and numbered:
    "a. 1 - Tidak sesuai") nor a digit 1..4.

    `lookup` maps `normalise_text` of each label to its score. The score comes from the label;
    a digit written with the label is returned so that the caller can reject a disagreement.
    `skm init` recognises answers with this same function.
    """
    norm = normalise_text(text).translate(DASHES)
    score = lookup.get(norm)
    if score is not None:
        return score, None
    digit = _DIGIT_ANSWER.fullmatch(norm)
    if digit:
        return int(digit.group(1)), None
    lettered = _LETTERED.fullmatch(norm)
    unlettered = lettered["label"].strip() if lettered else None
    if unlettered in lookup:
        return lookup[unlettered], None
    for candidate in (norm, unlettered):
        if not candidate:
            continue
        for pattern in _NUMBERED:
            match = pattern.fullmatch(candidate)
            if not match:
                continue
            label = match["label"].strip()
            inner = _LETTERED.fullmatch(label)
            if label not in lookup and inner:
                label = inner["label"].strip()
            if label in lookup:
                return lookup[label], int(match["digit"])
    return None, None


def answer_keys(encoded: tuple[np.ndarray, list[str]], code: str, ctx: Context) -> Answers:
    """Answer keys of one unsur column (`factorize`d) and the reason of every invalid
    distinct value."""
    codes, uniques = encoded
    keys = np.zeros(len(uniques) + 1, dtype=np.int32)
    reasons = np.full(len(uniques) + 1, None, dtype=object)
    lookup = ctx.labels[code]
    for i, raw in enumerate(uniques):
        norm = normalise_text(raw)
        if not norm:
            continue
        score, digit = answer_score(raw, lookup)
        if score is not None and (digit is None or digit == score):
            keys[i] = score
            continue
        keys[i] = 5 + ctx.invalid_ids.setdefault(norm, len(ctx.invalid_ids))
        shown = truncate(" ".join(raw.split()), 80)[0]
        if score is not None:
            reasons[i] = (
                f"Jawaban '{shown}' bertentangan untuk unsur {code} "
                f"({UNSUR_NAMES[code]}): angka {digit} tertulis bersama label yang "
                f"bernilai {score}; periksa pilihan jawaban di formulir"
            )
        elif _NUMBER.fullmatch(norm):
            reasons[i] = (
                f"Jawaban '{shown}' di luar skala 1–4 untuk unsur {code} ({UNSUR_NAMES[code]})"
            )
        else:
            reasons[i] = (
                f"Jawaban '{shown}' tidak termasuk pilihan unsur {code} "
                f"({UNSUR_NAMES[code]}): {ctx.label_text[code]}"
            )
    return Answers(keys=keys[codes], codes=codes, uniques=uniques, reasons=reasons)


#: Pieces of a checkbox cell beyond which it is not cut (free text, not ticked options).
MAX_TICKED_PIECES = 40


def split_ticked(text: str, known: set[str] | dict[str, Any]) -> list[str] | None:
    """The options ticked in a checkbox cell, or None when the cell does not cut wholly into
    `known` options (keys of `category_key`).

    Google joins ticked options with ', ', Microsoft Forms with ';' (and ends with one). An
    option may itself hold a comma ("Konsultasi, Pengaduan"), so the cell is cut against the
    known options, longest match first: from the left, each option taken is the longest run
    of pieces that is a known option and leaves a rest that also cuts wholly. A cell that is
    one known option (also "Perizinan;") gives that option alone. The ingest cuts against the
    unit's `layanan:` list, `skm init` against the values that occur alone; both use this.
    """
    text = text.strip()
    seps = [sep for sep in ((";", ", ") if text.endswith(";") else (", ", ";")) if sep in text]
    for sep in seps or [", "]:
        options = _cut(text.rstrip(";").strip() if sep == ";" else text, sep, known)
        if options is not None:
            return options
    return None


def _cut(text: str, sep: str, known: set[str] | dict[str, Any]) -> list[str] | None:
    """`split_ticked` for one separator."""
    pieces = [p.strip() for p in text.split(sep)]
    count = len(pieces)
    if not all(pieces) or count > MAX_TICKED_PIECES:
        return None
    joined = [
        [
            category_key(sep.join(pieces[start:end])) if end > start else ""
            for end in range(count + 1)
        ]
        for start in range(count)
    ]
    # cuts[i]: the rest pieces[i:] cuts wholly into known options.
    cuts = [False] * count + [True]
    for start in range(count - 1, -1, -1):
        cuts[start] = any(
            cuts[end] and joined[start][end] in known for end in range(start + 1, count + 1)
        )
    if not cuts[0]:
        return None
    options, start = [], 0
    while start < count:
        end = next(
            end for end in range(count, start, -1) if cuts[end] and joined[start][end] in known
        )
        options.append(sep.join(pieces[start:end]))
        start = end
    return options


def propose_layanan(values: Iterable[str]) -> tuple[list[str], list[str]]:
    """(services, combinations) of a layanan column without a `layanan:` list.

    A cell is a combination when it cuts (`split_ticked`) into two or more values that each
    also occur alone; the services are the other distinct cells, in order of first
    appearance (what `skm init` proposes as the unit's `layanan:` list).
    """
    distinct = list(dict.fromkeys(v.strip() for v in values if v and v.strip()))
    alone = {category_key(v) for v in distinct}
    combos = [v for v in distinct if len(split_ticked(v, alone - {category_key(v)}) or ()) > 1]
    services = [v for v in distinct if v not in set(combos)]
    return services, combos


def category_ids(encoded: tuple[np.ndarray, list[str]], name: str, ctx: Context) -> np.ndarray:
    """Ids of the normalised values of a category field (`factorize`d; -1 blank).

    A value that is not a configured label is kept as typed, cut to MAX_ANSWER_CHARS and
    redacted (`skm.ingest.redact.redact_answer`: a "Lainnya: Budi 0812..." loses all after its
    prefix), so no personal datum reaches responses.csv, ikm.json, quality.json or a table.
    """
    codes, uniques = encoded
    ids = np.full(len(uniques) + 1, -1, dtype=np.int32)
    for i, raw in enumerate(uniques):
        shown = raw.strip()
        if not shown:
            continue
        cut = len(shown) > MAX_ANSWER_CHARS
        label = ctx.category(name, shown) if name in ctx.checked and not cut else None
        ticks: tuple[int, ...] = ()
        if name == "layanan" and name in ctx.checked and not cut:
            if label is not None:
                ticks = (ctx.layanan.index(label),)
            elif split := split_ticked(shown, ctx.categories[name]):
                parts = [ctx.category(name, part) for part in split]
                ticks = tuple(sorted({ctx.layanan.index(part) for part in parts}))
                label = "; ".join(ctx.layanan[t] for t in ticks)
        hit = 0
        if label is None:
            shown, cut = truncate(shown, MAX_ANSWER_CHARS)
            shown, hit = redact_answer(shown)
        ids[i] = ctx.value_id(name, label if label is not None else shown)
        if ticks:
            ctx.ticked[int(ids[i])] = ticks
        if label is None and name in ctx.checked:
            ctx.unmatched[name].add(int(ids[i]))
        if hit:
            ctx.redacted[name].add(int(ids[i]))
        if cut:
            ctx.truncated[name].add(int(ids[i]))
    return ids[codes]


def saran_ids(encoded: tuple[np.ndarray, list[str]], ctx: Context) -> np.ndarray:
    """Ids of the cleaned suggestions (`factorize`d; trimmed, line ends unified, cut to
    MAX_SARAN_CHARS; -1 blank). They are redacted once all files are read."""
    codes, uniques = encoded
    ids = np.full(len(uniques) + 1, -1, dtype=np.int32)
    for i, raw in enumerate(uniques):
        text = raw[: MAX_SARAN_CHARS * 4] if len(raw) > MAX_SARAN_CHARS * 4 else raw
        text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
        if text:
            if len(raw) > MAX_SARAN_CHARS:
                full = len(raw.replace("\r\n", "\n").strip())
                text = text[:MAX_SARAN_CHARS] if full > MAX_SARAN_CHARS else text
                if full > MAX_SARAN_CHARS:
                    left = f"{full - MAX_SARAN_CHARS:,}".replace(",", ".")
                    text = f"{text} … [dipotong: {left} karakter tidak dimuat]"
                    ids[i] = ctx.value_id("saran", text)
                    ctx.truncated["saran"].add(int(ids[i]))
                    continue
            ids[i] = ctx.value_id("saran", text)
    return ids[codes]
