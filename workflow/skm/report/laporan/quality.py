"""BAB IV 4.4: the data-quality funnel, blank answers, date rules and glyphs no PDF font has."""

from __future__ import annotations

from skm import numfmt as nf
from skm.render import MISSING_GLYPH, missing_glyphs
from skm.report.markdown import escape, table


class QualityPart:
    """Methods of `Laporan` (quality)."""

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

    def glyph_sentence(self, limit: int = 10) -> str:
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
