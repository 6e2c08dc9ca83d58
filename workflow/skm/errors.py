"""The one exception type for bad input: a message a unit's staff can act on."""

from __future__ import annotations


class SkmInputError(Exception):
    """Bad input (a file, a key, a row or a column) described in plain Indonesian/English.

    The workflow's scripts catch this, print `str(error)` and exit non-zero without a traceback.
    """

    def __init__(self, message: str, *, file: str | None = None, row: int | None = None,
                 column: str | None = None):
        self.file = file
        self.row = row
        self.column = column
        self.message = message
        where = []
        if file:
            where.append(f"file {file}")
        if row is not None:
            where.append(f"baris {row}")
        if column:
            where.append(f"kolom '{column}'")
        prefix = (", ".join(where) + ": ") if where else ""
        super().__init__(prefix + message)
