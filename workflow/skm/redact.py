"""Redaction of personal data in free text (the saran column) before anything is published.

Indonesian phone numbers (mobile 08xx / +62 8xx / 62 8xx, landlines such as (0541) 123456 or
021-1234567, written with spaces, dashes (also en/em dashes, as word processors type them) or
dots, and with spaces around a dash, "0812 - 3456 - 7890"), e-mail addresses (also written
"nama @ gmail.com" or "nama[at]gmail[dot]com") and the 16-digit NIK (also written in groups) are
replaced by `[disamarkan]`. Over-redaction is preferred to a leak.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

PLACEHOLDER = "[disamarkan]"

#: Dashes as typed or autocorrected: hyphen-minus, U+2010..U+2015 (en/em dash ...), minus.
_DASH = "\\-\u2010-\u2015\u2212"
#: What may stand between two digits: nothing, one or two spaces, or a dot or dash with up to
#: two spaces on either side ("0812 3456", "0812-3456", "0812  3456", "0812 - 3456").
_SEP = rf"[ \u00a0]{{0,2}}(?:[.{_DASH}][ \u00a0]{{0,2}})?"

#: "@", also spaced or written out as [at]/(at); "." also written as [dot]/(dot).
_AT = r"(?:[ ]?@[ ]?|[ ]?(?i:\[at\]|\(at\))[ ]?)"
_DOT = r"(?:\.|[ ]?(?i:\[dot\]|\(dot\))[ ]?)"
_EMAIL = (r"[A-Za-z0-9._%+\-]+" + _AT + r"[A-Za-z0-9\-]+(?:" + _DOT + r"[A-Za-z0-9\-]+)*"
          + _DOT + r"[A-Za-z]{2,}")
#: NIK: 16 digits, possibly grouped with spaces, dots or dashes.
_NIK = r"(?<!\d)\d(?:" + _SEP + r"\d){15}(?!\d)"
#: Mobile: 08.., +62 8.., 62 8.., then 7..11 more digits (numbers are 10..13 digits long).
_MOBILE = (
    r"(?<![\d+])(?:\(?\+62\)?|62|0)" + _SEP + r"\(?8\)?(?:" + _SEP + r"\(?\d\)?){7,11}(?!\d)"
)
#: Landline: area code 0[2-9]x(x), bracketed or not, or +62 without the 0; then 5..8 digits.
_LANDLINE = (
    r"(?<![\d+])(?:\(0[2-9]\d{1,2}\)|0[2-9]\d{1,2}|\(?\+62\)?" + _SEP + r"\(?[2-79]\d{1,2}\)?)"
    + r"\s?" + _SEP + r"\d(?:" + _SEP + r"\d){4,7}(?!\d)"
)

PATTERN = re.compile("|".join(f"(?:{p})" for p in (_EMAIL, _NIK, _MOBILE, _LANDLINE)))

#: Cheap pre-filter: only text with an '@' (or [at]/(at)) or five digits close together can
#: hold a match.
_CANDIDATE = rf"@|(?i:\[at\]|\(at\))|\d(?:[ \u00a0.{_DASH}()+]{{0,6}}\d){{4}}"


def redact(text: str) -> tuple[str, int]:
    """Return `text` with phone numbers, e-mail addresses and NIK replaced, and the count."""
    if not text:
        return text, 0
    return PATTERN.subn(PLACEHOLDER, text)


def redact_series(values: pd.Series) -> tuple[pd.Series, int]:
    """Redact every cell of a string Series; return the new Series and total replacements.

    Works on the distinct values only, after a vectorised pre-filter, so a million mostly
    blank or harmless cells cost little. Missing values stay missing.
    """
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
