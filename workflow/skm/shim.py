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

#: Logged with the traceback when a job fails on a defect rather than on bad data.
DEFECT_MESSAGE = "Kesalahan program yang tidak terduga; laporkan isi log ini ke pengelola pipeline."


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
            DEFECT_MESSAGE,
            extra={"file_only": True},
        )  # the screen gets Python's own
        logging.shutdown()
        raise


@contextlib.contextmanager
def in_process_log(log_path: str) -> Iterator[logging.Logger]:
    """The log of a job that runs inside Snakemake's own process (a rule's `run:` block, no
    interpreter of its own): a logger that writes only to the job's log file, in the format of
    :func:`step`, and leaves Snakemake's logging alone. A failure is logged (its traceback to
    the file) and raised again for Snakemake to report."""
    job_log = logging.getLogger(f"skm.job.{log_path}")
    job_log.propagate = False
    job_log.setLevel(logging.INFO)
    handler = logging.FileHandler(log_path, mode="w", encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    job_log.addHandler(handler)
    try:
        yield job_log
    except SkmInputError as exc:
        job_log.error("%s", exc)
        raise
    except Exception:
        job_log.exception(DEFECT_MESSAGE)
        raise
    finally:
        job_log.removeHandler(handler)
        handler.close()


def notebook_paths(qmd: str, *named: object) -> dict[str, str]:
    """The `<name>_path` parameters a notebook's parameters cell declares, from the job's
    named files (``snakemake.input``, ``snakemake.output``; the first that has `name` wins):
    absolute paths, "" for an optional input that is absent or a name no file has."""
    from pathlib import Path

    from skm.render.qmd import parameter_names, parse_qmd

    def one(value: object) -> str:
        if not isinstance(value, str):  # an optional input: a list of zero or one
            value = value[0] if len(value) else ""  # type: ignore[arg-type,index]
        return str(Path(value).resolve()) if value else ""

    files = [dict(n.items()) for n in named]  # type: ignore[attr-defined]
    params = {}
    for name in parameter_names(parse_qmd(Path(qmd))):
        if name.endswith("_path"):
            key = name.removesuffix("_path")
            params[name] = one(next((f[key] for f in files if key in f), ""))
    return params


def log_render(log: logging.Logger, document: str, timings: dict) -> None:
    """Log a rendered document's timings ("<document>: Dokumen dibuat dalam ...", which
    bench/bench_province.py reads) and any character its PDF font lacks."""
    if timings.get("missing_glyphs"):
        log.warning(
            "Karakter yang tidak ada di font, tampil sebagai kotak di PDF: %s. Ganti "
            "karakter itu di data atau YAML.",
            timings["missing_glyphs"],
        )
    log.info("%s: %s", document, render_timings(timings))


_TIMING_NAMES = {
    "kernel": "mulai kernel",
    "execute": "eksekusi",
    "pandoc_read": "pandoc membaca",
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
        if isinstance(v, float) and k != "total" and v > 0  # a stage not run is 0.0
    ]
    total = timings.get("total")
    head = (
        f"Dokumen dibuat dalam {sec(total)} detik" if isinstance(total, float) else "Dokumen dibuat"
    )
    return head + (f" ({'; '.join(parts)})." if parts else ".")
