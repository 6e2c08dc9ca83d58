"""The regulation's category table (sheet 'Kategori mutu'), the LOOKUP ranges into it, and the
sheet 'Cara membaca' that opens every workbook."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from skm.domain import BANDS
from skm.report.xlsx.book import FMT_2, Book

BAND_SHEET = "Kategori mutu"


@dataclass
class Bands:
    """Ranges of the category table, for LOOKUP formulas."""

    low: str
    mutu: str
    kinerja: str

    def mutu_of(self, cell: str) -> str:
        return f"LOOKUP({cell},{self.low},{self.mutu})"

    def kinerja_of(self, cell: str) -> str:
        return f"LOOKUP({cell},{self.low},{self.kinerja})"


def _band_ranges() -> Bands:
    first, last = 4, 3 + len(BANDS)  # 1-based rows of the table `band_sheet` writes
    q = f"'{BAND_SHEET}'!"
    return Bands(f"{q}$A${first}:$A${last}", f"{q}$C${first}:$C${last}", f"{q}$D${first}:$D${last}")


#: Where `band_sheet` puts the table: the formulas of every sheet look the mutu up here.
BAND_RANGES = _band_ranges()


def band_sheet(book: Book) -> Bands:
    """The regulation's category table (written last: constant_memory writes sheets in order,
    and the formulas before it only name `BAND_RANGES`)."""
    ws = book.sheet(BAND_SHEET, 2, [16, 16, 8, 18], "Kategori mutu pelayanan (PermenPANRB 14/2017)")
    book.header(ws, 2, ["Nilai konversi dari", "sampai", "Mutu", "Kinerja unit pelayanan"])
    for i, band in enumerate(BANDS):
        r = 3 + i
        ws.write_number(r, 0, float(band.low), book.fmt(FMT_2))
        ws.write_number(r, 1, float(band.high), book.fmt(FMT_2))
        ws.write_string(r, 2, band.mutu, book.fmt(align="center"))
        ws.write_string(r, 3, band.kinerja)
    ws.write_string(
        8,
        0,
        "Nilai konversi yang sudah dibulatkan ke dua desimal dicari pada "
        "kolom pertama (nilai terbesar yang tidak melebihi nilai itu).",
    )
    return BAND_RANGES


def how_to_read_sheet(book: Book, name: str, year: Any, sheets: list[tuple[str, str]]) -> None:
    """Sheet 'Cara membaca', the first of every workbook: what each sheet holds (`sheets`:
    (name, what)) and how the figures are computed."""
    ws = book.sheet(
        "Cara membaca", 2, [22, 110], f"Cara membaca lembar kerja ini — {name}, tahun {year}"
    )
    book.header(ws, 2, ["Lembar", "Isi"])
    wrap = book.fmt(wrap=True)
    for i, (sheet, what) in enumerate(sheets):
        book.fit_row(ws, 3 + i, [(what, 110)])
        book.text(ws, 3 + i, 0, sheet, book.fmt(bold=True))
        book.text(ws, 3 + i, 1, what, wrap)
    r = 4 + len(sheets)
    notes = [
        (
            "Angka resmi adalah angka yang tercantum dalam Laporan SKM yang ditandatangani; lembar "
            "kerja ini disediakan agar perhitungannya dapat diperiksa ulang."
        ),
        (
            "Sel berwarna hitam biasa berisi data; sel angka hasil hitungan berisi rumus (klik sel "
            "untuk melihatnya). Nilai yang tersimpan di sel rumus dihitung oleh pipeline dengan "
            "pecahan eksak, sehingga sama dengan hasil rumus saat lembar kerja dihitung ulang."
        ),
        (
            "Jawaban kosong tidak dihitung sebagai 0: NRR suatu unsur = jumlah nilai / jumlah "
            "jawaban unsur itu (fungsi SUM dan COUNT)."
        ),
        (
            "Bobot tiap unsur tepat 1/9 (NRR tertimbang = NRR / 9); angka 0,111 yang sering dicetak "
            "hanya pembulatannya. IKM unit pelayanan = IKM x 25, dibulatkan sekali ke dua desimal "
            "(setengah ke atas, fungsi ROUND), lalu mutu ditentukan dari nilai yang dibulatkan itu "
            "menurut lembar 'Kategori mutu'."
        ),
        (
            "Format angka memakai pemisah Indonesia (85,20; 1.234); Microsoft Excel menampilkan "
            "pemisah menurut pengaturan bahasa komputer."
        ),
    ]
    for i, note in enumerate(notes):
        book.fit_row(ws, r + i, [(note, 110)])
        book.text(ws, r + i, 0, "Catatan" if i == 0 else "", book.fmt(bold=True))
        book.text(ws, r + i, 1, note, wrap)
