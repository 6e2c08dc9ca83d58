"""The one exception type for bad input: a message a unit's staff can act on."""

from __future__ import annotations


class SkmInputError(Exception):
    """Bad input (a file, a key, a row or a column) described in plain Indonesian/English.

    The workflow's scripts catch this, print `str(error)` and exit non-zero without a traceback.
    The text goes to logs, quality.json and the recap, so it passes the ingest's redaction:
    the file is named by `skm.ingest.redact.file_label` (a name holding personal data is redacted and
    followed by the start of its SHA-256) and phone numbers, e-mail addresses, NIK and cued
    names in the message are replaced. Messages name files, rows and columns; they never quote
    cells of personal columns or of rows that could not be read as an export.
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
    ):
        from skm.ingest.redact import file_label, redact

        self.file = file
        self.row = row
        self.column = column
        self.message = message
        where = []
        if file:
            where.append(f"file {file_label(file)}")
        if row is not None:
            where.append(f"baris {row}")
        if column:
            where.append(f"kolom '{redact(column)[0]}'")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + redact(message)[0])
