"""BAB III 3.1: the respondent profile (karakteristik responden) and its notes."""

from __future__ import annotations

from skm import numfmt as nf
from skm.report.laporan.base import FIELD_TITLES
from skm.report.markdown import escape, table


class RespondentsPart:
    """Methods of `Laporan` (respondents)."""

    # -- BAB III ---------------------------------------------------------------------------
    def column_status(self, field: str) -> str | None:
        """Why an optional field has no data: "kolom tidak ditemukan" (its column is in no
        export) or "tidak ditanyakan dalam formulir" (unit.yaml `not_asked:`); None if read."""
        status = self.quality.get("kolom_opsional", {}).get(field)
        return {
            "tidak_ditemukan": "kolom tidak ditemukan",
            "tidak_ditanyakan": "tidak ditanyakan dalam formulir",
        }.get(status or "")

    def received_sentence(self) -> str:
        """3.1: questionnaires received, how many were scored, and where the rejected are."""
        q = self.quality
        scored = "seluruhnya" if self.n == q["n_raw"] else f"{nf.angka(self.n, 0)} di antaranya"
        text = (
            f"Berdasarkan hasil pengumpulan data, diterima {nf.angka(q['n_raw'], 0)} isian "
            f"kuesioner, dan {scored} memenuhi syarat untuk diolah."
        )
        if q["n_rejected"]:
            text += (
                f" Sebanyak {nf.angka(q['n_rejected'], 0)} isian tidak diolah; "
                f"{self.rejected_where()}."
            )
        return text

    def respondent_profile_table(self) -> str:
        """Table 3.1: respondents by characteristic, counts and percentages; a field without
        data says why (`column_status`)."""
        body = []
        fields = [
            f
            for f in ("jenis_kelamin", "usia", "pendidikan", "pekerjaan", "layanan")
            if f in self.ikm["demografi"] or self.column_status(f)
        ]
        for i, field in enumerate(fields, 1):
            if field not in self.ikm["demografi"]:
                body.append(
                    [f"{i}", FIELD_TITLES[field], f"*({self.column_status(field)})*", "–", "–"]
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

    def respondent_profile_note(self) -> str:
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
        if self.layanan_note():
            notes.append(self.layanan_note())
        return " ".join(notes)

    def layanan_note(self) -> str:
        """Footnote of the layanan tables when respondents could tick several layanan."""
        if not self.ikm["demografi"].get("layanan", {}).get("multiple"):
            return ""
        return (
            "Jenis layanan dapat dipilih lebih dari satu; seorang responden dihitung pada "
            "setiap layanan yang dipilihnya, sehingga persentase per jenis layanan (terhadap "
            "seluruh responden) dapat berjumlah lebih dari 100% dan jumlah responden per "
            "layanan lebih dari jumlah responden."
        )

    def gender_sentence(self) -> str:
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
