"""Seeded synthetic SKM data: the shipped sample exports and benchmark-sized inputs.

Nothing here is real survey data. The shipped sample under ``data/raw/biro-umum/`` is a
reconstruction of the *published tables* of one report (Biro Umum Setda Prov. Kaltim,
2022 and 2023): the per-unsur sums, the number of respondents and the 2023 demographic counts
are exact; everything else (who answered what, when, the suggestions, the names) is drawn from
a numpy ``Generator`` with a fixed seed, so ``write_sample`` always writes the same bytes.

The generator works in two steps:

1. ``make_responses`` builds a *tidy* frame (one row per respondent, scores 1..4 as integers,
   naive local timestamps). Each unsur gets a realistic count of 1s/2s/3s/4s that hits its
   sum exactly; the scores are then dealt to respondents by the rank of a latent
   "satisfaction" plus noise, so answers correlate within a respondent.
2. ``to_export`` / ``write_forms_csv`` / ``write_sheets_csv`` turn it into what a unit
   downloads: header texts of the questionnaire (sarana *before* pengaduan, as the sample
   questionnaire asks), answer labels with a little case/spacing noise, Forms or Sheets
   timestamp styles, PII columns a real form has.

Everything is vectorised: ``make_large(1_000_000)`` takes a few seconds.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from skm.domain import DEFAULT_LABELS, UNSUR_CODES

#: The fixed seed of the shipped sample.
SAMPLE_SEED = 20230714

#: Question texts of the standard questionnaire (the default header mapping of config.yaml).
QUESTION_HEADERS: dict[str, str] = {
    "U1": "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis "
    "pelayanannya?",
    "U2": "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
    "U3": "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
    "U4": "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
    "U5": "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang tercantum "
    "dalam standar pelayanan dengan hasil yang diberikan?",
    "U6": "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
    "U7": "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait kesopanan "
    "dan keramahan?",
    "U8": "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
    "U9": "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
}

#: Header text of every other field of the tidy frame, in export column order.
FIELD_HEADERS: dict[str, str] = {
    "timestamp": "Timestamp",
    "email": "Alamat Email",
    "nama": "Nama",
    "hp": "Nomor HP",
    "layanan": "Jenis Layanan",
    "jenis_kelamin": "Jenis Kelamin",
    "usia": "Usia",
    "pendidikan": "Pendidikan",
    "pekerjaan": "Pekerjaan",
    "saran": "Kritik dan Saran",
}

#: Questionnaire order: sarana (U9) is asked before pengaduan (U8).
QUESTION_ORDER: tuple[str, ...] = ("U1", "U2", "U3", "U4", "U5", "U6", "U7", "U9", "U8")

#: Column order of the tidy frame that `make_responses` returns.
TIDY_COLUMNS: tuple[str, ...] = (
    "timestamp",
    "nama",
    "email",
    "hp",
    "layanan",
    "jenis_kelamin",
    "usia",
    "pendidikan",
    "pekerjaan",
    *UNSUR_CODES,
    "saran",
)

#: Unit-wide typical means per unsur (1..4): sarana and perilaku high, waktu and pengaduan low.
DEFAULT_MEANS: dict[str, float] = {
    "U1": 3.32,
    "U2": 3.35,
    "U3": 3.24,
    "U4": 3.40,
    "U5": 3.30,
    "U6": 3.33,
    "U7": 3.45,
    "U8": 3.26,
    "U9": 3.55,
}

#: Demographic values as a form writes them, with typical shares (used without exact counts).
DEFAULT_DEMOGRAFI: dict[str, dict[str, float]] = {
    "jenis_kelamin": {"Laki-laki": 0.62, "Perempuan": 0.38},
    "pendidikan": {
        "SD": 0.02,
        "SMP": 0.04,
        "SMA": 0.42,
        "D3": 0.08,
        "D4": 0.02,
        "S1": 0.36,
        "S2": 0.05,
        "S3": 0.01,
    },
    "pekerjaan": {
        "PNS": 0.30,
        "TNI": 0.02,
        "POLRI": 0.02,
        "Swasta": 0.16,
        "Wiraswasta": 0.35,
        "Lainnya": 0.15,
    },
}

#: Short Indonesian suggestions of the kind a Kritik dan Saran box collects.
SARAN_POOL: tuple[str, ...] = (
    "Penyediaan air minum di ruang tunggu",
    "Ruangan kurang sejuk",
    "Pelayanan sudah baik, pertahankan",
    "Petugas ramah dan cepat tanggap",
    "Mohon jadwal ruang rapat diumumkan secara online",
    "Proses peminjaman kendaraan dinas agar lebih cepat",
    "Tempat parkir tamu perlu diperluas",
    "Perlu papan petunjuk arah ke ruang layanan",
    "Kanal pengaduan lapor.go.id agar lebih disosialisasikan",
    "Persyaratan peminjaman gedung mohon dipublikasikan di website",
    "Toilet di lantai 1 perlu lebih dijaga kebersihannya",
    "Sudah bagus, tingkatkan terus",
    "Waktu tunggu disposisi surat masih lama",
    "Mohon disediakan kursi tunggu yang lebih banyak",
    "Terima kasih, pelayanan memuaskan",
    "Wifi di ruang tunggu sering tidak bisa dipakai",
    "Registrasi online mohon dibuat lebih mudah",
    "AC di ruang rapat lantai 2 kurang dingin",
)

#: Two suggestions carrying personal data (made-up), to exercise redaction.
SARAN_PII: tuple[str, ...] = (
    "Mohon kabari jadwal ruang rapat ke nomor saya 0812-0000-4321",
    "Tolong kirim konfirmasi peminjaman ke email contoh.pemohon@example.com",
)

#: Office hours (local time) during which responses arrive, in seconds after midnight.
OFFICE_OPEN = 8 * 3600
OFFICE_CLOSE = 16 * 3600

SYNTHETIC_NOTE = (
    "Data sintetis: rekonstruksi tabel yang dipublikasikan, bukan data asli.\n"
    "Synthetic data: reconstructions of the published tables, not real responses.\n"
    "Made by workflow/scripts/make_sample_data.py with a fixed seed ({seed}); do not edit by\n"
    "hand: change skm/synth.py and re-run the script instead."
)


# --------------------------------------------------------------------------------------------
# Scores
# --------------------------------------------------------------------------------------------


def _phi(x: float) -> float:
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def level_probabilities(mean: float, spread: float = 0.6, floor: float = 0.004) -> np.ndarray:
    """Shares of scores 1..4 whose expected value is `mean`.

    A latent normal with standard deviation `spread` is cut at 1,5 / 2,5 / 3,5, mixed with a
    `floor` share of 1s (the respondent who is unhappy whatever the average); its centre is
    found by bisection. With a mean around 3,3 this gives mostly 3s and 4s, a few 2s and rare 1s.
    """
    if not 1.0 <= mean <= 4.0:
        raise ValueError(f"mean {mean} outside 1..4")
    floor = min(floor, (4.0 - mean) / 3.0)

    def probs(mu: float) -> np.ndarray:
        cdf = [_phi((cut - mu) / spread) for cut in (1.5, 2.5, 3.5)]
        return (1 - floor) * np.diff([0.0, *cdf, 1.0]) + floor * np.array([1.0, 0, 0, 0])

    lo, hi = -3.0, 8.0
    for _ in range(80):
        mid = (lo + hi) / 2
        if probs(mid) @ np.arange(1, 5) < mean:
            lo = mid
        else:
            hi = mid
    return probs((lo + hi) / 2)


def counts_for_sum(n: int, total: int, rng: np.random.Generator, spread: float = 0.6) -> np.ndarray:
    """Counts of scores 1..4 over `n` answers whose scores add up to exactly `total`.

    Draws a multinomial from `level_probabilities(total / n)` and then moves answers one level
    at a time (3<->4 first, then 2<->3, then 1<->2) until the sum is exact.
    """
    if not n <= total <= 4 * n:
        raise ValueError(f"sum {total} impossible for {n} answers (must be {n}..{4 * n})")
    counts = rng.multinomial(n, level_probabilities(total / n, spread)).astype(np.int64)
    diff = total - int(counts @ np.arange(1, 5))
    # Raising one answer from level k to k+1 adds 1; prefer the common 3->4 move.
    for k in (2, 1, 0):  # index of the level to raise from: 3, 2, 1
        if diff <= 0:
            break
        move = min(diff, int(counts[k]))
        counts[k] -= move
        counts[k + 1] += move
        diff -= move
    for k in (3, 2, 1):  # lower from 4, 3, 2
        if diff >= 0:
            break
        move = min(-diff, int(counts[k]))
        counts[k] -= move
        counts[k - 1] += move
        diff += move
    if diff != 0:  # only when one pass was not enough (extreme sums): repeat
        return _settle(counts, total)
    return counts


def _settle(counts: np.ndarray, total: int) -> np.ndarray:
    """Single-step moves until the score sum equals `total` (always possible for n..4n)."""
    counts = counts.copy()
    while (diff := total - int(counts @ np.arange(1, 5))) != 0:
        if diff > 0:
            k = max(i for i in range(3) if counts[i] > 0)
            counts[k] -= 1
            counts[k + 1] += 1
        else:
            k = min(i for i in range(1, 4) if counts[i] > 0)
            counts[k] -= 1
            counts[k - 1] += 1
    return counts


def deal_scores(
    counts_by_unsur: Mapping[str, np.ndarray], rng: np.random.Generator, correlation: float = 0.75
) -> dict[str, np.ndarray]:
    """Deal each unsur's scores to respondents, correlated through a latent satisfaction.

    The respondent with the higher ``correlation * z + sqrt(1 - correlation**2) * e`` gets the
    higher score, so the counts (and sums) stay exact while answers hang together.
    """
    n = int(next(iter(counts_by_unsur.values())).sum())
    z = rng.standard_normal(n)
    out = {}
    for code, counts in counts_by_unsur.items():
        key = correlation * z + math.sqrt(1 - correlation**2) * rng.standard_normal(n)
        sorted_scores = np.repeat(np.arange(1, 5, dtype=np.int8), counts)
        scores = np.empty(n, dtype=np.int8)
        scores[np.argsort(key, kind="stable")] = sorted_scores
        out[code] = scores
    return out


# --------------------------------------------------------------------------------------------
# Respondents
# --------------------------------------------------------------------------------------------


def _as_date(value: dt.date | str) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)


def office_timestamps(
    n: int, start: dt.date | str, end: dt.date | str, rng: np.random.Generator
) -> np.ndarray:
    """`n` distinct, sorted naive local timestamps on working days (Mon-Fri) in office hours."""
    start, end = _as_date(start), _as_date(end)
    days = np.arange(np.datetime64(start, "D"), np.datetime64(end, "D") + 1)
    workdays = days[np.is_busday(days)]
    per_day = OFFICE_CLOSE - OFFICE_OPEN
    slots = len(workdays) * per_day
    if n > slots:
        raise ValueError(f"{n} responses do not fit in {slots} office-hour seconds")
    picks = np.sort(rng.choice(slots, size=n, replace=False))
    seconds = OFFICE_OPEN + picks % per_day
    return workdays[picks // per_day].astype("datetime64[s]") + seconds.astype("timedelta64[s]")


def _exact_values(counts: Mapping[str, int], n: int, rng: np.random.Generator) -> np.ndarray:
    total = sum(counts.values())
    if total != n:
        raise ValueError(f"demographic counts add up to {total}, not {n}")
    values = np.repeat(np.array(list(counts), dtype=object), list(counts.values()))
    return rng.permutation(values)


def _drawn_values(shares: Mapping[str, float], n: int, rng: np.random.Generator) -> np.ndarray:
    p = np.array(list(shares.values()), dtype=float)
    return np.array(list(shares), dtype=object)[rng.choice(len(p), size=n, p=p / p.sum())]


def make_responses(
    n: int,
    unsur_sums: Mapping[str, int] | Sequence[int] | None = None,
    *,
    rng: np.random.Generator | int | None = None,
    unsur_means: Mapping[str, float] | None = None,
    start: dt.date | str = "2023-01-01",
    end: dt.date | str = "2023-12-31",
    layanan: Sequence[str] = ("Layanan Umum",),
    layanan_p: Sequence[float] | None = None,
    demografi: Mapping[str, Mapping[str, int]] | None = None,
    saran_rate: float = 0.3,
    saran_pii: bool = False,
    correlation: float = 0.75,
) -> pd.DataFrame:
    """A tidy frame of `n` synthetic respondents (columns `TIDY_COLUMNS`), sorted by time.

    - `unsur_sums`: exact sum of scores per unsur (dict by code or nine values in U1..U9
      order); without it the sums are ``round(mean * n)`` from `unsur_means`
      (default `DEFAULT_MEANS`). No answer is blank.
    - `demografi`: exact counts per value for any of jenis_kelamin / pendidikan / pekerjaan
      (e.g. ``{"jenis_kelamin": {"Laki-laki": 61, "Perempuan": 24}}``); other fields are drawn
      from `DEFAULT_DEMOGRAFI`. Usia is an integer 18..65.
    - Timestamps are naive local times, distinct, Mon-Fri 08:00-16:00 within start..end.
    - About `saran_rate` of respondents leave a suggestion (else ""); with `saran_pii` two of
      them contain a phone number and an e-mail address.
    - Nama / email / hp are obviously fake (``Responden Sintetis 001``, example.com, 0812-0000-).
    """
    rng = np.random.default_rng(rng)
    if unsur_sums is None:
        means = {**DEFAULT_MEANS, **(unsur_means or {})}
        unsur_sums = {c: min(4 * n, max(n, round(means[c] * n))) for c in UNSUR_CODES}
    elif not isinstance(unsur_sums, Mapping):
        unsur_sums = dict(zip(UNSUR_CODES, unsur_sums, strict=True))
    counts = {c: counts_for_sum(n, int(unsur_sums[c]), rng) for c in UNSUR_CODES}
    scores = deal_scores(counts, rng, correlation)

    timestamps = office_timestamps(n, start, end, rng)
    layanan = list(layanan)
    p = None if layanan_p is None else np.asarray(layanan_p, dtype=float) / np.sum(layanan_p)
    layanan_values = np.array(layanan, dtype=object)[rng.choice(len(layanan), size=n, p=p)]
    demografi = demografi or {}
    demo = {
        field: (
            _exact_values(demografi[field], n, rng)
            if field in demografi
            else _drawn_values(shares, n, rng)
        )
        for field, shares in DEFAULT_DEMOGRAFI.items()
    }
    usia = np.clip(np.rint(rng.normal(38, 10, size=n)), 18, 65).astype(np.int64)

    saran = np.full(n, "", dtype=object)
    gives = np.flatnonzero(rng.random(n) < saran_rate)
    saran[gives] = np.array(SARAN_POOL, dtype=object)[
        rng.integers(len(SARAN_POOL), size=len(gives))
    ]
    if saran_pii and len(gives) >= len(SARAN_PII):
        saran[rng.choice(gives, size=len(SARAN_PII), replace=False)] = SARAN_PII

    idx = np.arange(1, n + 1)
    width = max(3, len(str(n)))
    nums = pd.Series(idx).astype(str).str.zfill(width)
    frame = pd.DataFrame(
        {
            "timestamp": pd.to_datetime(timestamps),
            "nama": "Responden Sintetis " + nums,
            "email": "responden" + nums + "@example.com",
            "hp": "0812-0000-" + pd.Series(idx % 10000).astype(str).str.zfill(4),
            "layanan": layanan_values,
            "jenis_kelamin": demo["jenis_kelamin"],
            "usia": usia,
            "pendidikan": demo["pendidikan"],
            "pekerjaan": demo["pekerjaan"],
            **scores,
            "saran": saran,
        }
    )
    return frame[list(TIDY_COLUMNS)]


# --------------------------------------------------------------------------------------------
# Exports
# --------------------------------------------------------------------------------------------


def _vary_label(label: str, kind: int) -> str:
    """One of four harmless spellings a hand-edited or re-typed sheet shows."""
    if kind == 0:
        return label.lower()
    if kind == 1:
        return label.upper()
    if kind == 2 and " " in label:
        head, tail = label.split(" ", 1)
        return f"{head.lower()}  {tail[:1].upper()}{tail[1:]}"  # "sangat  Sesuai"
    return f" {label} "


def format_timestamps(timestamps: pd.Series, style: str, utc_offset: int = 8) -> pd.Series:
    """Timestamps as an export writes them.

    - ``forms``: Google Forms CSV, ``2022/03/14 9:14:31 AM GMT+8`` (with the form's offset);
    - ``sheets``: Google Sheets in Indonesian locale, ``13/02/2023 9:14:31`` (local, no offset).
    """
    ts = pd.Series(pd.to_datetime(timestamps)).reset_index(drop=True)
    hour = ts.dt.hour
    if style == "forms":
        h12 = ((hour + 11) % 12 + 1).astype(str)
        ampm = pd.Series(np.where(hour < 12, " AM", " PM"))
        sign = "+" if utc_offset >= 0 else "-"
        return (
            ts.dt.strftime("%Y/%m/%d ")
            + h12
            + ts.dt.strftime(":%M:%S")
            + ampm
            + f" GMT{sign}{abs(utc_offset)}"
        )
    if style == "sheets":
        return ts.dt.strftime("%d/%m/%Y ") + hour.astype(str) + ts.dt.strftime(":%M:%S")
    raise ValueError(f"unknown timestamp style {style!r} (forms or sheets)")


def to_export(
    df: pd.DataFrame,
    *,
    style: str = "forms",
    utc_offset: int = 8,
    timestamp_header: str | None = None,
    variation: float = 0.04,
    rng: np.random.Generator | int | None = None,
) -> pd.DataFrame:
    """The tidy frame as the export's table: header texts, answer labels, timestamp strings.

    Columns follow the questionnaire (PII after the timestamp, U9 before U8, saran last).
    A share `variation` of answer cells gets a different case or spacing (``sangat  Sesuai``).
    """
    rng = np.random.default_rng(rng)
    n = len(df)
    out: dict[str, object] = {}
    out[timestamp_header or FIELD_HEADERS["timestamp"]] = format_timestamps(
        df["timestamp"], style, utc_offset
    ).to_numpy()
    for field in (
        "email",
        "nama",
        "hp",
        "layanan",
        "jenis_kelamin",
        "usia",
        "pendidikan",
        "pekerjaan",
    ):
        out[FIELD_HEADERS[field]] = df[field].to_numpy()
    for code in QUESTION_ORDER:
        labels = np.array(DEFAULT_LABELS[code], dtype=object)[df[code].to_numpy(dtype=int) - 1]
        varied = np.flatnonzero(rng.random(n) < variation)
        kinds = rng.integers(4, size=len(varied))
        for i, kind in zip(varied, kinds, strict=True):
            labels[i] = _vary_label(labels[i], int(kind))
        out[QUESTION_HEADERS[code]] = labels
    out[FIELD_HEADERS["saran"]] = df["saran"].to_numpy()
    return pd.DataFrame(out)


def _write_csv(
    table: pd.DataFrame, path: Path | str, *, sep: str, bom: bool, lineterminator: str
) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = table.to_csv(index=False, sep=sep, lineterminator=lineterminator)
    path.write_bytes(("\ufeff" if bom else "").encode("utf-8") + text.encode("utf-8"))
    return path


def write_forms_csv(
    df: pd.DataFrame,
    path: Path | str,
    *,
    utc_offset: int = 8,
    variation: float = 0.04,
    rng: np.random.Generator | int | None = None,
) -> Path:
    """Write the tidy frame as a Google Forms "Download responses (.csv)" file."""
    table = to_export(df, style="forms", utc_offset=utc_offset, variation=variation, rng=rng)
    return _write_csv(table, path, sep=",", bom=False, lineterminator="\n")


def write_sheets_csv(
    df: pd.DataFrame,
    path: Path | str,
    *,
    sep: str = ",",
    bom: bool = False,
    lineterminator: str = "\n",
    timestamp_header: str = "Stempel waktu",
    variation: float = 0.04,
    rng: np.random.Generator | int | None = None,
) -> Path:
    """Write the tidy frame as a Google Sheets (Indonesian locale) CSV download.

    ``sep=";", bom=True, lineterminator="\\r\\n"`` gives what Excel in an Indonesian locale
    writes when the file is opened and saved again as "CSV UTF-8".
    """
    table = to_export(
        df, style="sheets", timestamp_header=timestamp_header, variation=variation, rng=rng
    )
    return _write_csv(table, path, sep=sep, bom=bom, lineterminator=lineterminator)


class _Dumper(yaml.SafeDumper):
    """Block lists indented under their key; long texts folded (``>-``) to fit 100 columns."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        return super().increase_indent(flow, False)


def _represent_str(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = ">" if len(value) > 72 and "\n" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _represent_str)


def _write_yaml(data: dict, path: Path | str, header: str) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    comment = "".join(f"# {line}\n" if line else "#\n" for line in header.splitlines())
    body = yaml.dump(data, Dumper=_Dumper, allow_unicode=True, sort_keys=False, width=80)
    path.write_text(comment + body, encoding="utf-8")
    return path


# --------------------------------------------------------------------------------------------
# The shipped sample: Biro Umum Setda Prov. Kaltim, 2022 and 2023
# --------------------------------------------------------------------------------------------

SAMPLE_UNIT = "biro-umum"

SAMPLE_UNIT_YAML: dict = {
    "name": "Biro Umum Sekretariat Daerah Provinsi Kalimantan Timur",
    "short_name": "Biro Umum Setda Prov. Kaltim",
    "parent": "Pemerintah Provinsi Kalimantan Timur",
    "city": "Samarinda",
    "population": 550,
    "timezone": "WITA",
    "layanan": [
        "Peminjaman Gedung/Ruang Rapat",
        "Fasilitasi Tamu Pemerintah",
        "Administrasi Persuratan",
        "Peminjaman Kendaraan Dinas",
    ],
    # The value the original report published for 2023 (its headline; its own table gives 85,20
    # at weight 1/9 and 84,34 at 0,11): a published value of a year with raw data, shown only in
    # that year's reconciliation box.
    "history": [
        {
            "year": 2023,
            "ikm_konversi": 84.37,
            "n": 85,
            "source": "Laporan SKM Biro Umum Setda Prov. Kaltim Tahun 2023",
        },
    ],
}
SAMPLE_LAYANAN_P = (0.35, 0.15, 0.30, 0.20)

#: Published per-unsur sums (U1..U9): 2022 from the RTL report's table (NRR x 68), 2023 from the
#: report's Lampiran 2 (85 complete responses).
SAMPLE_SUMS: dict[int, tuple[int, ...]] = {
    2022: (225, 227, 221, 229, 223, 223, 234, 221, 257),
    2023: (288, 291, 281, 290, 281, 287, 297, 284, 308),
}
SAMPLE_N = {2022: 68, 2023: 85}

#: 2023 demographics as published (BAB III), written the way the form's options read.
SAMPLE_DEMOGRAFI_2023: dict[str, dict[str, int]] = {
    "jenis_kelamin": {"Laki-laki": 61, "Perempuan": 24},
    "pendidikan": {"SMP": 1, "SMA": 45, "S1": 35, "S2": 3, "S3": 1},
    "pekerjaan": {"PNS": 24, "TNI": 1, "Swasta": 2, "Wiraswasta": 47, "Lainnya": 11},
}

# The original report's 2.1 and 2.3, in careful Indonesian. The original said the team decree
# was attached ("sebagaimana terlampir") but attached none: the sample names no decree
# (survei.yaml `team_decree:` would name it and attach its scan as a lampiran).
_TEAM = (
    "Survei Kepuasan Masyarakat dilaksanakan secara mandiri oleh Biro Umum Sekretariat Daerah "
    "Provinsi Kalimantan Timur dengan membentuk tim pelaksana survei. Tim pelaksana Survei "
    "Kepuasan Masyarakat (SKM) adalah tim yang tercantum dalam Dokumen Pelaksanaan Anggaran "
    "(DPA) pada Kegiatan Pencapaian Indeks Kepuasan Masyarakat (IKM) Tahun {year}."
)
_LOCATION = (
    "Pengumpulan data dilakukan di lokasi unit pelayanan pada jam layanan, terutama pada saat "
    "layanan sedang ramai. Kuesioner diisi sendiri oleh responden sebagai penerima layanan, dan "
    "jawabannya terkumpul dalam basis data Google Forms. Dengan cara ini penerima layanan "
    "mengisi kuesioner secara aktif atas imbauan unit pelayanan."
)


def _schedule(year: int) -> list[dict]:
    """2.4 of the original report, every activity as a date range, so its working days come
    from the calendar (the original typed 8, 60, 10 and 15). The ranges follow the original's
    months: preparation in January, data collection over the survey period, processing in May,
    the report in May-June (signed in July)."""
    return [
        {
            "kegiatan": "Persiapan",
            "waktu": f"Januari {year}",
            "mulai": f"{year}-01-09",
            "selesai": f"{year}-01-20",
        },
        {
            "kegiatan": "Pengumpulan Data",
            "waktu": f"Februari–April {year}",
            "mulai": f"{year}-02-01",
            "selesai": f"{year}-04-30",
        },
        {
            "kegiatan": "Pengolahan Data dan Analisis Hasil",
            "waktu": f"Mei {year}",
            "mulai": f"{year}-05-02",
            "selesai": f"{year}-05-15",
        },
        {
            "kegiatan": "Penyusunan dan Pelaporan Hasil",
            "waktu": f"Mei–Juni {year}",
            "mulai": f"{year}-05-16",
            "selesai": f"{year}-06-30",
        },
    ]


def _signatory(date: str) -> dict:
    return {
        "name": "Ir. Hj. Lisa Hasliana, M.Si.",
        "nip": "19670719 199303 2 006",
        "position": "Kepala Biro Umum Sekretariat Daerah Provinsi Kalimantan Timur",
        "place": "Samarinda",
        "date": date,
    }


def sample_survei(year: int) -> dict:
    """survei.yaml content of the shipped sample for 2022 or 2023."""
    survei: dict = {
        "period": {"start": f"{year}-02-01", "end": f"{year}-04-30"},
        "team": _TEAM.format(year=year),
        "location": _LOCATION,
        "schedule": _schedule(year),
    }
    if year == 2023:  # 4.1 of the 2023 report; the 2022 report's text is not in the sources
        survei["complaints"] = [
            "Penyediaan air minum di ruang tunggu",
            "Ruangan yang kurang sejuk",
        ]
        survei["weaknesses"] = [
            (
                "Waktu penyelesaian pelayanan masih dirasakan lambat oleh masyarakat. Registrasi "
                "daring sebenarnya sudah mulai diterapkan, tetapi belum banyak masyarakat yang "
                "mendaftar secara daring; sebagian besar langsung datang ke lokasi layanan."
            ),
            "Layanan pengaduan yang disediakan belum banyak diketahui oleh masyarakat.",
        ]
    if year == 2023:
        survei["documentation"] = [
            {"file": name, "caption": f"{caption} (foto contoh)"}
            for name, caption in SAMPLE_PHOTOS[year].items()
        ]
    survei["signatory"] = _signatory("2022-07-15" if year == 2022 else "2023-07-14")
    return survei


def sample_responses(year: int) -> pd.DataFrame:
    """The tidy frame behind the shipped sample export(s) of `year` (2022 or 2023)."""
    rng = np.random.default_rng([SAMPLE_SEED, year])
    return make_responses(
        SAMPLE_N[year],
        SAMPLE_SUMS[year],
        rng=rng,
        start=f"{year}-02-01",
        end=f"{year}-04-30",
        layanan=SAMPLE_UNIT_YAML["layanan"],
        layanan_p=SAMPLE_LAYANAN_P,
        demografi=SAMPLE_DEMOGRAFI_2023 if year == 2023 else None,
        saran_rate=0.3,
        saran_pii=year == 2023,
    )


_README = """\
# Biro Umum Setda Prov. Kaltim: sample data (synthetic)

{note}

What is exact, from the published report (Laporan SKM 2023 and its Laporan Hasil Tindak Lanjut
of the 2022 period):

| year | n | sums U1..U9 | demographics |
|---|---|---|---|
| 2022 | 68 | 225, 227, 221, 229, 223, 223, 234, 221, 257 | drawn (not published) |
| 2023 | 85 | 288, 291, 281, 290, 281, 287, 297, 284, 308 | as published (BAB III) |

Everything else (who answered what, when, the layanan, the suggestions, names, e-mail addresses
and phone numbers) is drawn from the seeded generator and is made up.

- `2022/Form Responses 1.csv`: Google Forms download (`2022/03/14 9:14:31 AM GMT+8`).
- `2023/Form Responses 1.csv`: Google Sheets download, Indonesian locale, February-March
  (header `Stempel waktu`, `13/02/2023 9:14:31`, local time WITA).
- `2023/Tanggapan Formulir April.csv`: April, re-saved by Excel (`;`, UTF-8 BOM, CRLF).

Question columns are in questionnaire order (sarana before pengaduan); mapping is by header
text. Some answers differ in case or spacing on purpose; two 2023 suggestions contain a phone
number and an e-mail address, to exercise redaction. `unit.yaml`'s `history:` holds the IKM the
report published for 2023 (84,37), which its own sums do not give (85,20 at weight 1/9, 84,34 at
0,11): the 2023 Laporan reconciles it and does not plot it. The report's trend chart values
(2021-2022) are not in the sources.
"""


#: Placeholder photos (clearly labelled as such): RTL evidence of 2022, documentation of 2023.
SAMPLE_PHOTOS = {
    2022: {
        "contact-person.png": "Sosialisasi narahubung pengelola layanan",
        "lapor-medsos.png": "Unggahan kanal pengaduan SP4N-LAPOR! di media sosial",
        "digital-signage.png": "Standar pelayanan pada papan informasi digital di lobi",
    },
    2023: {"pengisian-survei.png": "Pengisian kuesioner SKM oleh pengguna layanan"},
}


def placeholder_photo(path: Path | str, caption: str) -> Path:
    """A small grey PNG that says it is a placeholder, not a real photo (deterministic)."""
    from PIL import Image, ImageDraw

    img = Image.new("RGB", (640, 400), (214, 219, 226))
    draw = ImageDraw.Draw(img)
    draw.rectangle([8, 8, 631, 391], outline=(120, 128, 140), width=3)
    lines = ["FOTO CONTOH (PLACEHOLDER)", "bukan dokumentasi asli", "", caption]
    for i, line in enumerate(lines):
        draw.text((40, 140 + 28 * i), line, fill=(40, 48, 60))
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    img.save(path, format="PNG")
    return path


def write_sample(raw_dir: Path | str) -> list[Path]:
    """(Re)write the shipped sample under ``raw_dir/biro-umum/``; return the files written."""
    unit_dir = Path(raw_dir) / SAMPLE_UNIT
    note = SYNTHETIC_NOTE.format(seed=SAMPLE_SEED)
    written = [
        _write_yaml(SAMPLE_UNIT_YAML, unit_dir / "unit.yaml", note),
    ]
    readme = unit_dir / "README.md"
    readme.write_text(_README.format(note=note), encoding="utf-8")
    written.append(readme)
    for year in (2022, 2023):
        year_dir = unit_dir / str(year)
        written.append(_write_yaml(sample_survei(year), year_dir / "survei.yaml", note))
        for name, caption in SAMPLE_PHOTOS[year].items():
            written.append(placeholder_photo(year_dir / "dokumentasi" / name, caption))
        df = sample_responses(year)
        labels_rng = np.random.default_rng([SAMPLE_SEED, year, 1])
        if year == 2022:
            written.append(
                write_forms_csv(df, year_dir / "Form Responses 1.csv", utc_offset=8, rng=labels_rng)
            )
            continue
        april = df["timestamp"].dt.month == 4
        written.append(
            write_sheets_csv(df[~april], year_dir / "Form Responses 1.csv", rng=labels_rng)
        )
        written.append(
            write_sheets_csv(
                df[april],
                year_dir / "Tanggapan Formulir April.csv",
                sep=";",
                bom=True,
                lineterminator="\r\n",
                rng=labels_rng,
            )
        )
    return written


# --------------------------------------------------------------------------------------------
# Benchmarks
# --------------------------------------------------------------------------------------------


def make_large(n_rows: int = 1_000_000, seed: int = 0, year: int = 2024) -> pd.DataFrame:
    """A tidy frame of `n_rows` respondents over one calendar year (vectorised; 1e6 in seconds).

    Feed it to `write_forms_csv` / `write_sheets_csv` (``variation=0`` is faster) for an
    export-sized input.
    """
    return make_responses(
        n_rows,
        rng=np.random.default_rng(seed),
        start=f"{year}-01-01",
        end=f"{year}-12-31",
        layanan=("Layanan A", "Layanan B", "Layanan C", "Layanan D"),
        saran_rate=0.3,
    )


_AGENCIES = (
    "Dinas Kesehatan",
    "Dinas Pendidikan dan Kebudayaan",
    "Dinas Kependudukan dan Pencatatan Sipil",
    "Dinas Penanaman Modal dan PTSP",
    "Dinas Sosial",
    "Dinas Perhubungan",
    "Dinas Lingkungan Hidup",
    "Dinas Tenaga Kerja",
    "Dinas Pekerjaan Umum dan Penataan Ruang",
    "Dinas Perpustakaan dan Kearsipan",
    "Badan Pendapatan Daerah",
    "Badan Kepegawaian Daerah",
    "Rumah Sakit Umum Daerah",
    "Dinas Koperasi dan UKM",
    "Dinas Pertanian",
    "Dinas Kelautan dan Perikanan",
    "Satuan Polisi Pamong Praja",
    "Badan Penanggulangan Bencana Daerah",
    "Dinas Komunikasi dan Informatika",
    "Dinas Perindustrian dan Perdagangan",
)
_REGIONS = (
    "Kota Samarinda",
    "Kota Balikpapan",
    "Kota Bontang",
    "Kabupaten Kutai Kartanegara",
    "Kabupaten Kutai Timur",
    "Kabupaten Kutai Barat",
    "Kabupaten Berau",
    "Kabupaten Paser",
    "Kabupaten Penajam Paser Utara",
    "Kabupaten Mahakam Ulu",
)
#: Typical unsur offsets from a unit's mean (sarana and perilaku high, waktu and pengaduan low).
_UNSUR_PATTERN = np.array([-0.02, 0.01, -0.08, 0.06, -0.03, 0.00, 0.10, -0.07, 0.03])


def make_province(
    out_dir: Path | str,
    n_units: int = 200,
    total_responses: int = 100_000,
    seed: int = 0,
    year: int = 2024,
) -> list[str]:
    """Write `n_units` synthetic unit folders (benchmark input, not shipped); return their names.

    Each ``unit-NNN/`` gets a unit.yaml (varied name, population and time zone) and one year
    folder with survei.yaml and one export (Forms or Sheets style, some re-saved with ``;``).
    Unit means vary (about N(3,34; 0,17)) so mutu spans B and A with a few C. The responses add
    up to exactly `total_responses`.
    """
    if total_responses < 20 * n_units:
        raise ValueError("need at least 20 responses per unit")
    rng = np.random.default_rng([seed, 1])
    out_dir = Path(out_dir)
    weights = rng.lognormal(0.0, 0.6, size=n_units)
    sizes = 20 + np.floor(weights / weights.sum() * (total_responses - 20 * n_units)).astype(int)
    sizes[np.argsort(-weights)[: total_responses - int(sizes.sum())]] += 1
    unit_means = np.clip(rng.normal(3.34, 0.17, size=n_units), 2.75, 3.85)
    timezones = rng.choice(["WIB", "WITA", "WIT"], size=n_units, p=[0.2, 0.65, 0.15])
    note = (
        "Data sintetis untuk uji kinerja, bukan data asli.\n"
        f"Synthetic benchmark input made by tools/synth.py (make_province) (seed {seed}); not shipped."
    )
    names = []
    for i in range(n_units):
        unit = f"unit-{i + 1:03d}"
        agency = _AGENCIES[i % len(_AGENCIES)]
        region = _REGIONS[(i // len(_AGENCIES)) % len(_REGIONS)]
        n = int(sizes[i])
        offset = {"WIB": 7, "WITA": 8, "WIT": 9}[str(timezones[i])]
        layanan = [f"Layanan {chr(65 + k)}" for k in range(int(rng.integers(1, 6)))]
        unit_yaml = {
            "name": f"{agency} {region}",
            "short_name": f"{agency.split(' dan ')[0]} ({unit})",
            "parent": "Pemerintah Provinsi Kalimantan Timur",
            "city": region.split(" ", 1)[1],
            "population": int(max(n, round(n * rng.uniform(0.8, 8.0)))),
            "timezone": str(timezones[i]),
            "layanan": layanan,
        }
        _write_yaml(unit_yaml, out_dir / unit / "unit.yaml", note)
        half = bool(rng.random() < 0.3)
        period = {"start": f"{year}-01-01", "end": f"{year}-06-30" if half else f"{year}-12-31"}
        _write_yaml({"period": period}, out_dir / unit / str(year) / "survei.yaml", note)
        means = np.clip(unit_means[i] + _UNSUR_PATTERN + rng.normal(0, 0.07, size=9), 1.2, 3.95)
        df = make_responses(
            n,
            rng=rng,
            unsur_means=dict(zip(UNSUR_CODES, means.tolist(), strict=True)),
            start=period["start"],
            end=period["end"],
            layanan=layanan,
        )
        path = out_dir / unit / str(year) / "responses.csv"
        style = i % 3
        if style == 0:
            write_forms_csv(df, path, utc_offset=offset, rng=rng)
        elif style == 1:
            write_sheets_csv(df, path, rng=rng)
        else:
            write_sheets_csv(df, path, sep=";", bom=True, lineterminator="\r\n", rng=rng)
        names.append(unit)
    return names
