"""What every workflow script shares: logging to the rule's log and clean failure on bad input."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator

from skm.errors import SkmInputError

log = logging.getLogger("skm")

# `extra=FILE_ONLY` on a log call: the line goes to the job's log file, not to the screen.
FILE_ONLY = {"file_only": True}


def _screen(record: logging.LogRecord) -> bool:
    return not getattr(record, "file_only", False)


@contextlib.contextmanager
def step(log_path: str | None) -> Iterator[logging.Logger]:
    """Log to `log_path`; turn SkmInputError into one clear message and exit status 1.

    Bad data never shows a traceback: the message names the file, row and column.
    """
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    handlers[0].addFilter(_screen)
    if log_path:
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    logging.basicConfig(
        level=logging.INFO, format="%(levelname)s %(message)s", handlers=handlers, force=True
    )
    try:
        yield log
    except SkmInputError as exc:
        log.error("%s", exc)
        logging.shutdown()
        sys.exit(1)
    except Exception:  # a defect, not bad data: its traceback goes to the job's log too
        log.exception(
            "Kesalahan program yang tidak terduga; laporkan isi log ini ke pengelola pipeline.",
            extra={"file_only": True},
        )  # the screen gets Python's own
        logging.shutdown()
        raise


_TIMING_NAMES = {
    "kernel": "mulai kernel",
    "execute": "eksekusi",
    "pandoc_html": "pandoc HTML",
    "pandoc_docx": "pandoc DOCX",
    "pandoc_typst": "pandoc Typst",
    "typst": "Typst",
}


def render_timings(timings: dict) -> str:
    """One sentence for a render's timings (seconds), e.g. 'Dokumen dibuat dalam 2,6 detik
    (mulai kernel 0,8; eksekusi 0,8; ...).'"""

    def sec(v: float) -> str:
        return f"{v:.1f}".replace(".", ",")

    parts = [
        f"{_TIMING_NAMES.get(k, k)} {sec(v)}"
        for k, v in timings.items()
        if isinstance(v, float) and k != "total"
    ]
    total = timings.get("total")
    head = (
        f"Dokumen dibuat dalam {sec(total)} detik" if isinstance(total, float) else "Dokumen dibuat"
    )
    return head + (f" ({'; '.join(parts)})." if parts else ".")
