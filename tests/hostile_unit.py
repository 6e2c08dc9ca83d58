"""A small fixture unit with a hostile text in every YAML text field and export column.

`build_hostile_unit(dest, canary)` writes the unit folder (unit.yaml with a PNG logo,
survei.yaml with photos and captions, rtl.yaml, realisasi.yaml with evidence photos, one export
CSV) and returns a :class:`HostileUnit` that says which text went where. Each text carries a
tag (``F01`` ...) so a test can find it in a document; each mixes Markdown, HTML, Typst, LaTeX,
Quarto shortcodes, raw-format spans, math and an attribute break-out (a trailing backslash and
quote), and names `canary` (a file outside the unit that no document may read). The texts hold
no personal data (no e-mail, no long digit run), so redaction leaves them as they are.

Reused by the escaping test (tests/test_security_render.py) and meant for the PII test of the
same kind: add columns or rows with `extra_rows`/`extra_columns` before the one snakemake run.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from PIL import Image

from skm.domain import DEFAULT_LABELS

#: The unit folder's name (the unit pattern) and the survey year.
UNIT, YEAR = "hostil-teks", 2024

#: Answer texts (the third default label of U1..U9) and the config's header texts.
ANSWERS = [DEFAULT_LABELS[f"U{i}"][2] for i in range(1, 10)]
HEADERS = {
    "timestamp": "Timestamp",
    "layanan": "Jenis Layanan",
    "jenis_kelamin": "Jenis Kelamin",
    "usia": "Usia",
    "pendidikan": "Pendidikan Terakhir",
    "pekerjaan": "Pekerjaan",
    "saran": "Kritik dan Saran",
}
UNSUR_HEADERS = [
    "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis pelayanannya?",
    "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
    "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
    "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
    (
        "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum dalam "
        "standar pelayanan dengan hasil yang diberikan?"
    ),
    "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
    (
        "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan dan "
        "keramahan?"
    ),
    "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
    "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
]


#: Every field that gets a hostile text, in the order build_hostile_unit fills them.
FIELDS = (
    "unit.layanan.0",
    "unit.layanan.1",
    "unit.name",
    "unit.short_name",
    "unit.parent",
    "unit.city",
    "unit.history.source",
    "survei.background",
    "survei.team",
    "survei.method",
    "survei.location",
    "survei.schedule.kegiatan",
    "survei.schedule.waktu",
    "survei.complaints.0",
    "survei.weaknesses.0",
    "survei.conclusion",
    "survei.documentation.caption",
    "survei.signatory.name",
    "survei.signatory.nip",
    "survei.signatory.position",
    "survei.signatory.place",
    "rtl.program",
    "rtl.penanggung_jawab",
    "realisasi.uraian",
    "realisasi.hambatan",
    "realisasi.strategi.rtl",
    "realisasi.strategi.strategi",
    "realisasi.strategi.target",
    "realisasi.strategi.penanggung_jawab",
    "realisasi.strategi.pemangku_kepentingan",
    "export.jenis_kelamin",
    "export.usia",
    "export.pendidikan",
    "export.pekerjaan",
    "export.saran",
    "export.rejected_answer",
    "unit.columns.saran",
    "unit.labels.U9.0",
    "unit.labels.U9.1",
    "unit.labels.U9.2",
    "unit.labels.U9.3",
    "unit.saran_tema.tema",
    "survei.team_decree.number",
    "survei.team_decree.title",
    "survei.team_decree.signed_by",
    "survei.complaints.1.uraian",
    "survei.complaints.1.kanal",
    "survei.complaints.1.status",
    "survei.accept_rejected.reason",
    "realisasi.bukti.caption",
    "realisasi.signatory.name",
    "realisasi.signatory.nip",
    "realisasi.signatory.position",
    "realisasi.signatory.place",
)

#: The decree's scan: a file name with quotes, brackets, a hash sign, dollars, a space and a
#: non-ASCII letter (it must still be embedded; the path is percent-encoded, then copied in
#: under a plain name).
DECREE_SCAN = 'sk tim "F" [x](y) #z $q$ é.png'

#: Rows out of the period, so that more than half the rows are rejected and survei.yaml's
#: `accept_rejected` (and its reason) is used and printed.
N_OUT_OF_PERIOD = 14


def hostile(tag: str, canary: Path) -> str:
    """One hostile text, unique by `tag`; every syntax the writers know, nothing personal."""
    return (
        f"{tag} <script>alert('{tag}')</script> <a href=\"javascript:alert(1)\">klik</a> "
        f"[tautan](javascript:alert(2)) ![gambar]({canary}) <img src=x onerror=alert(3)> "
        f'`#read("{canary}")`{{=typst}} `<b>raw</b>`{{=html}} #read("/etc/passwd") '
        f'#panic("{tag}") $x^2$ {{{{< include {canary} >}}}} {{{{< meta title >}}}} '
        f"\\input{{{canary}}} **tebal** _miring_ [x]{{.y}} @fig-x &amp; ~~c~~ // /* "
        '"} akhir\\'
    )


#: Appended to survei.yaml `background`: a right-to-left override, its pop and a BEL (the
#: renderer removes and counts them; N_CONTROLS of them).
CONTROLS = " \u202eterbalik\u202c\x07"
N_CONTROLS = 3


@dataclass
class HostileUnit:
    """The written unit: its folder and where each hostile text went."""

    folder: Path
    #: field (e.g. "unit.name", "export.saran") -> text
    texts: dict[str, str] = field(default_factory=dict)

    @property
    def name(self) -> str:
        return self.texts["unit.name"]


def _png(path: Path, colour: tuple[int, int, int]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (40, 30), colour).save(path, format="PNG")


def build_hostile_unit(
    dest: Path,
    canary: Path,
    *,
    extra_columns: dict[str, str] | None = None,
    extra_rows: list[dict] | None = None,
) -> HostileUnit:
    """Write the hostile unit into `dest/<UNIT>/` and return what went where.

    `extra_columns` ({header: value}) adds export columns (same value in every row);
    `extra_rows` adds rows ({field or header: value}) to the export.
    """
    unit_dir = dest / UNIT
    year_dir = unit_dir / str(YEAR)
    year_dir.mkdir(parents=True, exist_ok=True)
    texts: dict[str, str] = {}
    counter = iter(range(1, 1000))

    def t(key: str) -> str:
        texts[key] = hostile(f"F{next(counter):02d}", canary)
        return texts[key]

    _png(unit_dir / "logo.png", (20, 60, 120))
    layanan = [t("unit.layanan.0"), t("unit.layanan.1")]
    unit_yaml = {
        "name": t("unit.name"),
        "short_name": t("unit.short_name"),
        "parent": t("unit.parent"),
        "city": t("unit.city"),
        "population": 30,
        "timezone": "WITA",
        "logo": "logo.png",
        "layanan": layanan,
        "history": [{"year": 2022, "ikm_konversi": 80.5, "source": t("unit.history.source")}],
        # the hostile saran holds the word "klik" (in its <a> element): the theme is shown
        "saran_tema": [
            {"tema": t("unit.saran_tema.tema"), "unsur": ["U9"], "kata_kunci": ["klik"]}
        ],
    }
    photos = year_dir / "dokumentasi"
    _png(photos / "foto kegiatan.png", (200, 30, 30))
    _png(photos / "bukti satu.png", (30, 200, 30))
    _png(photos / DECREE_SCAN, (30, 30, 200))
    survei = {
        "period": {"start": f"{YEAR}-01-01", "end": f"{YEAR}-06-30"},
        "background": t("survei.background") + CONTROLS,
        "team": t("survei.team"),
        "team_decree": {
            "number": t("survei.team_decree.number"),
            "date": f"{YEAR}-01-15",
            "title": t("survei.team_decree.title"),
            "signed_by": t("survei.team_decree.signed_by"),
            "file": DECREE_SCAN,
        },
        "accept_rejected": {"max_share": 0.9, "reason": t("survei.accept_rejected.reason")},
        "method": t("survei.method"),
        "location": t("survei.location"),
        "schedule": [
            {
                "kegiatan": t("survei.schedule.kegiatan"),
                "waktu": t("survei.schedule.waktu"),
                "hari_kerja": 5,
            }
        ],
        "complaints": [
            t("survei.complaints.0"),
            {
                "uraian": t("survei.complaints.1.uraian"),
                "kanal": t("survei.complaints.1.kanal"),
                "jumlah": 3,
                "status": t("survei.complaints.1.status"),
            },
        ],
        "weaknesses": [t("survei.weaknesses.0")],
        "conclusion": t("survei.conclusion"),
        "documentation": [
            {"file": "foto kegiatan.png", "caption": t("survei.documentation.caption")}
        ],
        "signatory": {
            "name": t("survei.signatory.name"),
            "nip": t("survei.signatory.nip"),
            "position": t("survei.signatory.position"),
            "place": t("survei.signatory.place"),
            "date": f"{YEAR}-07-10",
        },
    }
    rtl = {
        "fkp": f"{YEAR}-07-01",
        "rencana": [
            {
                "id": "R1",
                "unsur": "U1",
                "program": t("rtl.program"),
                "triwulan": [3],
                "jangka": "pendek",
                "penanggung_jawab": t("rtl.penanggung_jawab"),
            }
        ],
    }
    realisasi = {
        "realisasi": [
            {
                "id": "R1",
                "status": "sudah",
                "tanggal": f"{YEAR}-09-01",
                "uraian": t("realisasi.uraian"),
                "hambatan": t("realisasi.hambatan"),
                "bukti": [
                    {"file": "dokumentasi/bukti satu.png", "caption": t("realisasi.bukti.caption")}
                ],
            }
        ],
        "signatory": {
            "name": t("realisasi.signatory.name"),
            "nip": t("realisasi.signatory.nip"),
            "position": t("realisasi.signatory.position"),
            "place": t("realisasi.signatory.place"),
            "date": f"{YEAR}-12-20",
        },
        "strategi": [
            {
                "rtl": t("realisasi.strategi.rtl"),
                "strategi": t("realisasi.strategi.strategi"),
                "target": t("realisasi.strategi.target"),
                "penanggung_jawab": t("realisasi.strategi.penanggung_jawab"),
                "pemangku_kepentingan": t("realisasi.strategi.pemangku_kepentingan"),
            }
        ],
    }
    # The unit's own header mapping (a hostile header for the saran question, shown in
    # Lampiran 1) and hostile answer labels for U9 (the export answers with the third).
    saran_header = t("unit.columns.saran")
    labels_u9 = [t(f"unit.labels.U9.{k}") for k in range(4)]
    unit_yaml["columns"] = {
        **{HEADERS[f]: f for f in HEADERS if f != "saran"},
        **{UNSUR_HEADERS[i]: f"U{i + 1}" for i in range(9)},
        saran_header: "saran",
    }
    unit_yaml["labels"] = {"U9": labels_u9}
    for path, data in (
        (unit_dir / "unit.yaml", unit_yaml),
        (year_dir / "survei.yaml", survei),
        (year_dir / "rtl.yaml", rtl),
        (year_dir / "realisasi.yaml", realisasi),
    ):
        path.write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000),
            encoding="utf-8",
        )

    # The export: every free or category column hostile; the layanan column uses the unit's
    # (hostile) layanan names so they are matched and shown.
    columns = [
        "timestamp",
        "layanan",
        "jenis_kelamin",
        "usia",
        "pendidikan",
        "pekerjaan",
        *[f"U{i}" for i in range(1, 10)],
        "saran",
        *(extra_columns or {}),
    ]
    headers = {
        **HEADERS,
        "saran": saran_header,
        **{f"U{i + 1}": UNSUR_HEADERS[i] for i in range(9)},
    }
    header = [headers.get(c, c) for c in columns]
    export = {
        k: t(f"export.{k}") for k in ("jenis_kelamin", "usia", "pendidikan", "pekerjaan", "saran")
    }
    rows = []
    for day in range(1, 13):
        row = {
            "timestamp": f"{YEAR}/02/{day:02d} 9:00:00 AM GMT+8",
            "layanan": layanan[day % 2],
            **export,
            **(extra_columns or {}),
        }
        row.update({f"U{i}": ANSWERS[i - 1] for i in range(1, 9)}, U9=labels_u9[2])
        rows.append(row)
    rejected = dict(
        rows[0], timestamp=f"{YEAR}/03/01 9:00:00 AM GMT+8", U1=t("export.rejected_answer")
    )
    rows.append(rejected)
    for day in range(1, N_OUT_OF_PERIOD + 1):
        rows.append(dict(rows[0], timestamp=f"{YEAR}/08/{day:02d} 9:00:00 AM GMT+8"))
    for extra in extra_rows or []:
        rows.append({**rows[0], **extra})
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(c, "") for c in columns])
    (year_dir / "Form Responses 1.csv").write_text(buffer.getvalue(), encoding="utf-8")
    assert set(texts) == set(FIELDS), "FIELDS must list every hostile field"
    texts["survei.background"] += CONTROLS
    return HostileUnit(unit_dir, texts)


def hostile_config(project: Path, unit: HostileUnit, canary: Path) -> None:
    """Make the project's config.yaml expect the hostile unit (so the recap across units is
    rendered with its name), give the recap's cover a hostile `instansi` and the demografi a
    hostile category label."""
    import re

    cfg = project / "config.yaml"
    text = cfg.read_text(encoding="utf-8")
    unit.texts["config.instansi"] = hostile("F99", canary)
    instansi = yaml.safe_dump(
        {"instansi": unit.texts["config.instansi"]}, allow_unicode=True, width=10_000
    ).strip()
    text = re.sub(r"(?m)^instansi:.*$", lambda _: instansi, text)
    text = re.sub(r"(?m)^expected_units:.*$", f"expected_units: [{UNIT}]", text)
    # A hostile category label of config.yaml's demografi (listed, with 0 respondents, in
    # table 3.1 of the Laporan).
    data = yaml.safe_load(text)
    unit.texts["config.demografi.pekerjaan.label"] = hostile("F98", canary)
    data["demografi"]["pekerjaan"].insert(
        0, {"label": unit.texts["config.demografi.pekerjaan.label"], "alias": []}
    )
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000)
    cfg.write_text(text, encoding="utf-8")
