"""BAB IV 4.1 and Lampiran 5: the saran, grouped by theme, bounded in size, and complaints from other channels."""

from __future__ import annotations

import re
from functools import cached_property

import pandas as pd

from skm import numfmt as nf
from skm.domain import (
    UNSUR_NAMES,
    UNSUR_SHORT,
)
from skm.report.markdown import escape, table


class SaranPart:
    """Methods of `Laporan` (saran)."""

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
        """Lampiran 5: the saran in order, at most `appendix_rows` of them and
        `appendix_chars` characters in all (a unit too large for the document keeps the rest
        in its processed data), escaped for markdown."""
        shown, used = [], 0
        for text in self._saran_texts().head(self.appendix_rows):
            used += len(text)
            if shown and used > self.appendix_chars:
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

    def saran_themes(self) -> tuple[list[dict], list[str]]:
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

    def saran_theme_table(self) -> str:
        """4.1: number of suggestions per theme and the unsur each theme points at."""
        groups, _ = self.saran_themes()
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

    def saran_sentence(self) -> str:
        """4.1: how many suggestions, how they were grouped, and the ones matching no theme."""
        saran = self.saran_list()
        if not saran:
            return "Tidak ada saran atau masukan tertulis dari responden melalui kuesioner."
        groups, _ = self.saran_themes()
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

    def saran_unthemed(self, limit: int = 30) -> str:
        """The suggestions that match no theme, listed (empty string when there are none): at
        most `limit` of them and `appendix_chars` characters in all, with a note on where the
        rest are."""
        groups, rest = self.saran_themes()
        if not rest or not groups:
            return ""
        shown, used = [], 0
        for text in rest[:limit]:
            used += len(text)
            if shown and used > self.appendix_chars:
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

    def complaints(self) -> list[str]:
        """Complaints from other channels (survei.yaml), with channel, count and status when given."""
        out = []
        for c in self.survey.get("complaints") or []:
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
