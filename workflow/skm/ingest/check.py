"""``skm check <unit> <year>``: read a unit-year's exports as the workflow would, print what
was read, write nothing.

It runs only the ingest (`skm.ingest.unit.ingest_unit` with the unit-year's merged settings), so a
unit's team sees before a full run, in Indonesian: the rows read, scored and rejected by reason,
how the day/month order of each file was decided (and which file set it), the columns mapped,
and every warning. Nothing is written under data/processed/ or anywhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from skm import layout
from skm.errors import SkmInputError
from skm.ingest.result import IngestResult, IngestStopped
from skm.ingest.settings import load_config, load_unit_year
from skm.ingest.unit import ingest_unit
from skm.numfmt import angka

_REASONS = {
    "timestamp_unparseable": "stempel waktu tidak terbaca",
    "timestamp_out_of_period": "di luar periode survei",
    "answer_invalid": "jawaban tidak sah",
    "no_answers": "tidak ada unsur yang dijawab",
    "duplicate": "duplikat persis",
}


def _n(value: int) -> str:
    return angka(value, 0)


def report(result: IngestResult, settings: dict) -> list[str]:
    """The lines `check` prints for a unit-year that was read."""
    q = result.quality
    f = q["funnel"]
    lines = [
        (
            f"Unit {settings['unit']} tahun {settings['year']}: "
            f"{_n(len(q['files']))} file ekspor dibaca."
        ),
        "",
        "Alur data:",
        f"  baris dibaca            {_n(f['diterima']):>8}",
        f"  duplikat persis         {_n(f['duplikat']):>8}",
        f"  di luar periode survei  {_n(f['di_luar_periode']):>8}",
        f"  tidak valid             {_n(f['tidak_valid']):>8}",
        f"  diolah (dihitung)       {_n(f['diolah']):>8}",
    ]
    counts = {code: n for code, n in q["reason_counts"].items() if n}
    if counts:
        lines += [
            "",
            (
                "Masalah per alasan (satu baris dapat punya beberapa masalah; daftar "
                "lengkapnya ada di rejected.csv setelah dijalankan):"
            ),
        ]
        lines += [f"  {_REASONS.get(code, code)}: {_n(n)}" for code, n in counts.items()]
    setting = q.get("date_order", {})
    lines += ["", "Urutan hari/bulan tanggal:"]
    if setting.get("setting"):
        lines.append(
            f"  pengaturan date_order: {setting['setting']} (ditetapkan di {setting['source']})"
        )
    else:
        lines.append("  pengaturan date_order tidak ditetapkan; data setiap file menentukan")
    for info in q["files"]:
        lines.append(f"  {info['file']}: {info['date_order_rule']}")
    lines += ["", "Kolom yang dipetakan (bidang <- judul kolom di file):"]
    groups: dict[tuple, list[str]] = {}
    for info in q["files"]:
        groups.setdefault(tuple(info["columns"].items()), []).append(info["file"])
    for mapping, names in groups.items():
        lines.append(f"  {', '.join(names)}:")
        lines += [f"    {field:<14} <- '{header}'" for field, header in mapping]
    absent = {k: v for k, v in q.get("kolom_opsional", {}).items() if v != "ada"}
    for field, status in absent.items():
        lines.append(f"    {field:<14} ({status.replace('_', ' ')})")
    if q.get("warnings"):
        lines += ["", "Peringatan:"] + [f"  - {w}" for w in q["warnings"]]
    return lines


def check(root: Path | str, unit: str, year: int, echo: Callable[[str], None] = print) -> int:
    """Run the ingest of one unit-year and print what it read; 0 when the unit can be
    reported, 1 when it stops (the reason printed), 2 when its settings cannot be read."""
    root = Path(root)
    raw = root / layout.RAW
    try:
        config = load_config(root / "config.yaml")
        settings = load_unit_year(raw, unit, year, config)
    except SkmInputError as exc:
        echo(f"Gagal: {exc}")
        return 2
    files = layout.exports(unit, year, raw=raw)
    try:
        result = ingest_unit(files, settings)
    except IngestStopped as exc:
        for line in report(exc.result, settings):
            echo(line)
        echo("")
        echo(f"Unit ini akan BERHENTI saat dijalankan: {exc}")
        return 1
    except SkmInputError as exc:
        echo(f"Unit ini akan BERHENTI saat dijalankan: {exc}")
        return 1
    for line in report(result, settings):
        echo(line)
    echo("")
    echo("Siap diolah: jalankan `snakemake --cores 1` untuk membuat laporan.")
    return 0
