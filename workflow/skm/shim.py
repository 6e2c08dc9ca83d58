"""What every workflow script shares: logging to the rule's log and clean failure on bad input."""

from __future__ import annotations

import contextlib
import logging
import sys
from collections.abc import Iterator

from skm.errors import SkmInputError

log = logging.getLogger("skm")


@contextlib.contextmanager
def step(log_path: str | None) -> Iterator[logging.Logger]:
    """Log to `log_path`; turn SkmInputError into one clear message and exit status 1.

    Bad data never shows a traceback: the message names the file, row and column.
    """
    handlers: list[logging.Handler] = [logging.StreamHandler(sys.stderr)]
    if log_path:
        handlers.append(logging.FileHandler(log_path, mode="w", encoding="utf-8"))
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(message)s",
                        handlers=handlers, force=True)
    try:
        yield log
    except SkmInputError as exc:
        log.error("%s", exc)
        logging.shutdown()
        sys.exit(1)
