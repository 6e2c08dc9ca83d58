"""`draft_unit` (what `skm init` runs): the unit's name checked, the draft unit.yaml and the year
folder with a copy of the export written (never overwriting), and `report`, what it tells."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from skm import layout, numfmt
from skm.errors import SkmInputError
from skm.ingest.draft.known import FIELD_TEXT, FIELDS, REQUIRED
from skm.ingest.draft.recognise import Draft, recognise
from skm.ingest.draft.unit_yaml import custom_label_lines, shortened, unit_yaml_text, yaml_quoted
from skm.ingest.settings import load_config


def _write_new(path: Path, data: bytes) -> None:
    """Create `path` with `data`; never replaces an existing file."""
    with open(path, "xb") as fh:
        fh.write(data)


def check_unit_name(name: str) -> None:
    """Refuse a unit folder name the workflow cannot use."""
    if layout.name_problem(name) or name.casefold() in layout.RESERVED:
        raise SkmInputError(
            f"nama unit '{name}' tidak dapat dipakai sebagai nama folder: gunakan huruf, angka, "
            "'-', '_' atau '.', diawali huruf atau angka, tanpa spasi, dan bukan 'rekap' "
            "(contoh: --unit dinas-kesehatan)"
        )


def unit_name_from(export: Path) -> str:
    """A unit folder name from an export's file name (lower case, words joined by '-')."""
    stem = export.name
    for suffix in (".zip", ".csv", ".xlsx"):
        if stem.lower().endswith(suffix):
            stem = stem[: -len(suffix)]
    words = re.findall(r"[a-z0-9]+", stem.casefold().encode("ascii", "ignore").decode())
    return "-".join(words)


def draft_unit(export: Path | str, root: Path | str = ".", unit: str | None = None) -> Draft:
    """`skm init`: recognise `export` and write the draft unit.yaml and the year folder under
    `root`/data/raw/<unit>/ (copying the export). Existing files are never replaced."""
    export, root = Path(export), Path(root)
    if not export.is_file():
        raise SkmInputError("file ekspor tidak ditemukan", file=str(export))
    raw = root / layout.RAW
    config_path = root / "config.yaml"
    if not raw.is_dir() or not config_path.is_file():
        raise SkmInputError(
            f"folder proyek tidak ditemukan di '{root}' (harus berisi config.yaml dan "
            "data/raw/); jalankan dari folder proyek atau beri --root"
        )
    name = unit if unit is not None else unit_name_from(export)
    check_unit_name(name)
    config = load_config(config_path)
    draft = recognise(export, name, config)
    draft.named_from_file = unit is None
    unit_dir = raw / name
    draft.unit_yaml = unit_yaml_text(draft, config)
    if draft.year is None:
        raise SkmInputError(
            "tahun survei tidak dapat ditentukan: tidak ada stempel waktu yang terbaca",
            file=str(export),
        )
    year_dir = unit_dir / str(draft.year)
    target = year_dir / export.name
    if target.exists() and target.read_bytes() != export.read_bytes():
        raise SkmInputError(
            f"sudah ada file lain bernama '{export.name}' di {year_dir}; tidak ditimpa. Ganti "
            "nama salah satunya lalu jalankan lagi",
            file=str(target),
        )
    year_dir.mkdir(parents=True, exist_ok=True)
    unit_yaml = unit_dir / "unit.yaml"
    try:
        _write_new(unit_yaml, draft.unit_yaml.encode("utf-8"))
        draft.written.append(str(unit_yaml))
    except FileExistsError:
        draft.kept.append(str(unit_yaml))
    if target.exists():
        draft.kept.append(str(target))
    else:
        _write_new(target, export.read_bytes())
        shutil.copystat(export, target)
        draft.written.append(str(target))
    return draft


def report(draft: Draft) -> str:
    """What `skm init` recognised and what is still to do, in Indonesian."""
    out = []
    rows = sum(t.rows for t in draft.tables)
    out.append(
        f"Membaca {draft.export.name}: {rows} baris jawaban dalam {len(draft.tables)} tabel."
    )
    out.append("")
    out.append("Dikenali:")
    for name in FIELDS:
        for col in draft.columns_of(name):
            out.append(
                f"  - {FIELD_TEXT[name]}: kolom {yaml_quoted(shortened(col.header))} ({col.how})"
            )
    if draft.timezone:
        out.append(f"  - zona waktu: {draft.timezone} ({draft.timezone_note})")
    if draft.year:
        out.append(
            f"  - tahun survei: {draft.year}" + (f" ({draft.year_note})" if draft.year_note else "")
        )
    if draft.first_day:
        out.append(
            f"  - tanggal jawaban: {numfmt.tanggal(draft.first_day)} – "
            f"{numfmt.tanggal(draft.last_day)}"
        )
    if draft.date_order_note and not draft.date_order_line:
        out.append(f"  - {draft.date_order_note}")
    if draft.layanan:
        out.append(
            f"  - daftar layanan ({len(draft.layanan)}): "
            + ", ".join(yaml_quoted(t) for t in draft.layanan)
        )
    if draft.layanan_note:
        out.append(f"    {draft.layanan_note}")
    personal = sorted({c.header for c in draft.columns if c.personal})
    if personal:
        out.append(
            "Data pribadi (tidak dibaca, tidak pernah masuk ke hasil): "
            + ", ".join(yaml_quoted(h) for h in personal)
        )
    ignored = [
        c
        for c in draft.columns
        if not c.field
        and not c.personal
        and c not in draft.conflicts
        and not any(c in v for v in draft.missing.values())
    ]
    if ignored:
        out.append(
            "Kolom lain (tidak dibaca): "
            + ", ".join(
                yaml_quoted(c.header) + (f" ({c.note})" if c.note.startswith("stempel") else "")
                for c in ignored
            )
        )
    out.append("")
    todo = [
        'name: "Nama resmi unit"      # nama di sampul laporan',
        "population: 1000              # perkiraan jumlah pengguna layanan setahun",
    ]
    if not draft.timezone:
        todo.append(f"timezone: WITA                # {draft.timezone_note}: WIB, WITA atau WIT")
    if draft.date_order_line:
        todo.append(f"{draft.date_order_line}   # {draft.date_order_note}")
    out.append("Belum dapat diisi otomatis; tambahkan ke unit.yaml (ganti contoh nilainya):")
    out += [f"  {line}" for line in todo]
    custom = custom_label_lines(draft)
    if custom:
        out.append("  labels:   # pilihan jawaban bukan pilihan baku: urutkan dari skor 1 sampai 4")
        out += [f"  {line}" for line in custom]
    for col in draft.conflicts:
        named = [n for n, (s, _) in col.header_scores.items() if s >= 75 and n in REQUIRED]
        out.append(
            f"  - kolom {yaml_quoted(col.header)}: judulnya menyebut {', '.join(named)}, tetapi "
            f"pilihan jawabannya milik {', '.join(sorted(col.content.unsur))}; periksa "
            f"formulir, lalu tulis di bawah `columns:` baris {yaml_quoted(col.header)}: <unsur>"
        )
    for name, candidates in draft.missing.items():
        if name not in REQUIRED and not candidates:
            continue
        kind = "" if name in REQUIRED else " (isian pilihan)"
        if candidates:
            where = " atau ".join(yaml_quoted(c.header) for c in candidates)
            out.append(
                f"  - {FIELD_TEXT[name]}{kind} tidak dapat dipastikan; kolom yang mungkin: "
                f"{where}. Tulis di bawah `columns:` yang benar, misalnya: "
                f"{yaml_quoted(candidates[0].header)}: {name}"
            )
        else:
            out.append(
                f"  - {FIELD_TEXT[name]} tidak dikenali. Tulis di bawah `columns:` judul "
                f'kolomnya persis seperti di file: "<judul kolom>": {name}'
            )
    absent = [
        name
        for name in FIELDS
        if name not in REQUIRED and name in draft.missing and not draft.missing[name]
    ]
    if absent:
        out.append(
            f"  - tidak ditemukan: {', '.join(FIELD_TEXT[n] for n in absent)}. Bila "
            f"formulir memang tidak menanyakannya: not_asked: [{', '.join(absent)}]"
        )
    out.append("")
    if draft.named_from_file:
        out.append(
            f"Nama unit '{draft.unit}' diambil dari nama file ekspor; untuk nama lain, "
            "hapus folder yang baru dibuat dan jalankan lagi dengan --unit NAMA."
        )
    for path in draft.written:
        out.append(f"Ditulis: {path}")
    for path in draft.kept:
        out.append(f"Sudah ada, tidak diubah: {path}")
    if any(p.endswith("unit.yaml") for p in draft.kept):
        out.append("Draf unit.yaml yang diusulkan (bandingkan dengan milik Anda):")
        out += [f"    {line}" for line in draft.unit_yaml.splitlines()]
    out.append(f"File ekspor asli tidak diubah: {draft.export}")
    if draft.first_day and draft.year:
        out.append(
            f"Periode survei bawaan: seluruh tahun {draft.year}. Bila lain, tulis di "
            f"data/raw/{draft.unit}/{draft.year}/survei.yaml, misalnya:"
        )
        out.append(
            f"    period: {{start: {draft.first_day.replace(day=1).isoformat()}, "
            f"end: {draft.last_day.isoformat()}}}"
        )
    out.append(
        f"Langkah berikutnya: lengkapi unit.yaml, lalu jalankan  skm check {draft.unit} "
        f"{draft.year}"
    )
    return "\n".join(out)
