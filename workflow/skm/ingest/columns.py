"""Header mapping: which column of an export holds which field (`HeaderMap`, built from the
settings' `columns:`), with same-titled columns told apart by their content (timestamps or not)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable
from dataclasses import dataclass

from skm.errors import SkmInputError
from skm.ingest.fields import FIELD_LABELS, quoted, quoted_headers
from skm.ingest.settings import REQUIRED_FIELDS, normalise_text
from skm.ingest.timestamps import parse_timestamps


@dataclass(frozen=True)
class HeaderMap:
    """The columns mapping of the settings: normalised header text -> field."""

    fields: dict[str, str]
    expected: dict[str, list[str]]

    @classmethod
    def from_columns(cls, columns: dict[str, str]) -> HeaderMap:
        """Build from settings["columns"] (header text -> field)."""
        fields: dict[str, str] = {}
        expected: dict[str, list[str]] = {}
        for header, name in columns.items():
            fields.setdefault(normalise_text(header), name)
            expected.setdefault(name, []).append(header)
        return cls(fields, expected)

    def locate(
        self,
        headers: list[str],
        file: str,
        where: str = "",
        holds_timestamps: Callable[[int], bool] | None = None,
    ) -> dict[str, int]:
        """Position of each mapped field among `headers`; structural problems raise.

        A header may be used both as a time column of the form and as a question's title
        (Microsoft Forms' "Waktu penyelesaian" and a U3 titled "Waktu Penyelesaian"), so when
        a field is found in several columns, the columns' content decides where it can
        (`holds_timestamps(position)`: the first data rows are date-times): of several
        timestamp columns only those holding timestamps are kept; when no timestamp column is
        left and exactly one of several same-titled columns holds timestamps, it is the
        timestamp and the other is the question.
        """
        found: dict[str, list[int]] = {}
        for pos, header in enumerate(headers):
            name = self.fields.get(normalise_text(header))
            if name is not None:
                found.setdefault(name, []).append(pos)
        if holds_timestamps is not None:
            _by_content(found, headers, holds_timestamps)
        for name, positions in found.items():
            if len(positions) < 2:
                continue
            texts = [" ".join(str(headers[p]).split()) for p in positions]
            numbers = ", ".join(f"ke-{p + 1}" for p in positions)
            if len({normalise_text(t) for t in texts}) == 1:
                message = (
                    f"judul kolom '{texts[0]}' muncul {len(positions)} kali{where} "
                    f"(kolom {numbers}), jadi tidak jelas kolom mana yang berisi "
                    f"{FIELD_LABELS[name]}. Hapus atau ganti nama kolom yang berlebih. "
                    "(Duplicated header.)"
                )
            else:
                message = (
                    f"kolom {quoted(texts)}{where} (kolom {numbers}) sama-sama dipetakan ke "
                    f"{FIELD_LABELS[name]}; sebuah file hanya boleh memuat satu di antaranya. "
                    "Hapus kolom yang berlebih atau perbaiki pemetaan `columns`. "
                    "(Two headers map to the same field.)"
                )
            raise SkmInputError(message, file=file, column=texts[1])
        missing = [name for name in REQUIRED_FIELDS if name not in found]
        if missing:
            lines = "\n".join(
                f"  - {FIELD_LABELS[name]}: judul yang dikenali "
                f"{quoted(self.expected.get(name, []))}"
                for name in missing
            )
            filled = sum(1 for h in headers if str(h).strip())
            if found:
                # A header row (some titles are known): its other titles are shown, redacted.
                seen = f"Judul kolom yang ada di file: {quoted_headers(headers)}."
            else:
                # Nothing known: the first row may be an answer (an export without its
                # header row, or not an export at all), so its cells are not quoted.
                seen = (
                    f"Baris pertama file ({filled} sel terisi) tidak memuat satu pun judul "
                    "kolom yang dikenali, jadi isinya tidak dikutip di sini (bisa berupa "
                    "baris jawaban berisi data pribadi); buka file untuk memeriksanya. Jika "
                    "baris judulnya terhapus, unduh ulang ekspornya."
                )
            raise SkmInputError(
                f"kolom wajib tidak ditemukan{where}:\n{lines}\n{seen}\n"
                "Jika judul pertanyaan di formulir diubah, tambahkan judul barunya ke `columns` "
                "di unit.yaml (atau config.yaml); jika file bukan ekspor SKM, keluarkan dari "
                "folder. (Required column missing.)",
                file=file,
            )
        return {name: positions[0] for name, positions in found.items()}


def _by_content(
    found: dict[str, list[int]], headers: list[str], holds_timestamps: Callable[[int], bool]
) -> None:
    """`HeaderMap.locate`'s decision by content, in place on field -> positions."""
    stamps = found.get("timestamp", [])
    if len(stamps) > 1:
        kept = [pos for pos in stamps if holds_timestamps(pos)]
        if kept:
            found["timestamp"] = kept  # the others are not read: no field claims them
    if "timestamp" in found:
        return
    for name, positions in list(found.items()):
        titles = {normalise_text(headers[pos]) for pos in positions}
        if len(positions) < 2 or len(titles) > 1:
            continue
        timed = [pos for pos in positions if holds_timestamps(pos)]
        if len(timed) == 1:
            found["timestamp"] = timed
            found[name] = [pos for pos in positions if pos != timed[0]]
            return


#: Data rows looked at to tell whether a column holds timestamps (`HeaderMap.locate`).
PROBE_ROWS = 20


def timestamp_share(values: list[object]) -> bool:
    """Whether nine in ten of the non-blank `values` (at least one) are timestamps: date-time
    cells, or text that `parse_timestamps` reads."""
    cells = [v for v in values if v is not None and str(v).strip()]
    if not cells:
        return False
    texts = []
    hits = 0
    for value in cells:
        if isinstance(value, (dt.datetime, dt.date)):
            hits += 1
        elif isinstance(value, str):
            texts.append(value)
    if texts:
        try:
            hits += int(parse_timestamps(texts, utc_offset_hours=7).ok.sum())
        except SkmInputError:  # both day/month orders in one column: still timestamps
            hits += len(texts)
    return hits * 10 >= len(cells) * 9


def csv_probe(text: str, delimiter: str, truncated: bool) -> Callable[[int], bool]:
    """`holds_timestamps` for a CSV from its first decoded bytes."""
    try:
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error:
        records = []
    rows = records[1:-1] if truncated else records[1:]
    rows = rows[:PROBE_ROWS]

    def probe(pos: int) -> bool:
        return timestamp_share([r[pos] if pos < len(r) else "" for r in rows])

    return probe
