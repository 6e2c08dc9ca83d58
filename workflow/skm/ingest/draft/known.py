"""What `skm init` knows before it reads an export: the fields, their Indonesian names, the
header keywords of each field and the patterns of headers and cells it recognises."""

from __future__ import annotations

import re

from skm.domain import DEMOGRAPHIC_FIELDS, UNSUR_CODES, UNSUR_NAMES
from skm.ingest.settings import OPTIONAL_FIELDS, REQUIRED_FIELDS, UTC_OFFSETS

FIELDS: tuple[str, ...] = (*REQUIRED_FIELDS, *OPTIONAL_FIELDS)
REQUIRED: tuple[str, ...] = REQUIRED_FIELDS
DEMOGRAPHIC: tuple[str, ...] = DEMOGRAPHIC_FIELDS

FIELD_TEXT: dict[str, str] = {
    "timestamp": "stempel waktu",
    **{code: f"{code} ({UNSUR_NAMES[code]})" for code in UNSUR_CODES},
    "layanan": "jenis layanan",
    "jenis_kelamin": "jenis kelamin",
    "usia": "usia",
    "pendidikan": "pendidikan",
    "pekerjaan": "pekerjaan",
    "saran": "saran/masukan",
}

#: Header keywords per field (regular expressions on the normalised header).
KEYWORDS: dict[str, tuple[str, ...]] = {
    "timestamp": (
        r"\btimestamp\b",
        r"\bstempel waktu\b",
        r"\bcompletion time\b",
        r"^waktu (penyelesaian|selesai|pengisian)$",
        r"^tanggal pengisian$",
    ),
    "U1": (r"\bpersyaratan\b",),
    "U2": (r"\bprosedur\b", r"\bmekanisme\b", r"\balur (pelayanan|layanan)\b"),
    "U3": (
        r"\bkecepatan\b",
        r"\bwaktu (pelayanan|penyelesaian|penyelesaian pelayanan)\b",
        r"\bjangka waktu\b",
        r"\bketepatan waktu\b",
        r"\blama(nya)? (waktu|proses)\b",
    ),
    "U4": (r"\bbiaya\b", r"\btarif\b"),
    "U5": (r"\bproduk\b", r"\bspesifikasi\b", r"\bhasil (pelayanan|layanan)\b"),
    "U6": (r"\bkompeten", r"\bkemampuan (petugas|pelaksana)\b", r"\bkeahlian\b"),
    "U7": (r"\bperilaku\b", r"\bsopan", r"\bkesopanan\b", r"\bramah", r"\bkeramahan\b"),
    "U8": (r"\bpengaduan\b", r"\bkeluhan\b"),
    "U9": (r"\bsarana\b", r"\bprasarana\b", r"\bfasilitas\b"),
    "layanan": (
        r"^(jenis )?(layanan|pelayanan)\b",
        r"\bjenis (layanan|pelayanan)\b",
        r"\blayanan yang\b",
    ),
    "jenis_kelamin": (r"\bjenis kelamin\b", r"\bkelamin\b", r"^gender$", r"^sex$"),
    "usia": (r"\busia\b", r"\bumur\b", r"^age$"),
    "pendidikan": (r"\bpendidikan\b", r"^education$"),
    "pekerjaan": (r"\bpekerjaan\b", r"\bprofesi\b", r"^occupation$"),
    "saran": (r"\bsaran\b", r"\bkritik\b", r"\bmasukan\b", r"\bkomentar\b", r"\busulan\b"),
}

#: Headers of columns holding personal data (normalised, numbering removed).
PERSONAL_HEADER = re.compile(
    r"^(?:nama(?: lengkap| responden| anda| pengguna(?: layanan)?)?|name|full name|your name"
    r"|e-?mail(?: address)?|alamat (?:e-?mail|surel)|surel|id"
    r"|(?:no|nomor|nomer)\.? ?(?:hp|handphone|telp|telepon|telpon|wa|whatsapp|ponsel|kontak)"
    r"|(?:no|nomor)\.? ?(?:ktp|nik)|telepon|telpon|phone(?: number)?|whatsapp|wa|kontak"
    r"|nik|nomor induk kependudukan|alamat(?: rumah| lengkap)?|address)$"
)

#: Other time columns of Microsoft Forms (not the timestamp).
OTHER_TIME_HEADER = re.compile(
    r"^(?:start time|waktu mulai|last modified time|waktu modifikasi terakhir"
    r"|waktu terakhir diubah)$"
)

NUMBERING = re.compile(
    r"^(?:no\.?\s*)?(?:\d{1,3}|[a-z]|[ivx]{1,4}|u\s?\d)\s*[.):\]-]\s*"
    r"|^(?:pertanyaan|soal|unsur)\s+\d{1,2}\s*[.:)-]?\s*"
)
DIGIT = re.compile(r"([1-4])(?:[.,]0+)?")
AGE = re.compile(
    r"(?:[<>]=?|≥|≤)?\s*\d{1,3}(?:\s*-\s*\d{1,3})?\s*(?:tahun|thn|th)?\.?"
    r"(?:\s*(?:ke ?atas|lebih|\+))?"
)
OFFSET = re.compile(
    r"(?i)(?:(?:gmt|utc)\s*(?P<s1>[+-])(?P<h1>\d{1,2})(?::?(?P<m1>\d{2}))?"
    r"|\d(?P<s2>[+-])(?P<h2>\d{2}):?(?P<m2>\d{2})"
    r"|\b(?P<zone>wita|wib|wit)|\d(?P<z>z)|\b(?P<gmt>gmt|utc))\s*$"
)
ZONE_BY_HOURS = {hours: zone for zone, hours in UTC_OFFSETS.items()}

#: Share of the non-blank cells a content kind must explain.
CONTENT_SHARE = 0.9
MAX_LAYANAN = 40
SCAN_ROWS = 30
