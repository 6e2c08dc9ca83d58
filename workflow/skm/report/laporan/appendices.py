"""Lampiran 1, 2, 3, 6 and 7: questionnaire, respondent matrix, photos, rejected rows, provenance; 4.3's tren table."""

from __future__ import annotations

import pandas as pd

from skm import numfmt as nf
from skm.domain import (
    UNSUR_CODES,
)
from skm.ingest.images import photo_entry
from skm.ingest.redact import file_label
from skm.report.laporan.base import FIELD_TITLES
from skm.report.markdown import escape, image, table

#: Characters of a rejected cell shown in Lampiran 6 (rejected.csv keeps up to 200).
REJECTED_VALUE_CHARS = 80


def _cut(text: str, limit: int) -> str:
    """`text`, or its first `limit` - 1 characters and an ellipsis."""
    return text if len(text) <= limit else text[: limit - 1] + "…"


class AppendicesPart:
    """Methods of `Laporan` (appendices)."""

    def rejected_note(self) -> str | None:
        """What Lampiran 6 leaves out, or None when it lists every problem."""
        if len(self.rejected) <= self.appendix_rows:
            return None
        return (
            f"Tabel memuat {nf.angka(self.appendix_rows, 0)} masalah pertama dari "
            f"{nf.angka(len(self.rejected), 0)}; seluruhnya tercantum dalam data olahan "
            "unit ini (daftar isian yang tidak diolah)."
        )

    def rejected_where(self) -> str:
        """Where the rejected rows are listed, for the sentence of 3.1."""
        if self.rejected_note() is None:
            return "setiap isian tersebut beserta alasannya tercantum pada Lampiran 6"
        return (
            f"{nf.angka(self.appendix_rows, 0)} masalah pertama tercantum pada Lampiran 6 dan "
            "seluruhnya, dengan alasannya, dalam data olahan unit ini"
        )

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

    def questionnaire_profile(self) -> list[tuple[str, list[str]]]:
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

    def questionnaire_unsur(self) -> list[tuple[str, str, list[str]]]:
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

    def questionnaire_saran(self) -> str | None:
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
            for r in self.rejected.head(self.appendix_rows).itertuples(index=False)
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

    def documentation(self, foto_dir: str) -> str:
        """Lampiran 3: the documentation photos (metadata removed) with their captions."""
        docs = self.survey.get("documentation") or []
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
