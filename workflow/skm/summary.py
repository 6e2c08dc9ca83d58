"""The summary printed at the end of a workflow run (Snakefile onsuccess/onerror handlers).

Per unit-year: the documents written (paths), or the first line of the error that stopped it
and where the full message is. Then the recap of each year, and the unit folders whose names
cannot be used. In Indonesian, as sentences; no Snakemake import, so it is tested directly.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from skm import layout
from skm.contracts import read_quality


@dataclass
class UnitYearStatus:
    """What became of one unit-year in the run."""

    unit: str
    year: int
    documents: list[str] = field(default_factory=list)
    error: str | None = None
    detail: str | None = None

    @property
    def ok(self) -> bool:
        """True when every document of the unit-year exists."""
        return self.error is None


def first_line(message: str) -> str:
    """The first non-empty line of a message."""
    return next((line.strip() for line in message.splitlines() if line.strip()), message)


def _ingest_error(quality: Path) -> str | None:
    try:
        return read_quality(quality).get("error")
    except (OSError, ValueError, AttributeError):
        return None


def _logged_error(log_dir: Path) -> tuple[str, Path] | None:
    """The first ERROR line of the most recently written job log of a unit-year."""
    logs = sorted(log_dir.glob("*.log"), key=lambda p: p.stat().st_mtime, reverse=True)
    for log in logs:
        for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith("ERROR "):
                return line[len("ERROR ") :].strip(), log
    return None


def unit_year_status(
    unit: str,
    year: int,
    documents: list[str],
    *,
    processed_dir: str | Path = layout.PROCESSED,
    logs_dir: str | Path = layout.LOGS,
    failure: str | None = None,
) -> UnitYearStatus:
    """Status of one unit-year from the files on disk and this run's failure report, if any."""
    status = UnitYearStatus(unit, int(year))
    quality = Path(layout.processed(unit, year, "quality.json", processed=processed_dir))
    log_dir = Path(layout.logs(unit, year, logs=logs_dir))
    validate_log = layout.logs(unit, year, "validate_responses.log", logs=logs_dir)
    if failure:
        status.error = first_line(failure)
        status.detail = validate_log if _ingest_error(quality) else None
        return status
    missing = [d for d in documents if not Path(d).is_file()]
    if not missing:
        status.documents = list(documents)
        return status
    error = _ingest_error(quality)
    if error:
        status.error, status.detail = first_line(error), validate_log
        return status
    logged = _logged_error(log_dir) if log_dir.is_dir() else None
    if logged:
        status.error, status.detail = first_line(logged[0]), logged[1].as_posix()
        return status
    status.error = (
        f"{len(missing)} dari {len(documents)} dokumen belum dibuat (run dihentikan "
        "atau hanya sebagian target yang diminta)"
    )
    status.detail = log_dir.as_posix() + "/"
    return status


def format_summary(
    statuses: list[UnitYearStatus], rekaps: dict[int, list[str]], bad_units: dict[str, str]
) -> str:
    """The summary text: one block per unit-year and recap, then unusable folder names."""
    lines = ["", "Ringkasan run SKM:"]
    for s in statuses:
        if s.ok:
            lines.append(f"  {s.unit}/{s.year}: selesai, {len(s.documents)} berkas ditulis:")
            lines += [f"      {d}" for d in s.documents]
        else:
            more = f" (pesan lengkap: {s.detail})" if s.detail else ""
            lines.append(f"  {s.unit}/{s.year}: GAGAL. {s.error}{more}")
    for year, docs in sorted(rekaps.items()):
        present = [d for d in docs if Path(d).is_file()]
        if len(present) == len(docs):
            lines.append(f"  Rekap {year}: selesai, {len(docs)} berkas ditulis:")
            lines += [f"      {d}" for d in docs]
        else:
            lines.append(
                f"  Rekap {year}: GAGAL. {len(docs) - len(present)} dari {len(docs)} "
                f"berkas belum dibuat (pesan lengkap: {layout.logs(layout.REKAP_PROCESSED, year)}/)."
            )
    for name, hint in sorted(bad_units.items()):
        lines.append(f"  {name}: GAGAL. {hint}")
    n_ok = sum(s.ok for s in statuses)
    n_failed = len(statuses) - n_ok
    total = (
        f"Selesai {n_ok} dari {len(statuses)} unit-tahun"
        + (f"; {n_failed} gagal" if n_failed else "")
        + (f"; {len(bad_units)} folder unit tidak diolah karena namanya" if bad_units else "")
        + "."
    )
    if n_failed or bad_units:
        total += " Perbaiki yang GAGAL di atas, lalu jalankan lagi snakemake."
    lines.append(total)
    return "\n".join(lines)


#: The Snakemake scheduler method that starts the re-plan timers (snakemake 9.x).
REPLAN_TIMER_SOURCE = "_schedule_reevalutation"


def stop_replan_timers() -> int:
    """Cancel the scheduler's pending re-plan timers, so that the run ends with its last job;
    return how many were pending.

    After every scheduling round that leaves jobs waiting, Snakemake starts a
    `threading.Timer` as long as the `max-jobs-per-timespan` window that wakes the scheduler
    again. The timers are not daemon threads, so without this the process outlives the run
    by up to one window (60 s with profiles/default). Other timers are left alone.
    """
    pending = [
        thread
        for thread in threading.enumerate()
        if isinstance(thread, threading.Timer)
        and REPLAN_TIMER_SOURCE in getattr(thread.function, "__qualname__", "")  # type: ignore[attr-defined]
    ]
    for timer in pending:
        timer.cancel()
    return len(pending)
