"""Ringkasan, the change from last year, and the reconciliation with a published value."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from skm import numfmt as nf
from skm.domain import (
    KONVERSI,
    LEGACY_WEIGHT,
    round_half_up,
)
from skm.report.markdown import escape, table


class SummaryPart:
    """Methods of `Laporan` (summary)."""

    # -- Ringkasan -------------------------------------------------------------------------
    def summary_table(self, tren: dict) -> str:
        """The one-page summary after the cover: result, sample, period, lowest unsur, change."""
        low = "; ".join(self.group_text(g) for g in self.lowest_unsur())
        rows = [
            ["Nilai IKM", f"**{self.ikm_konversi}**"],
            ["Mutu pelayanan", f"**{self.mutu}**"],
            ["Kinerja unit pelayanan", f"**{self.kinerja}**"],
            ["Jumlah responden", self.sample_summary()],
            ["Periode pengumpulan data", self.period()],
            ["Unsur dengan nilai terendah", low],
            ["Perubahan dari tahun sebelumnya", self.change_summary(tren)],
        ]
        entry = (tren.get("published") or {}).get(self.year)
        if entry:
            r = reconcile(self.ikm, entry)
            rows.append(
                [
                    "Nilai yang telah dipublikasikan",
                    (
                        f"{nf.angka(r['published'])}, {self.reconciliation_clause(r)}; "
                        "rekonsiliasi pada @tbl-rekonsiliasi"
                    ),
                ]
            )
        return table(rows, ["Uraian", "Hasil"], align="ll", widths=[30, 70], raw=True)

    # -- BAB V ---------------------------------------------------------------------------
    def conclusion_items(self, tren: dict) -> list[str]:
        """BAB V's numbered conclusions: the result, the lowest and highest unsur, the sample,
        and the published value when there is one."""
        items = [
            (
                f"Pelayanan publik {self.name} tahun {self.year} memperoleh nilai IKM "
                f"{self.ikm_konversi} dengan mutu pelayanan {self.mutu} (kinerja {self.kinerja})."
            ),
            "Unsur dengan nilai terendah yang menjadi prioritas perbaikan: "
            + "; ".join(self.group_text(g) for g in self.lowest_unsur())
            + ".",
            "Unsur dengan nilai tertinggi: "
            + "; ".join(self.group_text(g) for g in self.highest_unsur())
            + ".",
            self.sample_conclusion(),
        ]
        if self.reconciliation_conclusion(tren):
            items.append(self.reconciliation_conclusion(tren))
        return items

    @staticmethod
    def change_summary(tren: dict) -> str:
        """The change from last year with its noise test (analisis tambahan), in one cell."""
        c = tren.get("last_change")
        if not c:
            return "belum ada nilai tahun sebelumnya"
        d = Decimal(c["diff"])
        text = f"{nf.bertanda(d, plus=True)} poin dari tahun {c['from']} ke tahun {c['to']}; "
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

    @staticmethod
    def reconciliation_clause(r: dict) -> str:
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
            f"tidak dapat direproduksi dari data (selisih {nf.bertanda(r['diff'], plus=True)} terhadap "
            f"nilai resmi {official})"
        )

    def reconciliation_conclusion(self, tren: dict) -> str:
        """BAB V: one sentence on the published value, or '' when there is none."""
        entry = (tren.get("published") or {}).get(self.year)
        if not entry:
            return ""
        r = reconcile(self.ikm, entry)
        return (
            f"Nilai IKM tahun {self.year} yang telah dipublikasikan sebesar "
            f"{nf.angka(r['published'])} {self.reconciliation_clause(r)}. Nilai IKM yang "
            f"berlaku adalah {self.ikm_konversi}, sebagaimana direkonsiliasi pada "
            "@tbl-rekonsiliasi."
        )

    def reconciliation_md(self, tren: dict) -> str:
        """The reconciliation box of 3.2 (a captioned table and its conclusion), or '' when the
        unit published no value for this year."""
        entry = (tren.get("published") or {}).get(self.year)
        if not entry:
            return ""
        r = reconcile(self.ikm, entry)
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
                f"dari data (selisih {nf.bertanda(r['diff'], plus=True)}), baik dengan bobot 1/9 "
                "maupun dengan bobot lama 0,11. Nilai yang berlaku adalah "
                f"{nf.angka(r['official'])}, dihitung dari data survei."
            )
        intro = (
            f"{self.name} telah mempublikasikan nilai IKM tahun {self.year} sebesar "
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
                    f": Rekonsiliasi nilai IKM tahun {self.year} yang telah dipublikasikan "
                    "{#tbl-rekonsiliasi}"
                ),
                f"**Kesimpulan rekonsiliasi.** Hasil rekonsiliasi menunjukkan bahwa {kesimpulan}",
            ]
        )


def reconcile(ikm: dict, published: dict) -> dict:
    """Compare a value the unit published for this year with the data (docs/metodologi.md, M-20).

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
