"""The draft unit.yaml's text: the recognised columns, what the unit must still add (with the exact
YAML lines), commented proposals for labels and layanan."""

from __future__ import annotations

import json

from skm.domain import UNSUR_CODES
from skm.ingest.draft.content import custom_answers
from skm.ingest.draft.known import FIELDS, REQUIRED
from skm.ingest.draft.recognise import Draft
from skm.ingest.settings import normalise_text


def custom_label_lines(draft: Draft) -> list[str]:
    """`labels:` lines to complete for unsur answered with the form's own wording."""
    lines = []
    for code in UNSUR_CODES:
        for col in draft.columns_of(code):
            if custom_answers(col.content):
                options = col.content.options
                note = (
                    f"  # hanya {len(options)} pilihan muncul di data; lengkapi"
                    if len(options) < 4
                    else ""
                )
                lines.append(f"  {code}: [{', '.join(yaml_quoted(t) for t in options)}]{note}")
    return lines


def shortened(text: str, width: int = 60) -> str:
    """A long header cut to `width` characters for the summary (the YAML keeps it whole)."""
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def yaml_quoted(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def unit_yaml_text(draft: Draft, config: dict) -> str:
    """The draft unit.yaml: what was recognised, with TODO comments for the rest.

    `columns:` lists only the headers config.yaml's `columns` does not already give their
    field (compared as the ingest compares them, `normalise_text`)."""
    defaults: dict[str, set[str]] = {}
    for header, name in (config.get("columns") or {}).items():
        defaults.setdefault(str(name), set()).add(normalise_text(header))
    source = draft.export.name
    lines = [
        f"# Draf dari `skm init` untuk ekspor {yaml_quoted(source)}. Periksa setiap baris dan isi yang",
        "# bertanda TODO; arti setiap kunci: workflow/schemas/unit.schema.yaml.",
        "",
        "# TODO: nama resmi unit seperti di sampul laporan, lalu hapus tanda # di depannya:",
        f"# name: {yaml_quoted('Nama resmi unit')}",
        "# TODO: perkiraan jumlah pengguna layanan setahun (N untuk sampel Krejcie-Morgan):",
        "# population: 1000",
    ]
    if draft.timezone:
        lines.append(f"timezone: {draft.timezone}  # {draft.timezone_note}")
    else:
        lines += [f"# TODO: {draft.timezone_note}: WIB, WITA atau WIT", "# timezone: WIB"]
    if draft.date_order_line:
        lines += [
            "# TODO: urutan hari/bulan stempel waktu tidak dapat dipastikan dari data:",
            f"# {draft.date_order_line}",
        ]
    if draft.layanan:
        header = draft.columns_of("layanan")[0].header
        lines += [
            "",
            (
                f"# Dari isi kolom {yaml_quoted(header)}, urut menurut jumlah jawaban; ubah "
                "urutannya bila perlu."
            ),
            "layanan:",
        ]
        lines += [f"  - {yaml_quoted(t)}" for t in draft.layanan]
    mapped: list[tuple[str, str]] = []
    for col in draft.columns:
        known = defaults.get(col.field or "", set())
        pair = (col.header, col.field)
        if col.field and normalise_text(col.header) not in known and pair not in mapped:
            mapped.append(pair)
    if mapped:
        lines += [
            "",
            "# Judul kolom ekspor ini yang tidak sama persis dengan config.yaml.",
            "columns:",
        ]
        lines += [f"  {yaml_quoted(h)}: {n}" for h, n in mapped]
    absent = [
        name
        for name in FIELDS
        if name not in REQUIRED and name in draft.missing and not draft.missing[name]
    ]
    if absent:
        lines += [
            "",
            "# TODO: kolom berikut tidak ditemukan di ekspor. Bila formulir memang tidak",
            '# menanyakannya, hapus tanda # (laporan lalu menulis "tidak ditanyakan dalam',
            '# formulir"); bila ada dengan judul lain, petakan di bawah `columns:`.',
            f"# not_asked: [{', '.join(absent)}]",
        ]
    custom = custom_label_lines(draft)
    if custom:
        lines += [
            "",
            "# TODO: pilihan jawaban formulir ini bukan pilihan baku; urutkan dari skor 1",
            "# sampai 4 (tepat empat), lalu hapus tanda # di depan baris-baris ini:",
            "# labels:",
        ]
        lines += [f"# {line}" for line in custom]
    personal = sorted({c.header for c in draft.columns if c.personal})
    if personal:
        lines += [
            "",
            "# Kolom data pribadi di ekspor, tidak dibaca dan tidak masuk ke hasil: "
            + ", ".join(yaml_quoted(h) for h in personal),
        ]
    return "\n".join(lines) + "\n"
