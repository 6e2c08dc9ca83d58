"""Text and tables of the annual Laporan SKM, built from the artefacts the rules produced.

The notebook calls these functions; they only read and format (ikm.json, quality.json,
settings.json, responses.csv, rejected.csv) and never recompute a regulation figure.
Every sentence that states a result is generated here from the data, so that no sentence can
contradict a number in the document.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from functools import cached_property
from pathlib import Path

import pandas as pd

from skm import numfmt as nf
from skm.contracts import read_ikm, read_quality, read_settings
from skm.domain import (
    BANDS,
    KONVERSI,
    LEGACY_WEIGHT,
    MUTU_THRESHOLDS,
    NILAI_INTERVAL,
    NILAI_PERSEPSI,
    UNSUR_CODES,
    UNSUR_NAMES,
    UNSUR_SHORT,
    round_half_up,
)
from skm.ingest.images import photo_entry
from skm.ingest.redact import file_label
from skm.render.core import MISSING_GLYPH, missing_glyphs
from skm.report.kalender import hari_kerja, schedule_warnings, years_without_cuti_bersama
from skm.report.markdown import escape, image, table
from skm.scoring.ikm import confidence_interval, highest, lowest
from skm.scoring.tables import read_rejected, read_responses

FIELD_TITLES = {
    "jenis_kelamin": "Jenis Kelamin",
    "usia": "Usia",
    "pendidikan": "Pendidikan",
    "pekerjaan": "Pekerjaan",
    "layanan": "Jenis Layanan",
}


#: Bounds of the appendices that grow with the unit (Lampiran 5 saran, Lampiran 6 rejected
#: rows; the respondent matrix has `matrix_fits`): past them a document says where the rest
#: is, so a render's memory does not grow with the number of responses (README).
APPENDIX_ROWS = 1_000
APPENDIX_CHARS = 300_000

#: Characters of a rejected cell shown in Lampiran 6 (rejected.csv keeps up to 200).
REJECTED_VALUE_CHARS = 80


def _cut(text: str, limit: int) -> str:
    """`text`, or its first `limit` - 1 characters and an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


@dataclass
class Laporan:
    """Everything one unit-year's documents read, loaded once."""

    ikm: dict
    quality: dict
    settings: dict
    responses: pd.DataFrame
    rejected: pd.DataFrame
    figdir: Path
    #: The folder the settings' relative paths (unit_dir, year_dir) start from.
    root: Path = Path(".")

    @classmethod
    def load(
        cls, ikm: str, quality: str, settings: str, responses: str, rejected: str, figdir: str
    ) -> Laporan:
        """Read the artefacts of one unit-year (each checked by its contract)."""
        values = read_settings(settings)
        return cls(
            ikm=read_ikm(ikm),
            quality=read_quality(quality),
            settings=values,
            responses=read_responses(responses),
            rejected=read_rejected(rejected),
            figdir=Path(figdir),
            root=_project_root(Path(settings), values),
        )

    # -- small accessors -------------------------------------------------------------------
    @property
    def survei(self) -> dict:
        """The unit's survei.yaml content (may be empty)."""
        return self.settings.get("survei", {})

    @property
    def nama(self) -> str:
        """Full unit name, escaped for markdown."""
        return escape(self.ikm["name"])

    @property
    def tahun(self) -> str:
        """The survey year."""
        return str(self.ikm["year"])

    @property
    def ikm_konversi(self) -> str:
        """'85,20'."""
        return nf.angka(self.ikm["display"]["ikm_konversi"])

    @property
    def mutu(self) -> str:
        """'B'."""
        return self.ikm["mutu"]

    @property
    def kinerja(self) -> str:
        """'Baik'."""
        return self.ikm["kinerja"]

    @property
    def n(self) -> int:
        """Number of scored responses."""
        return int(self.ikm["n_valid"])

    def figure(self, name: str) -> str:
        """Path of a figure the plot_figures rule drew."""
        return str(self.figdir / name)

    # -- Ringkasan -------------------------------------------------------------------------
    def ringkasan_table(self, tren: dict) -> str:
        """The one-page summary after the cover: result, sample, period, lowest unsur, change."""
        s = self.ikm["sample"]
        cukup = "memenuhi" if s["adequate"] else "belum memenuhi"
        low = "; ".join(self._group_text(g) for g in self.terendah())
        rows = [
            ["Nilai IKM", f"**{self.ikm_konversi}**"],
            ["Mutu pelayanan", f"**{self.mutu}**"],
            ["Kinerja unit pelayanan", f"**{self.kinerja}**"],
            [
                "Jumlah responden",
                (
                    f"{nf.angka(s['achieved'], 0)} orang; sampel minimum "
                    f"{nf.angka(s['required'], 0)} responden untuk populasi "
                    f"{nf.angka(s['population'], 0)} orang per tahun ({cukup})"
                ),
            ],
            ["Periode pengumpulan data", self.periode()],
            ["Unsur dengan nilai terendah", low],
            ["Perubahan dari tahun sebelumnya", self.perubahan_ringkas(tren)],
        ]
        entry = (tren.get("published") or {}).get(self.tahun)
        if entry:
            r = rekonsiliasi(self.ikm, entry)
            rows.append(
                [
                    "Nilai yang telah dipublikasikan",
                    (
                        f"{nf.angka(r['published'])}, {self.rekonsiliasi_uraian(r)}; "
                        "rekonsiliasi pada @tbl-rekonsiliasi"
                    ),
                ]
            )
        return table(rows, ["Uraian", "Hasil"], align="ll", widths=[30, 70], raw=True)

    @staticmethod
    def perubahan_ringkas(tren: dict) -> str:
        """The change from last year with its noise test (analisis tambahan), in one cell."""
        c = tren.get("last_change")
        if not c:
            return "belum ada nilai tahun sebelumnya"
        d = Decimal(c["diff"])
        text = f"{_signed(d)} poin dari tahun {c['from']} ke tahun {c['to']}; "
        if not c["testable"]:
            return text + (
                "tidak dapat diuji terhadap galat pengambilan sampel karena nilai tahun "
                "sebelumnya tidak disertai data responden (analisis tambahan)"
            )
        verdict = (
            "melebihi galat pengambilan sampel"
            if c["significant"]
            else "masih dalam batas galat pengambilan sampel"
        )
        return text + (
            f"interval 95% {nf.bertanda(c['low'])} s.d. {nf.bertanda(c['high'])}, {verdict} "
            "(analisis tambahan)"
        )

    # -- BAB II ----------------------------------------------------------------------------
    def periode(self) -> str:
        """'1 Februari 2023 – 30 April 2023'."""
        p = self.ikm["period"]
        return nf.periode(p["start"], p["end"])

    def jadwal_rows(self) -> list[dict]:
        """2.4 rows: activity, time as printed, working days (computed from mulai/selesai when
        given: Monday-Friday minus national holidays and cuti bersama), and what differs."""
        rows = self.survei.get("schedule") or []
        if not rows:
            p = self.ikm["period"]
            rows = [{"kegiatan": "Pengumpulan Data", "mulai": p["start"], "selesai": p["end"]}]
        out = []
        for r in rows:
            row = {
                "kegiatan": r["kegiatan"],
                "waktu": r.get("waktu"),
                "hari_kerja": r.get("hari_kerja"),
                "computed": None,
            }
            if r.get("mulai"):
                hk = hari_kerja(r["mulai"], r["selesai"])
                row["computed"] = hk
                row["waktu"] = row["waktu"] or nf.periode(hk.start, hk.end)
                row["typed"] = r.get("hari_kerja")
                row["hari_kerja"] = hk.days
            out.append(row)
        return out

    def jadwal_table(self) -> str:
        """Table 2.4: activities, time, working days."""
        rows = self.jadwal_rows()
        has_days = any(r["hari_kerja"] is not None for r in rows)
        headers = ["No.", "Kegiatan", "Waktu Pelaksanaan"] + (
            ["Jumlah Hari Kerja"] if has_days else []
        )
        body = []
        for i, r in enumerate(rows, 1):
            row = [f"{i}.", escape(r["kegiatan"]), escape(r["waktu"] or "–")]
            if has_days:
                mark = "¹" if r["computed"] else ""
                row.append(
                    nf.angka(r["hari_kerja"], 0) + mark if r["hari_kerja"] is not None else "–"
                )
            body.append(row)
        return table(body, headers, align="rllr"[: len(headers)] if has_days else "rll", raw=True)

    def jadwal_catatan(self) -> str:
        """Note under Table 2.4: how working days were counted, the days removed, and every
        typed hari_kerja that disagrees with the calendar (a warning)."""
        parts = []
        computed = [r for r in self.jadwal_rows() if r["computed"]]
        if computed:
            removed = sorted({d for r in computed for d in r["computed"].removed})
            text = (
                "¹ Jumlah hari kerja dihitung dari kalender: hari Senin sampai Jumat dikurangi "
                "hari libur nasional dan cuti bersama"
            )
            if removed:
                by_name: dict[str, list] = {}
                for day, name in removed:
                    by_name.setdefault(name, []).append(day)
                text += (
                    f" yang jatuh pada hari kerja ({nf.angka(len(removed), 0)} hari): "
                    + "; ".join(
                        f"{escape(name)} ({_tanggal_list(days)})" for name, days in by_name.items()
                    )
                    + "."
                )
            else:
                text += "; tidak ada hari libur nasional atau cuti bersama pada hari kerja."
            parts.append(text)
            missing = sorted(
                {
                    y
                    for r in computed
                    for y in years_without_cuti_bersama(r["computed"].start, r["computed"].end)
                }
            )
            if missing:
                parts.append(
                    "Kalender yang dipakai belum memuat cuti bersama tahun "
                    + nf.daftar([str(y) for y in missing])
                    + "; jumlah hari kerja tersebut hanya dikurangi hari libur nasional dan "
                    "mungkin lebih besar daripada hari kerja yang sebenarnya."
                )
        for w in schedule_warnings(self.survei.get("schedule"), source=None):
            parts.append(f"**Peringatan:** {escape(w)}")
        return "\n\n".join(parts)

    def pelaksana_kalimat(self) -> str:
        """2.1: the team text, and the decree that formed it (attached only when its scan is)."""
        sv = self.survei
        text = sv.get("team") or (
            f"Survei Kepuasan Masyarakat dilaksanakan secara mandiri oleh "
            f"{self.ikm['name']} dengan membentuk tim pelaksana survei."
        )
        text = escape(text)
        sk = sv.get("team_decree")
        if sk:
            sentence = (
                f"Tim pelaksana ditetapkan dengan keputusan Nomor {escape(sk['number'])} "
                f"tanggal {nf.tanggal(sk['date'])}"
            )
            if sk.get("signed_by"):
                sentence += f" yang ditetapkan oleh {escape(sk['signed_by'])}"
            if sk.get("title"):
                sentence += f" tentang {escape(sk['title'])}"
            if sk.get("file"):
                sentence += f"; salinannya dimuat pada Lampiran {self.LAMPIRAN_SK}"
            text += " " + sentence + "."
        return text

    #: Number of the lampiran that holds the team decree's scan, when given.
    LAMPIRAN_SK = 8

    def sk_lampiran(self, foto_dir: str) -> str:
        """The decree's scan (cleaned like the photos), or '' when no scan is given."""
        sk = self.survei.get("team_decree") or {}
        if not sk.get("file"):
            return ""
        raw = self.root / (self.settings.get("year_dir") or ".") / "dokumentasi" / sk["file"]
        path, label = photo_entry(foto_dir, raw)
        # Raw text: markdown.image() escapes caption and alt and percent-encodes the path.
        title = (
            f"Keputusan pembentukan tim pelaksana SKM Nomor {sk['number']} tanggal "
            f"{nf.tanggal(sk['date'])}"
        )
        if not path.exists():
            return f"{escape(title)}: berkas {escape(label)} tidak ditemukan di folder dokumentasi."
        return image(path, title, alt=f"Pindaian {title}", width="90%")

    def sampel_kalimat(self) -> str:
        """2.5: population, Krejcie-Morgan minimum, achieved n and whether it suffices."""
        s = self.ikm["sample"]
        pop, req, got = (
            nf.angka(s["population"], 0),
            nf.angka(s["required"], 0),
            nf.angka(s["achieved"], 0),
        )
        first = (
            f"Populasi, yaitu jumlah penerima layanan {self.nama} dalam satu tahun, diperkirakan "
            f"sebanyak {pop} orang. Berdasarkan tabel Krejcie dan Morgan (1970), dengan tingkat kepercayaan "
            f"95% (χ² = 3,841), proporsi 0,5 dan tingkat kesalahan 5%, jumlah sampel minimum "
            f"untuk populasi {pop} orang adalah {req} responden."
        )
        if s["adequate"]:
            second = (
                f"Jumlah responden yang diperoleh sebanyak {got} orang, sehingga jumlah "
                f"sampel minimum **telah terpenuhi**."
            )
        else:
            short = nf.angka(s["required"] - s["achieved"], 0)
            second = (
                f"Jumlah responden yang diperoleh sebanyak {got} orang, sehingga jumlah "
                f"sampel minimum **belum terpenuhi** (kurang {short} responden). Hasil survei "
                f"ini tetap dilaporkan, tetapi ketelitiannya lebih rendah dari yang "
                f"disyaratkan; lihat analisis tambahan pada subbab 4.4."
            )
        return first + " " + second

    # -- BAB III ---------------------------------------------------------------------------
    def kolom_status(self, field: str) -> str | None:
        """Why an optional field has no data: "kolom tidak ditemukan" (its column is in no
        export) or "tidak ditanyakan dalam formulir" (unit.yaml `not_asked:`); None if read."""
        status = self.quality.get("kolom_opsional", {}).get(field)
        return {
            "tidak_ditemukan": "kolom tidak ditemukan",
            "tidak_ditanyakan": "tidak ditanyakan dalam formulir",
        }.get(status or "")

    def karakteristik_table(self) -> str:
        """Table 3.1: respondents by characteristic, counts and percentages; a field without
        data says why (`kolom_status`)."""
        body = []
        fields = [
            f
            for f in ("jenis_kelamin", "usia", "pendidikan", "pekerjaan", "layanan")
            if f in self.ikm["demografi"] or self.kolom_status(f)
        ]
        for i, field in enumerate(fields, 1):
            if field not in self.ikm["demografi"]:
                body.append(
                    [f"{i}", FIELD_TITLES[field], f"*({self.kolom_status(field)})*", "–", "–"]
                )
                continue
            for j, cat in enumerate(self.ikm["demografi"][field]["categories"]):
                body.append(
                    [
                        f"{i}" if j == 0 else "",
                        FIELD_TITLES[field] if j == 0 else "",
                        escape(cat["label"]) + ("" if cat["matched"] else "¹"),
                        nf.angka(cat["count"], 0),
                        nf.persen(cat["display_pct"]),
                    ]
                )
        return table(
            body,
            ["No", "Karakteristik", "Indikator", "Jumlah", "Persentase"],
            align="rlllr",
            raw=True,
        )

    def karakteristik_catatan(self) -> str:
        """Footnote for Table 3.1: rounding and unmatched values."""
        notes = []
        sums = {f: d["pct_sum"] for f, d in self.ikm["demografi"].items() if not d.get("multiple")}
        off = [f for f, v in sums.items() if v != "100.00"]
        if off:
            parts = [f"{FIELD_TITLES[f].lower()} {nf.persen(sums[f])}" for f in off]
            notes.append(
                "Persentase dibulatkan masing-masing ke dua desimal, sehingga jumlahnya "
                "dapat sedikit berbeda dari 100% (" + nf.daftar(parts) + ")."
            )
        if any(not c["matched"] for d in self.ikm["demografi"].values() for c in d["categories"]):
            notes.append(
                "¹ Isian responden yang tidak cocok dengan kategori baku, ditampilkan "
                "sebagaimana diisi; data pribadi di dalamnya (nomor telepon, alamat "
                "surel, NIK, nama) ditampilkan sebagai [disamarkan]."
            )
        if self.layanan_catatan():
            notes.append(self.layanan_catatan())
        return " ".join(notes)

    def layanan_catatan(self) -> str:
        """Footnote of the layanan tables when respondents could tick several layanan."""
        if not self.ikm["demografi"].get("layanan", {}).get("multiple"):
            return ""
        return (
            "Jenis layanan dapat dipilih lebih dari satu; seorang responden dihitung pada "
            "setiap layanan yang dipilihnya, sehingga persentase per jenis layanan (terhadap "
            "seluruh responden) dapat berjumlah lebih dari 100% dan jumlah responden per "
            "layanan lebih dari jumlah responden."
        )

    def gender_kalimat(self) -> str:
        """Sentence on gender composition, when asked."""
        d = self.ikm["demografi"].get("jenis_kelamin")
        if not d:
            return ""
        parts = [
            f"{escape(c['label']).lower()} {nf.angka(c['count'], 0)} orang "
            f"({nf.persen(c['display_pct'])})"
            for c in d["categories"]
            if c["count"]
        ]
        return "Menurut jenis kelamin, responden terdiri atas " + nf.daftar(parts) + "."

    def unsur_table(self) -> str:
        """Table 3.2: per-unsur sums, NRR, NRR tertimbang, konversi, mutu; IKM row."""
        body = []
        for u in self.ikm["unsur"]:
            d = u["display"]
            body.append(
                [
                    u["code"],
                    escape(u["name"]),
                    nf.angka(u["sum"], 0),
                    nf.angka(u["n"], 0),
                    nf.angka(d["nrr"]),
                    nf.angka(d["nrr_tertimbang"], 3),
                    nf.angka(d["konversi"]),
                    u["mutu"],
                ]
            )
        body.append(
            [
                "",
                "**IKM unit pelayanan**",
                "",
                "",
                "",
                f"**{nf.angka(self.ikm['display']['ikm'], 3)}**",
                f"**{self.ikm_konversi}**",
                f"**{self.mutu}**",
            ]
        )
        return table(
            body,
            [
                "Kode",
                "Unsur Pelayanan",
                "Jumlah Nilai",
                "n",
                "NRR",
                "NRR Tertimbang",
                "Konversi",
                "Mutu",
            ],
            align="llrrrrrc",
            widths=[6, 34, 10, 6, 8, 13, 11, 7],
            raw=True,
        )

    def unsur_catatan(self) -> str:
        """Footnote of Table 3.2: the printed NRR tertimbang are rounded, the IKM is not their sum."""
        shown = sum(Decimal(u["display"]["nrr_tertimbang"]) for u in self.ikm["unsur"])
        ikm = Decimal(self.ikm["display"]["ikm"])
        text = (
            "NRR, NRR tertimbang dan nilai konversi per unsur ditampilkan dalam bentuk "
            "pembulatan. IKM dihitung dari nilai tepat (jumlah nilai dibagi jumlah jawaban, "
            "dikali 1/9) dan baru dibulatkan pada hasil akhirnya"
        )
        if shown != ikm:
            text += (
                f", sehingga jumlah NRR tertimbang yang tercetak ({nf.angka(shown, 3)}) "
                f"berbeda dari IKM {nf.angka(ikm, 3)}; angka IKM yang benar adalah "
                f"{nf.angka(ikm, 3)}"
            )
        return text + "."

    def ikm_kalimat(self) -> str:
        """Headline sentence: the unit's IKM, mutu and kinerja."""
        return (
            f"Nilai IKM {self.nama} tahun {self.tahun} adalah "
            f"**{self.ikm_konversi}**, dengan mutu pelayanan **{self.mutu}** "
            f"(kinerja unit pelayanan **{self.kinerja}**), dihitung dari {nf.angka(self.n, 0)} "
            f"responden."
        )

    def rumus_kalimat(self) -> str:
        """How the figures were computed (the regulation's formulas, exact weight 1/9)."""
        return (
            "Nilai rata-rata (NRR) tiap unsur adalah jumlah nilai unsur dibagi jumlah "
            "responden yang menjawab unsur tersebut (jawaban kosong tidak dihitung sebagai "
            "nol). NRR tertimbang adalah NRR × 1/9 (bobot tepat 1/9; angka 0,111 adalah "
            "pembulatannya), IKM adalah jumlah NRR tertimbang, dan nilai konversi adalah "
            "IKM × 25. Perhitungan dilakukan dengan nilai tepat; pembulatan ke dua desimal "
            "(setengah ke atas) dilakukan sekali pada nilai konversi, lalu mutu ditetapkan "
            "dari nilai yang dicetak."
        )

    def mutu_table(self) -> str:
        """The regulation's category table: nilai persepsi, nilai interval (1..4), nilai
        interval konversi (25..100), mutu and kinerja, from the domain constants."""
        body = []
        for b in BANDS:
            lo, hi = NILAI_INTERVAL[b.mutu]
            body.append(
                [
                    str(NILAI_PERSEPSI[b.mutu]),
                    f"{_dec(lo)} – {_dec(hi)}",
                    f"{nf.angka(b.low)} – {nf.angka(b.high)}",
                    b.mutu,
                    b.kinerja,
                ]
            )
        return table(
            body,
            [
                "Nilai Persepsi",
                "Nilai Interval (NI)",
                "Nilai Interval Konversi (NIK)",
                "Mutu Pelayanan",
                "Kinerja Unit Pelayanan",
            ],
            align="cllcl",
        )

    def group_table(self, key: str, title: str, label_fmt=str) -> str:
        """IKM per layanan / semester / triwulan."""
        body = []
        for value, g in self.ikm[key].items():
            konv = nf.angka(g["display"]["ikm_konversi"]) if g.get("ikm_konversi") else "–"
            body.append([escape(label_fmt(value)), nf.angka(g["n"], 0), konv, g.get("mutu") or "–"])
        if not body:  # never an empty table without a word
            why = self.kolom_status("layanan") if key == "by_layanan" else None
            body.append([f"*({why or 'tidak ada data'})*", "–", "–", "–"])
        return table(body, [title, "Jumlah Responden", "IKM", "Mutu"], align="lrrc", raw=True)

    @staticmethod
    def rekonsiliasi_uraian(r: dict) -> str:
        """The conclusion as a clause about the published value (one pair of parentheses, no
        colon), for the ringkasan and BAB V."""
        official = nf.angka(r["official"])
        if r["verdict"] == "sama":
            return f"sama dengan nilai resmi hasil perhitungan ulang dari data survei ({official})"
        if r["verdict"] == "bobot":
            return (
                f"menunjukkan selisih karena bobot 0,11 yang tidak berlaku lagi (nilai resmi "
                f"dengan bobot 1/9 adalah {official})"
            )
        return (
            f"tidak dapat direproduksi dari data (selisih {_signed(r['diff'])} terhadap "
            f"nilai resmi {official})"
        )

    def rekonsiliasi_kesimpulan(self, tren: dict) -> str:
        """BAB V: one sentence on the published value, or '' when there is none."""
        entry = (tren.get("published") or {}).get(self.tahun)
        if not entry:
            return ""
        r = rekonsiliasi(self.ikm, entry)
        return (
            f"Nilai IKM tahun {self.tahun} yang telah dipublikasikan sebesar "
            f"{nf.angka(r['published'])} {self.rekonsiliasi_uraian(r)}. Nilai IKM yang "
            f"berlaku adalah {self.ikm_konversi}, sebagaimana direkonsiliasi pada "
            "@tbl-rekonsiliasi."
        )

    def rekonsiliasi_md(self, tren: dict) -> str:
        """The reconciliation box of 3.2 (a captioned table and its conclusion), or '' when the
        unit published no value for this year."""
        entry = (tren.get("published") or {}).get(self.tahun)
        if not entry:
            return ""
        r = rekonsiliasi(self.ikm, entry)
        body = [
            [
                f"Nilai yang telah dipublikasikan (sumber: {escape(r['source'])})",
                nf.angka(r["published"]),
                "–",
            ],
            [
                "Dihitung ulang dari data dengan bobot 1/9 (nilai resmi laporan ini)",
                f"**{nf.angka(r['official'])}**",
                f"**{self.mutu}**",
            ],
            [
                (
                    "Dihitung ulang dengan bobot 0,11: 25 × 0,11 × jumlah NRR (bobot lama, tidak "
                    "berlaku)"
                ),
                nf.angka(r["legacy"]),
                "–",
            ],
        ]
        published = nf.angka(r["published"])
        if r["verdict"] == "sama":
            kesimpulan = (
                f"nilai yang dipublikasikan ({published}) sama dengan hasil "
                "perhitungan ulang dari data survei."
            )
        elif r["verdict"] == "bobot":
            kesimpulan = (
                f"nilai yang dipublikasikan ({published}) menunjukkan selisih karena "
                "bobot 0,11: nilai tersebut dihitung dengan bobot 0,11, bukan 1/9 "
                "sebagaimana ditetapkan PermenPANRB 14/2017. Nilai yang berlaku adalah "
                f"{nf.angka(r['official'])}."
            )
        else:
            kesimpulan = (
                f"nilai yang dipublikasikan ({published}) tidak dapat direproduksi "
                f"dari data (selisih {_signed(r['diff'])}), baik dengan bobot 1/9 "
                "maupun dengan bobot lama 0,11. Nilai yang berlaku adalah "
                f"{nf.angka(r['official'])}, dihitung dari data survei."
            )
        intro = (
            f"{self.nama} telah mempublikasikan nilai IKM tahun {self.tahun} sebesar "
            f"{nf.angka(r['published'])}. Agar tidak ada dua nilai resmi untuk tahun yang "
            "sama, nilai tersebut direkonsiliasi dengan data survei pada @tbl-rekonsiliasi. "
            "Nilai dengan bobot lama hanya ditampilkan untuk rekonsiliasi dan tidak diberi "
            "mutu."
        )
        return "\n\n".join(
            [
                intro,
                table(
                    body,
                    ["Sumber nilai", "IKM", "Mutu"],
                    align="lrc",
                    widths=[70, 15, 15],
                    raw=True,
                ),
                (
                    f": Rekonsiliasi nilai IKM tahun {self.tahun} yang telah dipublikasikan "
                    "{#tbl-rekonsiliasi}"
                ),
                f"**Kesimpulan rekonsiliasi.** Hasil rekonsiliasi menunjukkan bahwa {kesimpulan}",
            ]
        )

    # -- BAB IV ----------------------------------------------------------------------------
    @staticmethod
    def _group_text(group: list[dict]) -> str:
        names = nf.daftar([u["short"] for u in group])
        value = nf.angka(group[0]["display"]["nrr"])
        if len(group) == 1:
            return f"{names} ({group[0]['code']}) dengan NRR {value}"
        codes = nf.daftar([u["code"] for u in group])
        return f"{names} ({codes}) yang sama-sama memperoleh NRR {value}"

    def terendah(self) -> list[list[dict]]:
        """Tie groups of the three lowest unsur."""
        return lowest(self.ikm["unsur"], 3)

    def tertinggi(self) -> list[list[dict]]:
        """Tie groups of the three highest unsur."""
        return highest(self.ikm["unsur"], 3)

    def analisis_kalimat(self) -> list[str]:
        """4.1: the weakest and strongest unsur, ties named together."""
        low = self.terendah()
        high = self.tertinggi()
        n_low = sum(len(g) for g in low)
        n_high = sum(len(g) for g in high)
        lo = "; ".join(self._group_text(g) for g in low)
        hi = "; ".join(self._group_text(g) for g in high)
        tie_note = " (karena ada nilai yang sama, jumlahnya lebih dari tiga)" if n_low > 3 else ""
        tie_note_hi = (
            " (karena ada nilai yang sama, jumlahnya lebih dari tiga)" if n_high > 3 else ""
        )
        return [
            f"Unsur dengan nilai terendah{tie_note}, berurutan dari yang paling rendah: {lo}.",
            f"Unsur dengan nilai tertinggi{tie_note_hi}, berurutan dari yang paling tinggi: {hi}.",
        ]

    def saran_list(self) -> list[str]:
        """Every non-empty saran, redacted at ingest, escaped for markdown."""
        if "saran" not in self.responses.columns:
            return []
        s = self.responses["saran"].fillna("").astype(str).str.strip()
        return [escape(x) for x in s[s != ""].tolist()]

    # -- appendices of bounded size ----------------------------------------------------------
    def _saran_texts(self) -> pd.Series:
        if "saran" not in self.responses.columns:
            return pd.Series([], dtype=object)
        s = self.responses["saran"].fillna("").astype(str).str.strip()
        return s[s != ""]

    def saran_appendix(self) -> list[str]:
        """Lampiran 5: the saran in order, at most APPENDIX_ROWS of them and
        APPENDIX_CHARS characters in all (a unit too large for the document keeps the rest
        in its processed data), escaped for markdown."""
        shown, used = [], 0
        for text in self._saran_texts().head(APPENDIX_ROWS):
            used += len(text)
            if shown and used > APPENDIX_CHARS:
                break
            shown.append(escape(text))
        return shown

    def saran_note(self) -> str | None:
        """What Lampiran 5 leaves out, or None when it holds every saran."""
        total, shown = len(self._saran_texts()), len(self.saran_appendix())
        if shown == total:
            return None
        return (
            f"Lampiran ini memuat {nf.angka(shown, 0)} saran pertama dari "
            f"{nf.angka(total, 0)} saran; jumlahnya terlalu besar untuk dicetak. Seluruh "
            "saran tersimpan dalam data olahan unit ini (data jawaban responden)."
        )

    def saran_where(self) -> str:
        """Where the saran are printed, for the sentence of 4.1."""
        if self.saran_note() is None:
            return "seluruhnya dimuat pada Lampiran 5"
        return (
            f"{nf.angka(len(self.saran_appendix()), 0)} di antaranya dimuat pada Lampiran 5 "
            "dan seluruhnya tersimpan dalam data olahan"
        )

    def rejected_note(self) -> str | None:
        """What Lampiran 6 leaves out, or None when it lists every problem."""
        if len(self.rejected) <= APPENDIX_ROWS:
            return None
        return (
            f"Tabel memuat {nf.angka(APPENDIX_ROWS, 0)} masalah pertama dari "
            f"{nf.angka(len(self.rejected), 0)}; seluruhnya tercantum dalam data olahan "
            "unit ini (daftar isian yang tidak diolah)."
        )

    def rejected_where(self) -> str:
        """Where the rejected rows are listed, for the sentence of 3.1."""
        if self.rejected_note() is None:
            return "setiap isian tersebut beserta alasannya tercantum pada Lampiran 6"
        return (
            f"{nf.angka(APPENDIX_ROWS, 0)} masalah pertama tercantum pada Lampiran 6 dan "
            "seluruhnya, dengan alasannya, dalam data olahan unit ini"
        )

    def saran_tema(self) -> tuple[list[dict], list[str]]:
        """Suggestions grouped by the keyword dictionary (config.yaml / unit.yaml `saran_tema`):
        [{tema, unsur, saran: [...]}] in dictionary order (themes with no match left out), and
        the suggestions that match no theme. A suggestion may belong to several themes."""
        return self._saran_groups

    @cached_property
    def _saran_groups(self) -> tuple[list[dict], list[str]]:
        # Keywords are matched on the saran as written (escaping would put backslashes into
        # "lapor.go.id" or "SP4N-LAPOR!"); the groups hold the escaped text the document prints.
        raw = self._saran_texts().tolist()
        groups, matched = [], set()
        for t in self.settings.get("saran_tema") or []:
            pattern = re.compile(
                "|".join(r"(?<!\w)" + re.escape(k.strip()) + r"(?!\w)" for k in t["kata_kunci"]),
                re.IGNORECASE,
            )
            hits = [i for i, x in enumerate(raw) if pattern.search(x)]
            if hits:
                groups.append(
                    {
                        "tema": t["tema"],
                        "unsur": list(t.get("unsur") or []),
                        "saran": [escape(raw[i]) for i in hits],
                    }
                )
                matched.update(hits)
        return groups, [escape(x) for i, x in enumerate(raw) if i not in matched]

    def saran_tema_table(self) -> str:
        """4.1: number of suggestions per theme and the unsur each theme points at."""
        groups, _ = self.saran_tema()
        body = [
            [
                escape(g["tema"]),
                nf.daftar([f"{UNSUR_NAMES[c]} ({c})" for c in g["unsur"]]) or "–",
                nf.angka(len(g["saran"]), 0),
            ]
            for g in sorted(groups, key=lambda g: -len(g["saran"]))
        ]
        return table(
            body,
            ["Tema saran", "Unsur terkait", "Jumlah saran"],
            align="llr",
            widths=[40, 45, 15],
            raw=True,
        )

    def saran_kalimat(self) -> str:
        """4.1: how many suggestions, how they were grouped, and the ones matching no theme."""
        saran = self.saran_list()
        if not saran:
            return "Tidak ada saran atau masukan tertulis dari responden melalui kuesioner."
        groups, _ = self.saran_tema()
        text = (
            f"Dari kuesioner diterima {nf.angka(len(saran), 0)} saran dan masukan responden; "
            f"{self.saran_where()} (data pribadi seperti nomor telepon dan alamat "
            "surel telah disamarkan)."
        )
        if not groups:
            return text + (
                " Tidak ada saran yang memuat kata kunci dari daftar tema saran, "
                "sehingga saran tidak dikelompokkan menurut tema."
            )
        text += (
            " Saran dikelompokkan menurut tema berdasarkan daftar kata kunci setiap tema; "
            "satu saran dapat masuk lebih dari satu tema. Hasilnya disajikan pada "
            "@tbl-saran-tema."
        )
        perbaikan = [g for g in groups if g["unsur"]]
        if perbaikan:
            most = max(len(g["saran"]) for g in perbaikan)
            top = [g for g in perbaikan if len(g["saran"]) == most]
            named = nf.daftar(
                [
                    f"{escape(g['tema']).lower()} (unsur "
                    f"{nf.daftar([UNSUR_SHORT[c] for c in g['unsur']])})"
                    for g in top
                ]
            )
            each = "masing-masing " if len(top) > 1 else ""
            text += (
                " Tema perbaikan yang paling banyak disampaikan adalah "
                f"{named}, {each}{nf.angka(most, 0)} saran."
            )
        return text

    def saran_lain(self, limit: int = 30) -> str:
        """The suggestions that match no theme, listed (empty string when there are none): at
        most `limit` of them and APPENDIX_CHARS characters in all, with a note on where the
        rest are."""
        groups, rest = self.saran_tema()
        if not rest or not groups:
            return ""
        shown, used = [], 0
        for text in rest[:limit]:
            used += len(text)
            if shown and used > APPENDIX_CHARS:
                break
            shown.append(text)
        text = (
            f"Saran yang tidak termasuk tema mana pun ({nf.angka(len(rest), 0)}):\n\n"
            + "\n".join(f"- {x}" for x in shown)
        )
        if len(rest) > len(shown):
            text += (
                f"\n\n{nf.angka(len(rest) - len(shown), 0)} saran lainnya yang tidak "
                f"termasuk tema mana pun {self._saran_rest_where()}."
            )
        return text

    def _saran_rest_where(self) -> str:
        """Where saran not printed in 4.1 can be read."""
        if self.saran_note() is None:
            return "dimuat bersama seluruh saran pada Lampiran 5"
        return (
            "dapat dibaca pada Lampiran 5 (sebagian) dan seluruhnya tersimpan dalam data "
            "olahan unit"
        )

    def pengaduan_list(self) -> list[str]:
        """Complaints from other channels (survei.yaml), with channel, count and status when given."""
        out = []
        for c in self.survei.get("complaints") or []:
            if isinstance(c, str):
                out.append(escape(c))
                continue
            extra = []
            if c.get("kanal"):
                extra.append(f"melalui {escape(c['kanal'])}")
            if c.get("jumlah"):
                extra.append(f"{nf.angka(c['jumlah'], 0)} kali")
            if c.get("status"):
                extra.append(f"status: {escape(c['status'])}")
            out.append(escape(c["uraian"]) + (f" ({'; '.join(extra)})" if extra else ""))
        return out

    def layanan_kalimat(self) -> str:
        """3.3: the lowest layanan with its value, and every mutu whose 95 % interval (analisis
        tambahan, from that layanan's respondents) crosses a mutu boundary."""
        groups = {k: g for k, g in self.ikm["by_layanan"].items() if g.get("ikm_konversi")}
        if not groups:
            return ""
        text = "Nilai IKM per jenis layanan disajikan pada @tbl-layanan dan @fig-layanan."
        if len(groups) > 1:
            low_value = min(Decimal(g["display"]["ikm_konversi"]) for g in groups.values())
            lows = [
                k for k, g in groups.items() if Decimal(g["display"]["ikm_konversi"]) == low_value
            ]
            text += (
                " Nilai terendah diperoleh layanan "
                + nf.daftar([escape(k) for k in lows])
                + f" ({nf.angka(low_value)}, mutu {groups[lows[0]]['mutu']})."
            )
        uncertain = []
        for k, g in groups.items():
            ci = self._group_ci(k)
            if ci is None:
                uncertain.append(
                    f"{escape(k)} (mutu {g['mutu']} dari {nf.angka(g['n'], 0)} "
                    "responden; interval tidak dapat dihitung)"
                )
            elif ci["crossed"]:
                uncertain.append(
                    f"{escape(k)} (mutu {g['mutu']} dari {nf.angka(g['n'], 0)} "
                    f"responden, interval 95% {nf.angka(ci['low'])} – "
                    f"{nf.angka(ci['high'])})"
                )
        if uncertain:
            text += (
                " Karena jumlah responden per jenis layanan kecil, mutu layanan berikut belum pasti "
                "(interval kepercayaan 95% melintasi batas mutu; analisis tambahan): "
                + nf.daftar(uncertain)
                + "."
            )
            text += (
                " Interval per jenis layanan dihitung tanpa faktor koreksi populasi "
                "terbatas karena jumlah penerima setiap jenis layanan tidak diketahui "
                "(populasi hanya diperkirakan untuk unit pelayanan secara keseluruhan), "
                "sehingga interval tersebut sedikit lebih lebar daripada interval IKM unit."
            )
        return text

    def _group_ci(self, layanan: str) -> dict | None:
        """95 % interval of one layanan's IKM konversi, without the finite-population factor
        (the population per layanan is unknown; layanan_kalimat says so)."""
        if "layanan" not in self.responses.columns:
            return None
        sub = self.responses[self.responses["layanan"] == layanan]
        rows = []
        for code in UNSUR_CODES:
            y = pd.to_numeric(sub[code], errors="coerce")
            n = int(y.notna().sum())
            rows.append({"code": code, "n": n, "nrr": float(y.mean()) if n else 0.0})
        if len(sub) < 2 or any(r["n"] == 0 for r in rows):
            return None
        se = confidence_interval(sub, rows, None)["se"]
        konv = Decimal(self.ikm["by_layanan"][layanan]["display"]["ikm_konversi"])
        low = round_half_up(max(25.0, float(konv) - 1.96 * se), 2)
        high = round_half_up(min(100.0, float(konv) + 1.96 * se), 2)
        crossed = [t for t in MUTU_THRESHOLDS if low < t <= high]
        return {"low": low, "high": high, "crossed": crossed}

    def rtl_draft_table(self) -> str:
        """4.2 before an RTL exists: the three lowest unsur prefilled, to be decided in the FKP."""
        body = []
        i = 1
        for group in self.terendah():
            for u in group:
                body.append(
                    [
                        f"{i}",
                        (f"{escape(u['name'])} ({u['code']}, NRR {nf.angka(u['display']['nrr'])})"),
                        "*(diisi setelah FKP)*",
                        "",
                        "",
                        "",
                        "",
                        "*(diisi setelah FKP)*",
                    ]
                )
                i += 1
        return table(
            body,
            [
                "No.",
                "Prioritas Unsur",
                "Program/Kegiatan",
                "TW I",
                "TW II",
                "TW III",
                "TW IV",
                "Penanggung Jawab",
            ],
            align="lllccccl",
            widths=[5, 26, 27, 7, 7, 7, 7, 14],
            raw=True,
        )

    # -- 4.4 Analisis tambahan -------------------------------------------------------------
    def ci_kalimat(self) -> str:
        """The 95 % interval and whether the mutu is certain at that precision."""
        t = self.ikm["analisis_tambahan"]
        if not t.get("ikm_konversi_ci95"):
            return "Interval kepercayaan tidak dapat dihitung (responden kurang dari dua)."
        d = t["display"]
        text = (
            f"Dengan {nf.angka(self.n, 0)} responden dari populasi "
            f"{nf.angka(self.ikm['sample']['population'], 0)}, interval kepercayaan 95% nilai "
            f"IKM adalah {nf.angka(d['ci_low'])} – {nf.angka(d['ci_high'])} (galat baku "
            f"{nf.angka(d['se'])})."
        )
        if t["mutu_certain"]:
            text += (
                f" Seluruh interval berada dalam rentang mutu {self.mutu}, sehingga galat "
                "pengambilan sampel saja tidak mengubah mutu pelayanan."
            )
        else:
            text += (
                " Interval tersebut melintasi batas mutu "
                + nf.daftar([nf.angka(x) for x in t["thresholds_crossed"]])
                + f", sehingga mutu pelayanan belum pasti pada tingkat ketelitian ini "
                f"(dapat berada pada mutu {nf.daftar(t['mutu_range'], 'atau')})."
            )
        text += (
            " Interval ini dihitung dengan faktor koreksi populasi terbatas dan mengandaikan "
            "responden dipilih secara acak dari seluruh penerima layanan, sedangkan "
            "responden survei ini mengisi kuesioner atas kemauan sendiri (subbab 2.3). "
            "Kemungkinan bias karena cara responden terpilih tidak tercakup dalam interval."
        )
        if not self.ikm["sample"]["adequate"]:
            text += (
                " Jumlah responden juga belum memenuhi sampel minimum (subbab 2.5), sehingga "
                "mutu pelayanan belum dapat dinyatakan pasti mewakili seluruh penerima "
                "layanan."
            )
        return text

    def funnel_table(self) -> str:
        """Rows received, duplicates, out of period, invalid, scored."""
        f = self.quality["funnel"]
        labels = [
            ("diterima", "Baris diterima dari ekspor"),
            ("duplikat", "Duplikat persis"),
            ("di_luar_periode", "Di luar periode survei"),
            ("tidak_valid", "Tidak valid (stempel waktu atau jawaban)"),
            ("diolah", "Diolah (dihitung dalam IKM)"),
        ]
        return table(
            [[t, nf.angka(f[k], 0)] for k, t in labels], ["Tahap", "Jumlah Baris"], align="lr"
        )

    def nonresponse_table(self) -> str:
        """Blank answers per unsur among scored rows."""
        nr = self.quality.get("item_nonresponse", {})
        return table(
            [
                [
                    u["code"],
                    escape(u["name"]),
                    nf.angka(nr.get(u["code"], 0), 0),
                    nf.angka(u["n"], 0),
                ]
                for u in self.ikm["unsur"]
            ],
            ["Kode", "Unsur", "Jawaban Kosong", "Jawaban Dihitung"],
            align="llrr",
            raw=True,
        )

    def glyph_kalimat(self, limit: int = 10) -> str:
        """Characters of the respondents' data (saran, answers, rejected rows) that no font of
        the PDF can draw, counted; the PDF shows each as a square. Empty when there are none."""
        texts = [*self.saran_list(), self.rejected_table() if len(self.rejected) else ""]
        for column in ("layanan", "jenis_kelamin", "usia", "pendidikan", "pekerjaan"):
            if column in self.responses.columns:
                texts += [escape(v) for v in self.responses[column].dropna().unique()]
        missing = missing_glyphs("\n".join(texts))
        if not missing:
            return ""
        shown = [
            f"{escape(ch)} (U+{ord(ch):04X}, {nf.angka(n, 0)} kali)"
            for ch, n in list(missing.items())[:limit]
        ]
        if len(missing) > limit:
            shown.append(f"{nf.angka(len(missing) - limit, 0)} jenis karakter lainnya")
        return (
            f"Sebanyak {nf.angka(sum(missing.values()), 0)} karakter dalam isian responden "
            "tidak tersedia pada huruf (font) dokumen PDF dan di sana ditampilkan sebagai "
            f"{MISSING_GLYPH}: {nf.daftar(shown)}. Versi HTML dan DOCX memuat karakter "
            "aslinya."
        )

    def date_rules(self) -> list[str]:
        """How each export's dates were read, who set the day/month order, and why a large
        share of rejected rows was accepted."""
        out = []
        for f in self.quality.get("files", []):
            out.append(
                f"{escape(f['file'])}: {nf.angka(f['rows'], 0)} baris; "
                f"{escape(str(f.get('date_order_rule', '')))}"
            )
        setting = self.quality.get("date_order", {})
        if setting.get("setting"):
            used = any(
                f.get("date_order_rule", "").find("pengaturan") >= 0
                for f in self.quality.get("files", [])
            )
            out.append(
                f"Urutan hari/bulan ditetapkan dalam pengaturan unit "
                f"({escape(setting['setting'])}, pada {escape(str(setting.get('source')))})"
                + ("" if used else "; tidak dipakai karena urutan ditentukan oleh data")
            )
        else:
            out.append(
                "Urutan hari/bulan tidak ditetapkan dalam pengaturan unit; urutannya "
                "ditentukan dari data setiap berkas."
            )
        accepted = self.quality.get("accept_rejected")
        if accepted:
            out.append(
                f"Sebanyak {nf.persen(accepted['display_pct'])} baris "
                "ditolak (tidak valid atau di luar periode), lebih dari separuh; laporan "
                "tetap disusun atas keputusan unit dengan alasan berikut. "
                f"{escape(accepted['reason'])}"
            )
        return out

    # -- Lampiran --------------------------------------------------------------------------
    def _headers(self) -> dict[str, str]:
        """field -> header text as found in the exports (first file first), else as mapped."""
        found: dict[str, str] = {}
        for f in self.quality.get("files", []):
            for field, header in (f.get("columns") or {}).items():
                found.setdefault(field, header)
        for header, field in self.settings["columns"].items():
            found.setdefault(field, header)
        return found

    def kuesioner_identitas(self) -> list[tuple[str, list[str]]]:
        """(question as on the form, options) of the respondent-profile fields asked."""
        headers = self._headers()
        out = []
        for field in ("layanan", "jenis_kelamin", "usia", "pendidikan", "pekerjaan"):
            if field in self.ikm["demografi"]:
                if field == "layanan":
                    opts = self.settings.get("layanan", [])
                else:
                    opts = [c["label"] for c in self.settings["demografi"].get(field, [])]
                out.append((headers.get(field, FIELD_TITLES[field]), opts))
        return out

    def kuesioner_unsur(self) -> list[tuple[str, str, list[str]]]:
        """(unsur code, question as on the form, 'label (score)' options) for U1..U9."""
        headers = self._headers()
        return [
            (
                code,
                headers.get(code, code),
                [f"{lab} ({score})" for score, lab in enumerate(self.settings["labels"][code], 1)],
            )
            for code in UNSUR_CODES
        ]

    def kuesioner_saran(self) -> str | None:
        """The free-text question, if the form asks one."""
        return self._headers().get("saran") if "saran" in self._headers() else None

    def matrix_fits(self, limit: int = 150) -> bool:
        """Whether the respondent x unsur matrix is printed in full (else only in the XLSX)."""
        return self.n <= limit

    def matrix_table(self) -> str:
        """Lampiran 2: respondent x U1..U9 with jumlah nilai, NRR, NRR tertimbang, IKM."""
        body = []
        if self.matrix_fits():
            for i, row in enumerate(self.responses.itertuples(index=False), 1):
                body.append(
                    [str(i)]
                    + [
                        "" if pd.isna(getattr(row, c)) else str(int(getattr(row, c)))
                        for c in UNSUR_CODES
                    ]
                )
        u = self.ikm["unsur"]
        body.append(["**Jumlah nilai**"] + [nf.angka(x["sum"], 0) for x in u])
        body.append(["**NRR**"] + [nf.angka(x["display"]["nrr"]) for x in u])
        body.append(
            ["**NRR tertimbang**"] + [nf.angka(x["display"]["nrr_tertimbang"], 3) for x in u]
        )
        body.append(["**IKM**", f"**{nf.angka(self.ikm['display']['ikm'], 3)}**"] + [""] * 8)
        body.append(["**IKM × 25**", f"**{self.ikm_konversi}**"] + [""] * 8)
        return table(body, ["Responden", *UNSUR_CODES], align="l" + "r" * 9, raw=True)

    def rejected_table(self) -> str:
        """Lampiran: every rejected row with its reason."""
        rows = [
            [
                escape(r.file),
                r.raw_row,
                escape(r.column),
                escape(_cut(str(r.value), REJECTED_VALUE_CHARS)),
                escape(r.reason),
            ]
            for r in self.rejected.head(APPENDIX_ROWS).itertuples(index=False)
        ]
        return table(
            rows,
            ["File", "Baris", "Kolom", "Isian", "Alasan"],
            align="lrlll",
            widths=[0.18, 0.07, 0.2, 0.15, 0.4],
            raw=True,
        )

    # -- 4.3, Lampiran 3 and 7 ----------------------------------------------------------
    @staticmethod
    def tren_table(tren: dict) -> str:
        """4.3: IKM per year with its source."""
        body = []
        for r in tren["rows"]:
            n = nf.angka(r["n"], 0) if r.get("n") else "–"
            body.append([str(r["year"]), nf.angka(r["display"]), r["mutu"], n, escape(r["source"])])
        return table(body, ["Tahun", "IKM", "Mutu", "Responden", "Sumber"], align="lrcrl", raw=True)

    def dokumentasi(self, foto_dir: str) -> str:
        """Lampiran 3: the documentation photos (metadata removed) with their captions."""
        docs = self.survei.get("documentation") or []
        if not docs:
            return "Tidak ada foto dokumentasi yang dilampirkan untuk periode ini."
        parts = []
        for i, d in enumerate(docs, 1):
            raw = self.root / (self.settings.get("year_dir") or ".") / "dokumentasi" / d["file"]
            path, label = photo_entry(foto_dir, raw)
            if not path.exists():
                parts.append(
                    f"Foto {i}: berkas {escape(label)} tidak ditemukan di folder dokumentasi."
                )
                continue
            parts.append(
                image(
                    path,
                    f"Foto {i}. {d['caption']}",
                    alt=f"Foto dokumentasi {i}: {d['caption']}",
                    width="70%",
                )
            )
        return "\n\n".join(parts)

    @staticmethod
    def provenance_table(prov: dict) -> str:
        """Lampiran 7: every input file with its size and SHA-256."""
        body = [
            [
                escape(file_label(i["path"], i["sha256"][:12])),
                nf.angka(i["bytes"], 0),
                " ".join(i["sha256"][k : k + 16] for k in range(0, 64, 16)),
            ]
            for i in prov["inputs"]
        ]
        return table(
            body,
            ["Berkas masukan", "Ukuran (bita)", "SHA-256"],
            align="lrl",
            widths=[0.38, 0.12, 0.5],
            raw=True,
        )


def _project_root(settings_file: Path, settings: dict) -> Path:
    """The folder `settings`' relative year_dir is relative to (the workflow's working
    directory): the nearest parent of settings.json holding it, else the current one."""
    year_dir = settings.get("year_dir")
    if year_dir and not Path(year_dir).is_absolute():
        for parent in settings_file.resolve().parents:
            if (parent / year_dir).is_dir():
                return parent
    return Path(".")


def rekonsiliasi(ikm: dict, published: dict) -> dict:
    """Compare a value the unit published for this year with the data (DOMAIN.md).

    official: recomputed at weight 1/9 (ikm.json's printed value); legacy: 25 x 0,11 x the sum
    of the exact NRR, rounded half-up once. The verdict, by rule: equal at two decimals to the
    official value: 'sama'; to the legacy value: 'bobot'; otherwise 'lain' with the difference.
    """
    pub = round_half_up(published["ikm_konversi"], 2)
    official = Decimal(ikm["display"]["ikm_konversi"])
    total = sum(Fraction(*u["exact"]["nrr"]) for u in ikm["unsur"])
    legacy = round_half_up(KONVERSI * LEGACY_WEIGHT * total, 2)
    if pub == official:
        verdict = "sama"
    elif pub == legacy:
        verdict = "bobot"
    else:
        verdict = "lain"
    return {
        "published": pub,
        "official": official,
        "legacy": legacy,
        "verdict": verdict,
        "diff": pub - official,
        "source": published["source"],
        "year": published["year"],
        "n": published.get("n"),
    }


def _signed(value: Decimal) -> str:
    """'+0,83' / '−0,83' (a true minus sign) / '0,00'."""
    if value == 0:
        return nf.angka(abs(value))
    return ("+" if value > 0 else "−") + nf.angka(abs(value))


def _tanggal_list(days: list) -> str:
    """'19, 20, dan 21 April 2023' / '22 Maret 2023': days of one month share its name."""
    months: dict[tuple[int, int], list] = {}
    for day in sorted(days):
        months.setdefault((day.year, day.month), []).append(day)
    parts = [
        nf.daftar([str(d.day) for d in ds]) + " " + nf.bulan_tahun(ds[0]) for ds in months.values()
    ]
    return nf.daftar(parts)


def _dec(value: Decimal) -> str:
    """A Decimal printed with its own number of decimals ('2,5996', '3,064', '1,00')."""
    return nf.angka(value, max(0, -value.as_tuple().exponent))


def cover_metadata(settings: dict, title: str, tl: dict | None = None) -> dict:
    """Front matter of one unit-year's document: title, cover lines, optional logo.

    With `tl` (tindak_lanjut.json) it is the realisation report's cover: the period runs from
    the first to the last realisation date, and the year line names the survey it follows."""
    period = settings["period"]
    cover = {
        "agency": settings.get("parent") or "",
        "unit": settings["name"],
        "period": "Periode " + nf.periode(period["start"], period["end"]),
        "year": f"Tahun {settings['year']}",
    }
    if tl is not None:
        cover["period"] = (
            f"Periode realisasi {nf.periode(*tl['period'])}"
            if tl.get("period")
            else "Periode realisasi: tanggal pelaksanaan belum diisi"
        )
        cover["year"] = f"Tindak lanjut hasil SKM tahun {settings['year']}"
    if settings.get("logo"):
        from skm.ingest.settings import logo_file

        cover["logo"] = str(logo_file(settings))  # checked: an image inside the unit folder
    return {"title": title, "cover": {k: v for k, v in cover.items() if v}}
