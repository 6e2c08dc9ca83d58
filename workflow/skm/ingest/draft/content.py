"""What a column can be, by its header (`header_key`, `header_scores`: exact, fuzzy, keywords) and
by its content (`Content`: timestamps, an unsur's answers read by the ingest's own
`skm.ingest.values.answer_score`, categories, personal data, free text)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz

from skm.domain import DEFAULT_LABELS, UNSUR_CODES
from skm.errors import SkmInputError
from skm.ingest.draft.known import (
    AGE,
    CONTENT_SHARE,
    DEMOGRAPHIC,
    DIGIT,
    FIELDS,
    KEYWORDS,
    NUMBERING,
)
from skm.ingest.fields import category_key
from skm.ingest.redact import PATTERN as PERSONAL_PATTERN
from skm.ingest.settings import normalise_text
from skm.ingest.timestamps import parse_timestamps
from skm.ingest.values import answer_score


def header_key(text: str) -> str:
    """A header for comparison: `normalise_text`, numbering and a trailing '*' removed."""
    key = normalise_text(text).rstrip("* ").strip()
    for _ in range(2):
        key = NUMBERING.sub("", key, count=1).strip()
    return key


_LABEL_SCORE = {
    code: {normalise_text(t): i for i, t in enumerate(labels, start=1)}
    for code, labels in DEFAULT_LABELS.items()
}


@dataclass
class Content:
    """What a column's cells are."""

    kind: str  # "empty", "timestamp", "unsur", "scale", "category", "personal", "text"
    unsur: frozenset[str] = frozenset()
    category: str | None = None
    options: tuple[str, ...] = ()


def column_content(values: list[str], demografi: dict, offset: int) -> Content:
    cells = [v for v in values if v.strip()]
    if not cells:
        return Content("empty")
    counts = Counter(cells)
    total = len(cells)

    def share(test) -> float:
        return sum(n for v, n in counts.items() if test(v)) / total

    if share(lambda v: bool(PERSONAL_PATTERN.fullmatch(v.strip()))) >= 0.5:
        return Content("personal")
    if share(lambda v: bool(DIGIT.fullmatch(normalise_text(v)))) >= CONTENT_SHARE:
        return Content("scale", frozenset(UNSUR_CODES))
    # The ingest's own answer reading (`skm.ingest.values.answer_score`): init and ingest agree.
    fitting = frozenset(
        code
        for code, scores in _LABEL_SCORE.items()
        if share(lambda v, s=scores: answer_score(v, s)[0] is not None) >= CONTENT_SHARE
    )
    if fitting:
        return Content("unsur", fitting)
    distinct = list(counts)
    try:
        parsed = parse_timestamps(distinct, utc_offset_hours=offset, date_order="day_first")
        readable = dict(zip(distinct, parsed.ok.tolist(), strict=True))
    except SkmInputError:  # both orders in one column: still timestamps
        readable = {v: True for v in distinct}
    if share(lambda v: readable[v]) >= CONTENT_SHARE:
        return Content("timestamp")
    for name in ("jenis_kelamin", "pendidikan", "pekerjaan"):
        keys = {
            category_key(t)
            for e in demografi.get(name) or []
            for t in [e["label"], *(e.get("alias") or [])]
        }
        if keys and share(lambda v, k=keys: category_key(v) in k) >= 0.8:
            return Content("category", category=name)
    if share(lambda v: bool(AGE.fullmatch(category_key(v)))) >= 0.8:
        return Content("category", category="usia")
    if len(counts) <= max(3, total // 3):
        options = tuple(sorted({" ".join(v.split()) for v in counts}))
        return Content("category", options=options if len(options) <= 5 else ())
    return Content("text")


def custom_answers(content: Content) -> bool:
    """A column of a few options that are not an unsur's standard labels (own wording)."""
    return (
        content.kind == "category" and content.category is None and 2 <= len(content.options) <= 5
    )


def compatible(name: str, content: Content) -> bool:
    if content.kind in ("empty", "personal"):
        return False
    if name == "timestamp":
        return content.kind == "timestamp"
    if name in UNSUR_CODES:
        return (
            content.kind in ("unsur", "scale") and name in content.unsur or custom_answers(content)
        )
    if content.kind in ("timestamp", "unsur", "scale"):
        return False
    if name in DEMOGRAPHIC:
        return content.kind == "category" and content.category in (None, name)
    if name == "layanan":
        return content.kind in ("category", "text") and content.category is None
    return content.kind in ("text", "category") and content.category is None  # saran


def header_scores(header: str, known: dict[str, list[str]]) -> dict[str, tuple[int, str]]:
    """Per field: (score 0..100, how) from the header text alone: 100 when its key is one
    of `known`'s, the rapidfuzz token_sort_ratio when that is at least 85, 75 for a keyword."""
    key = header_key(header)
    scores: dict[str, tuple[int, str]] = {}
    if not key:
        return scores
    for name in FIELDS:
        texts = known.get(name, [])
        if key in texts:
            scores[name] = (100, "judul kolom dikenali")
            continue
        best = max((fuzz.token_sort_ratio(key, t) for t in texts), default=0)
        if best >= 85:
            scores[name] = (int(best), f"judul kolom mirip ({int(best)}%)")
        elif any(re.search(p, key) for p in KEYWORDS.get(name, ())):
            scores[name] = (75, "kata kunci pada judul kolom")
    return scores
