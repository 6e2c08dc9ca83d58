"""BAB II: the survey team and its decree, the schedule in working days, the sample (Krejcie-Morgan)."""

from __future__ import annotations

from skm import numfmt as nf
from skm.ingest.images import photo_entry
from skm.report.kalender import hari_kerja, schedule_warnings, years_without_cuti_bersama
from skm.report.markdown import escape, image, table


class FieldworkPart:
    """Methods of `Laporan` (fieldwork)."""

    # -- BAB II ----------------------------------------------------------------------------
    def period(self) -> str:
        """'1 Februari 2023 – 30 April 2023'."""
        p = self.ikm["period"]
        return nf.periode(p["start"], p["end"])

    def schedule_rows(self) -> list[dict]:
        """2.4 rows: activity, time as printed, working days (computed from mulai/selesai when
        given: Monday-Friday minus national holidays and cuti bersama), and what differs."""
        rows = self.survey.get("schedule") or []
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

    def schedule_table(self) -> str:
        """Table 2.4: activities, time, working days."""
        rows = self.schedule_rows()
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

    def schedule_note(self) -> str:
        """Note under Table 2.4: how working days were counted, the days removed, and every
        typed hari_kerja that disagrees with the calendar (a warning)."""
        parts = []
        computed = [r for r in self.schedule_rows() if r["computed"]]
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
                        f"{escape(name)} ({_date_list(days)})" for name, days in by_name.items()
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
        for w in schedule_warnings(self.survey.get("schedule"), source=None):
            parts.append(f"**Peringatan:** {escape(w)}")
        return "\n\n".join(parts)

    def team_sentence(self) -> str:
        """2.1: the team text, and the decree that formed it (attached only when its scan is)."""
        sv = self.survey
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
                sentence += f"; salinannya dimuat pada Lampiran {self.DECREE_APPENDIX}"
            text += " " + sentence + "."
        return text

    #: Number of the lampiran that holds the team decree's scan, when given.
    DECREE_APPENDIX = 8

    def decree_appendix(self, foto_dir: str) -> str:
        """The decree's scan (cleaned like the photos), or '' when no scan is given."""
        sk = self.survey.get("team_decree") or {}
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

    # -- 2.5 the sample: every sentence about it is written here -------------------------
    def _sample_counts(self) -> tuple[str, str, str, str]:
        """Population, Krejcie-Morgan minimum, achieved n (formatted), and whether it suffices
        ('memenuhi' / 'belum memenuhi')."""
        s = self.ikm["sample"]
        return (
            nf.angka(s["population"], 0),
            nf.angka(s["required"], 0),
            nf.angka(s["achieved"], 0),
            "memenuhi" if s["adequate"] else "belum memenuhi",
        )

    def sample_sentence(self) -> str:
        """2.5: population, Krejcie-Morgan minimum, achieved n and whether it suffices."""
        s = self.ikm["sample"]
        pop, req, got, _ = self._sample_counts()
        first = (
            f"Populasi, yaitu jumlah penerima layanan {self.name} dalam satu tahun, diperkirakan "
            f"sebanyak {pop} orang. Berdasarkan tabel Krejcie dan Morgan (1970), dengan tingkat "
            f"kepercayaan 95% (χ² = 3,841), proporsi 0,5 dan tingkat kesalahan 5%, jumlah sampel "
            f"minimum untuk populasi {pop} orang adalah {req} responden."
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

    def sample_summary(self) -> str:
        """The sample in the Ringkasan's cell: '72 orang; sampel minimum 70 responden ...'."""
        pop, req, got, verdict = self._sample_counts()
        return (
            f"{got} orang; sampel minimum {req} responden untuk populasi {pop} orang per tahun "
            f"({verdict})"
        )

    def sample_conclusion(self) -> str:
        """The sample as a conclusion of BAB V."""
        pop, req, got, verdict = self._sample_counts()
        return (
            f"Jumlah responden {got} orang {verdict} jumlah sampel minimum {req} responden "
            f"menurut tabel Krejcie dan Morgan untuk populasi {pop} orang per tahun."
        )


def _date_list(days: list) -> str:
    """'19, 20, dan 21 April 2023' / '22 Maret 2023': days of one month share its name."""
    months: dict[tuple[int, int], list] = {}
    for day in sorted(days):
        months.setdefault((day.year, day.month), []).append(day)
    parts = [
        nf.daftar([str(d.day) for d in ds]) + " " + nf.bulan_tahun(ds[0]) for ds in months.values()
    ]
    return nf.daftar(parts)
