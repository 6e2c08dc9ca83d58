"""BAB III and IV: the unsur and IKM tables, the sentences that state the result, per layanan, the interval."""

from __future__ import annotations

from decimal import Decimal

import pandas as pd

from skm import numfmt as nf
from skm.domain import (
    BANDS,
    MUTU_THRESHOLDS,
    NILAI_INTERVAL,
    NILAI_PERSEPSI,
    UNSUR_CODES,
    round_half_up,
)
from skm.report.markdown import escape, table
from skm.scoring.ikm import confidence_interval
from skm.scoring.ranking import highest, lowest


class UnsurPart:
    """Methods of `Laporan` (unsur)."""

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

    def unsur_note(self) -> str:
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

    def ikm_sentence(self) -> str:
        """Headline sentence: the unit's IKM, mutu and kinerja."""
        return (
            f"Nilai IKM {self.name} tahun {self.year} adalah "
            f"**{self.ikm_konversi}**, dengan mutu pelayanan **{self.mutu}** "
            f"(kinerja unit pelayanan **{self.kinerja}**), dihitung dari {nf.angka(self.n, 0)} "
            f"responden."
        )

    def formula_sentence(self) -> str:
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
                    f"{nf.desimal(lo)} – {nf.desimal(hi)}",
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
            why = self.column_status("layanan") if key == "by_layanan" else None
            body.append([f"*({why or 'tidak ada data'})*", "–", "–", "–"])
        return table(body, [title, "Jumlah Responden", "IKM", "Mutu"], align="lrrc", raw=True)

    # -- BAB IV ----------------------------------------------------------------------------
    @staticmethod
    def group_text(group: list[dict]) -> str:
        names = nf.daftar([u["short"] for u in group])
        value = nf.angka(group[0]["display"]["nrr"])
        if len(group) == 1:
            return f"{names} ({group[0]['code']}) dengan NRR {value}"
        codes = nf.daftar([u["code"] for u in group])
        return f"{names} ({codes}) yang sama-sama memperoleh NRR {value}"

    def lowest_unsur(self) -> list[list[dict]]:
        """Tie groups of the three lowest unsur."""
        return lowest(self.ikm["unsur"], 3)

    def highest_unsur(self) -> list[list[dict]]:
        """Tie groups of the three highest unsur."""
        return highest(self.ikm["unsur"], 3)

    def analysis_sentences(self) -> list[str]:
        """4.1: the weakest and strongest unsur, ties named together."""
        low = self.lowest_unsur()
        high = self.highest_unsur()
        n_low = sum(len(g) for g in low)
        n_high = sum(len(g) for g in high)
        lo = "; ".join(self.group_text(g) for g in low)
        hi = "; ".join(self.group_text(g) for g in high)
        tie_note = " (karena ada nilai yang sama, jumlahnya lebih dari tiga)" if n_low > 3 else ""
        tie_note_hi = (
            " (karena ada nilai yang sama, jumlahnya lebih dari tiga)" if n_high > 3 else ""
        )
        return [
            f"Unsur dengan nilai terendah{tie_note}, berurutan dari yang paling rendah: {lo}.",
            f"Unsur dengan nilai tertinggi{tie_note_hi}, berurutan dari yang paling tinggi: {hi}.",
        ]

    def layanan_sentence(self) -> str:
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
            ci = self._layanan_ci(k)
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

    def _layanan_ci(self, layanan: str) -> dict | None:
        """95 % interval of one layanan's IKM konversi, without the finite-population factor
        (the population per layanan is unknown; layanan_sentence says so)."""
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
        for group in self.lowest_unsur():
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
    def ci_sentence(self) -> str:
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
