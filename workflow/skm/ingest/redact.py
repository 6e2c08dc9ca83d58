"""Redaction of personal data in every free text that leaves the ingest, and in file names.

One pass (`redact`) serves the saran column, the layanan and demographic answers kept as typed
("Lainnya: ..." texts), the values quoted in rejected.csv and error messages, and file names.
It replaces with `[disamarkan]`:

- Indonesian phone numbers (mobile 08xx / +62 8xx / 62 8xx, landlines such as (0541) 123456 or
  021-1234567), written with spaces, dashes (also en/em dashes), dots, and with spaces around a
  dash ("0812 - 3456 - 7890"), or in groups joined by "/" or "_" ("0812/3456/7890");
- e-mail addresses, also written "nama @ gmail . com", "nama[at]gmail[dot]com",
  "nama(di)gmail(titik)com", "nama at gmail dot com" or "nama di gmail titik com" (the bare
  words only before a known top-level domain, and a bare "di" only before a mail provider or
  after a user name with a digit, dot, "_", "+" or "-", so "pelayanan di kantor titik
  pelayanan baik" and "sampaikan di lapor.go.id" are kept);
- the 16-digit NIK (also written in groups);
- a name after an explicit cue ("nama saya Budi", "atas nama Budi Santoso", "a.n. Budi",
  "nama: Budi").

The text is matched after folding each character to its NFKC compatibility form (full-width
"０８１２＠" becomes "0812@"), Cyrillic and Greek look-alikes of Latin letters to those letters
("gmаil" with a Cyrillic а), and every decimal digit of any script to its ASCII digit, with
invisible format characters (zero-width space, soft hyphen) dropped; only the matched spans
of the original text are replaced, so the rest is kept exactly as typed.

`redact_answer` is the stricter rule for a short answer (layanan, demographics): when it holds
any personal datum, or a title followed by a name ("Bapak Budi"), everything after its
"Lainnya:" prefix (or the whole answer) is replaced, because such an answer is usually a name
with a contact. Over-redaction is preferred to a leak. A bare name typed into an answer
("Lainnya: Budi Santoso") cannot be told from a service name and is kept: a design limit.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path
from typing import TYPE_CHECKING

from skm.io import sha256

if TYPE_CHECKING:
    import pandas as pd

PLACEHOLDER = "[disamarkan]"

#: Dashes as typed or autocorrected: hyphen-minus, U+2010..U+2015 (en/em dash ...), minus.
_DASH = "\\-\u2010-\u2015\u2212"
#: What may stand between two digits: nothing, one or two spaces, or a dot or dash with up to
#: two spaces on either side ("0812 3456", "0812-3456", "0812  3456", "0812 - 3456").
_SEP = rf"[ \u00a0]{{0,2}}(?:[.{_DASH}][ \u00a0]{{0,2}})?"

#: "@": the sign, also spaced, or a bracketed word ([at], (at), {at}, and the Indonesian
#: [di], (di)); "." also spaced, or [dot]/(dot)/[titik]/(titik). Bracketed words are
#: deliberate obfuscation, so any top-level domain counts after them.
_AT_SIGN = r"(?:[ ]?@[ ]?|[ ]?(?i:\[(?:at|di)\]|\((?:at|di)\)|\{(?:at|di)\})[ ]?)"
_DOT_SIGN = r"(?:\.|[ ]\.[ ]|[ ]?(?i:\[(?:dot|titik)\]|\((?:dot|titik)\)|\{(?:dot|titik)\})[ ]?)"
#: The bare words " at "/" di " and " dot "/" titik ": "di" and "titik" are everyday Indonesian
#: words ("pelayanan di kantor titik pelayanan baik"), so an address written with them must
#: end in a known top-level domain ("budi at kantor dot go dot id"); after a bare " di " the
#: domain must also be a mail provider's ("budi di gmail titik com") or the name before it
#: look like a user name (a digit, dot, "_", "+" or "-" in it: "budi.s di kaltimprov.go.id"),
#: so a website named in a suggestion ("sampaikan di lapor.go.id") is kept.
_AT_WORD = r"(?:[ ]+(?i:at)[ ]+)"
_DI_WORD = r"(?:[ ]+(?i:di)[ ]+)"
_DOT_WORD = r"(?:[ ]+(?i:dot|titik)[ ]+)"
#: Second-level labels such as co, ac, go, sch may come before it ("titik co titik id"), but
#: never end an address written in words ("AC" is an air conditioner in a suggestion).
_KNOWN_TLD = r"(?i:com|net|org|id|edu|gov|info|biz|io)"
_PROVIDER = (
    r"(?i:gmail|googlemail|yahoo|ymail|rocketmail|hotmail|outlook|live|msn|icloud"
    r"|me|aol|proton|protonmail|pm|gmx|yandex|zoho|mail|email|telkom|plasa)"
)
_LOCAL = r"[A-Za-z0-9._%+\-]+"
_LOCAL_MARKED = r"[A-Za-z0-9._%+\-]*[0-9._%+\-][A-Za-z0-9._%+\-]*"
_LABEL = r"[A-Za-z0-9\-]+"
_EMAIL = (
    _LOCAL
    + _AT_SIGN
    + _LABEL
    + r"(?:"
    + _DOT_SIGN
    + _LABEL
    + r")*"
    + _DOT_SIGN
    + r"[A-Za-z]{2,}(?![A-Za-z0-9])"
)
_EMAIL_WORDS = (
    r"(?:"
    + _LOCAL
    + r"(?:"
    + _AT_SIGN
    + "|"
    + _AT_WORD
    + r")"
    + _LABEL
    + "|"
    + _LOCAL_MARKED
    + _DI_WORD
    + _LABEL
    + "|"
    + _LOCAL
    + _DI_WORD
    + _PROVIDER
    + r"(?=[ .\[({]))"
    + r"(?:(?:"
    + _DOT_SIGN
    + "|"
    + _DOT_WORD
    + r")"
    + _LABEL
    + r")*"
    + r"(?:"
    + _DOT_SIGN
    + "|"
    + _DOT_WORD
    + r")"
    + _KNOWN_TLD
    + r"(?![A-Za-z0-9])"
)
#: NIK: 16 digits, possibly grouped with spaces, dots or dashes.
_NIK = r"(?<!\d)\d(?:" + _SEP + r"\d){15}(?!\d)"
#: Mobile: 08.., +62 8.., 62 8.., then 7..11 more digits (numbers are 10..13 digits long).
_MOBILE = r"(?<![\d+])(?:\(?\+62\)?|62|0)" + _SEP + r"\(?8\)?(?:" + _SEP + r"\(?\d\)?){7,11}(?!\d)"
#: Landline: area code 0[2-9]x(x), bracketed or not, or +62 without the 0; then 5..8 digits.
_LANDLINE = (
    r"(?<![\d+])(?:\(0[2-9]\d{1,2}\)|0[2-9]\d{1,2}|\(?\+62\)?"
    + _SEP
    + r"\(?[2-79]\d{1,2}\)?)"
    + r"\s?"
    + _SEP
    + r"\d(?:"
    + _SEP
    + r"\d){4,7}(?!\d)"
)

PATTERN = re.compile("|".join(f"(?:{p})" for p in (_EMAIL, _EMAIL_WORDS, _NIK, _MOBILE, _LANDLINE)))

#: Digits in groups of two or more joined by "/" or "_" ("0812/3456/7890", "0812_3456_7890"):
#: a phone number or NIK by its digit count and start (a date "05/02/2023" has too few).
_GROUPED = re.compile(r"(?<![\d/_])\+?\d{2,}(?:[ ]?[/_][ ]?\d{2,}){1,7}(?![\d/_])")

#: A name after an explicit cue: after "nama saya/lengkap/responden" or "nama:" one word in
#: any case (names are often typed in lower case), after "atas nama" or "a.n." a capitalised
#: one ("atas nama pribadi" is no name); then up to two more capitalised words.
_NAME_WORD = r"[^\W\d_]{2,}"
_CAPITALISED = r"(?-i:[A-Z])[^\W\d_]+"
_NAME_CUE = re.compile(
    r"(?i:\b(?:nama\s+(?:saya|lengkap|responden)\s*(?:adalah|:|-)?|nama\s*:)\s*"
    r"(?P<name>" + _NAME_WORD + r"(?:[ ]+" + _CAPITALISED + r"){0,2})"
    r"|\b(?:atas\s+nama|a\.\s?n\.)\s*[:\-]?\s*)"
    r"(?P<cap>" + _CAPITALISED + r"(?:[ ]+" + _CAPITALISED + r"){0,2})?"
)
#: Words after a title that are no name ("Ibu Rumah Tangga", "Pak RT", "Bapak Kepala Dinas").
_NOT_NAMES = frozenset(
    [
        "rumah",
        "kepala",
        "rt",
        "rw",
        "lurah",
        "camat",
        "kades",
        "desa",
        "kota",
        "guru",
        "dosen",
        "bupati",
        "wali",
        "walikota",
        "gubernur",
        "dinas",
        "pejabat",
        "pegawai",
        "petugas",
        "dokter",
        "bidan",
        "perawat",
        "tani",
        "pedagang",
        "pensiunan",
        "ketua",
        "sekretaris",
        "bendahara",
        "kadis",
        "kabid",
        "kasi",
        "kasubag",
        "direktur",
        "menteri",
        "presiden",
    ]
)
#: A title followed by a capitalised name, in short answers only ("Bapak Budi", "Ibu Siti").
_TITLE_NAME = re.compile(
    r"\b(?i:bapak|bpk|pak|ibu|bu|sdr|sdri|saudara|saudari|tuan|nyonya|ny)\.?[ ]+"
    r"(?P<word>(?-i:[A-Z])[^\W\d_]+)"
)
#: The "other" prefix of a choice typed in ("Lainnya: ...", "Yang lain - ...", "Other: ...").
_OTHER = re.compile(
    r"^\s*(?i:lainnya|lain-lain|lain\s+lain|yang\s+lain|other|others)\s*"
    r"(?:[:\-\u2013\u2014=]\s*|\s+)"
)

#: Cheap pre-filter: only text with an '@' (any width), [at]/(at)/" at ", a name cue, or five
#: digits (of any script) close together can hold a match.
_CANDIDATE = (
    r"[@\uff20\ufe6b]|(?i:[\[({](?:at|di)[\])}]|\sat\s|\b(?:dot|titik)\b|nama|a\.\s?n\.)"
    r"|(?i:\sdi\s\S+\.\S)|\d(?:[\W_]{0,6}\d){4}"
    r"|[\u0370-\u03ff\u0400-\u04ff\u0500-\u052f\uff00-\uffef]"
)

#: Cyrillic and Greek letters that look like Latin ones ("gmаil" with a Cyrillic а), folded
#: to those Latin letters before matching (NFKC leaves them alone). Taken from the Unicode
#: confusables list (confusables.txt), letters only: its digit-like entries (O for 0, l for 1)
#: would break the digit patterns.
_CONFUSABLE = str.maketrans(
    "аАвВеЕһНіІјЈкКмМоОрРсСтТуУхХѕЅԁԛԝӏɡαΑβΒεΕζΖηΗιΙκΚμΜνΝοΟρΡτΤυΥχΧ",
    "aABBeEhHiIjJkKmMoOpPcCtTyYxXsSdqwlgaABBeEZZnHiIkKuMvNoOpPtTuYxX",
)

#: Format characters dropped while folding (invisible, may split a number).
_DROP = {"Cf"}


def _fold(text: str) -> tuple[str, list[int]]:
    """`text` folded character by character (NFKC, ASCII digits, no format characters), and
    for every folded character the index of the original character it came from."""
    out: list[str] = []
    origin: list[int] = []
    for i, char in enumerate(text):
        if char.isascii():
            folded = char
        elif unicodedata.category(char) in _DROP:
            continue
        else:
            digit = unicodedata.decimal(char, None)
            folded = (
                str(digit)
                if digit is not None
                else unicodedata.normalize("NFKC", char).translate(_CONFUSABLE)
            )
        out.append(folded)
        origin.extend([i] * len(folded))
    return "".join(out), origin


def _grouped_is_personal(match: re.Match) -> bool:
    digits = re.sub(r"\D", "", match.group())
    if len(digits) == 16:
        return True
    mobile = digits.startswith(("08", "628"))
    return mobile and 10 <= len(digits) <= 14


def _spans(folded: str, strict: bool = False) -> list[tuple[int, int]]:
    """Spans of personal data in folded text, merged, in order."""
    spans = [m.span() for m in PATTERN.finditer(folded)]
    spans += [m.span() for m in _GROUPED.finditer(folded) if _grouped_is_personal(m)]
    for m in _NAME_CUE.finditer(folded):
        group = "name" if m.group("name") else "cap"
        if m.group(group):
            spans.append(m.span(group))
    if strict:
        spans += [
            m.span()
            for m in _TITLE_NAME.finditer(folded)
            if m.group("word").casefold() not in _NOT_NAMES
        ]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _replace(text: str, strict: bool = False) -> tuple[str, int]:
    if text.isascii():
        folded, origin = text, None
    else:
        folded, origin = _fold(text)
    spans = _spans(folded, strict)
    if not spans:
        return text, 0
    pieces: list[str] = []
    last = 0
    for start, end in spans:
        if origin is not None:
            start, end = origin[start], origin[end - 1] + 1
        pieces.append(text[last:start])
        pieces.append(PLACEHOLDER)
        last = end
    pieces.append(text[last:])
    return "".join(pieces), len(spans)


def redact(text: str) -> tuple[str, int]:
    """Return `text` with phone numbers, e-mail addresses, NIK and cued names replaced, and
    the count of replacements."""
    if not text:
        return text, 0
    return _replace(text)


def redact_answer(text: str) -> tuple[str, int]:
    """A short answer (layanan, demographics, "Lainnya: ..." text) without personal data.

    When it holds a phone number, e-mail address, NIK, cued name or title with a name, all
    of it after an "other" prefix ("Lainnya: ") is replaced, as the rest is usually the name
    that goes with the contact. Returns the text and 1 if anything was replaced, else 0.
    """
    if not text:
        return text, 0
    _, count = _replace(text, strict=True)
    if not count:
        return text, 0
    prefix = _OTHER.match(text)
    return (text[: prefix.end()] if prefix else "") + PLACEHOLDER, 1


def redact_series(values: pd.Series) -> tuple[pd.Series, int]:
    """Redact every cell of a string Series; return the new Series and total replacements.

    Works on the distinct values only, after a vectorised pre-filter, so a million mostly
    blank or harmless cells cost little. Missing values stay missing.
    """
    import numpy as np  # here: the photo and file-name helpers above need neither
    import pandas as pd

    values = values.astype("str")
    present = values.notna()
    if not present.any():
        return values, 0
    candidate = present & values.str.contains(_CANDIDATE, regex=True, na=False)
    if not candidate.any():
        return values, 0
    codes, uniques = pd.factorize(values[candidate])
    redacted, counts = zip(*(redact(v) for v in uniques), strict=True)
    per_code = np.asarray(counts, dtype=np.int64)
    total = int(per_code[codes].sum())
    out = values.copy()
    out[candidate] = np.asarray(redacted, dtype=object)[codes]
    return out, total


def is_candidate(text: str) -> bool:
    """Whether `text` may hold personal data at all (the pre-filter of `redact_series`)."""
    return bool(text) and re.search(_CANDIDATE, text) is not None


# --------------------------------------------------------------------------- file names


def file_digest(path: str | os.PathLike, length: int = 12) -> str | None:
    """The first `length` hex digits of the file's SHA-256 (as manifest.json lists it), or
    None when the file cannot be read."""
    try:
        return sha256(path)[:length]
    except OSError:
        return None


def _name_text(name: str) -> str:
    """A file name with '_' read as a space, so "Budi_081234567890" splits into words."""
    return name.replace("_", " ")


def redact_name(name: str) -> tuple[str, bool]:
    """A file or folder name without personal data, and whether anything was replaced.

    A name holding a phone number, e-mail address, NIK or cued name is replaced whole but
    for its extension ("Budi_081234567890.csv" -> "[disamarkan].csv"): the words beside a
    contact are usually the person's name.
    """
    _, count = _replace(_name_text(name), strict=True)
    if not count:
        return name, False
    suffix = Path(name).suffix
    return PLACEHOLDER + (suffix if len(suffix) <= 6 and suffix[1:].isalnum() else ""), True


def file_label(path: str | os.PathLike, digest: str | None = None) -> str:
    """How a raw file is named in processed data, quality.json, logs and documents.

    Its name as given when it holds no personal datum; otherwise the redacted name followed
    by the start of the file's SHA-256 ("[disamarkan].csv, sha256 3f2a9c01d4e5"), which an
    auditor finds in manifest.json (that keeps the real path). The folders are redacted too.
    """
    text = os.fspath(path)
    parts = re.split(r"([/\\])", text)
    changed = False
    for i, part in enumerate(parts):
        if part in ("/", "\\") or not part:
            continue
        new, hit = redact_name(part)
        if hit:
            parts[i], changed = new, True
    if not changed:
        return text
    if digest is None:
        digest = file_digest(path)
    label = "".join(parts)
    return f"{label} (sha256 {digest})" if digest else label


def safe_stem(path: str | os.PathLike) -> str:
    """A file name's stem fit for a processed file name: redacted, and tagged with a hash of
    the full original name when redacted (so two redacted names stay distinct)."""
    name = Path(path).name
    stem = Path(path).stem
    new, hit = redact_name(stem)
    if not hit:
        return stem
    tag = hashlib.sha256(name.encode("utf-8")).hexdigest()[:8]
    clean = re.sub(r"[^A-Za-z0-9._-]+", "-", new.replace(PLACEHOLDER, "disamarkan")).strip("-")
    return f"{clean or 'berkas'}-{tag}"
