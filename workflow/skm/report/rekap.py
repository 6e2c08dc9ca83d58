"""The recap across units of one year (provincial or ministry level).

Reads only each unit's ikm.json (and quality.json for the units that could not be read), so
memory stays flat however many units there are. Two province-wide figures, each labelled with
how it is made: the mean of the unit IKMs, and the IKM pooled over all respondents.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

from skm import numfmt as nf
from skm.domain import BANDS, KONVERSI, UNSUR_CODES, UNSUR_NAMES, classify, round_half_up
from skm.report.markdown import escape, table
from skm.scoring.ikm import ikm_from_sums
from skm.scoring.ranking import lowest


def _exact(ikm: dict) -> Fraction:
    return Fraction(*ikm["exact"]["ikm_konversi"])


def build(
    year: int, ikms: list[dict], failed: dict[str, str], expected: list[str], found: list[str]
) -> dict:
    """The recap of `year`: ranked units, province figures, per-unsur view, missing units."""
    units = []
    for ikm in ikms:
        t = ikm["analisis_tambahan"]
        low = lowest(ikm["unsur"], 1)[0]
        units.append(
            {
                "unit": ikm["unit"],
                "name": ikm["name"],
                "n": ikm["n_valid"],
                "ikm_konversi": ikm["ikm_konversi"],
                "display": ikm["display"]["ikm_konversi"],
                "mutu": ikm["mutu"],
                "kinerja": ikm["kinerja"],
                "ci95": t.get("display") and [t["display"]["ci_low"], t["display"]["ci_high"]],
                "ci95_values": t.get("ikm_konversi_ci95"),
                "mutu_certain": t.get("mutu_certain"),
                "sample_adequate": ikm["sample"]["adequate"],
                "sample_required": ikm["sample"]["required"],
                "lowest": [
                    {"code": u["code"], "short": u["short"], "nrr": u["display"]["nrr"]}
                    for u in low
                ],
                "sums": [
                    next(x for x in ikm["unsur"] if x["code"] == c)["sum"] for c in UNSUR_CODES
                ],
                "ns": [next(x for x in ikm["unsur"] if x["code"] == c)["n"] for c in UNSUR_CODES],
                "_exact": _exact(ikm),
            }
        )
    units.sort(key=lambda u: (-u["_exact"], u["unit"]))
    for rank, u in enumerate(units, 1):
        u["rank"] = rank
    out: dict = {"year": year, "n_units": len(units), "units": units}
    if units:
        mean = sum((u["_exact"] for u in units), Fraction(0)) / len(units)
        sums = [
            sum(next(x for x in i["unsur"] if x["code"] == c)["sum"] for i in ikms)
            for c in UNSUR_CODES
        ]
        ns = [
            sum(next(x for x in i["unsur"] if x["code"] == c)["n"] for i in ikms)
            for c in UNSUR_CODES
        ]
        pooled = ikm_from_sums(sums, ns) * KONVERSI
        out["province"] = {
            "mean_of_units": {
                "value": float(mean),
                "display": str(round_half_up(mean, 2)),
                "mutu": classify(mean).mutu,
            },
            "pooled": {
                "value": float(pooled),
                "display": str(round_half_up(pooled, 2)),
                "mutu": classify(pooled).mutu,
                "n": sum(u["n"] for u in units),
            },
        }
        per_unsur = []
        for c, s, n in zip(UNSUR_CODES, sums, ns, strict=True):
            nrrs = [
                Fraction(*next(x for x in i["unsur"] if x["code"] == c)["exact"]["nrr"])
                for i in ikms
            ]
            m = sum(nrrs, Fraction(0)) / len(nrrs)
            per_unsur.append(
                {
                    "code": c,
                    "name": UNSUR_NAMES[c],
                    "mean_nrr": str(round_half_up(m, 2)),
                    "pooled_nrr": str(round_half_up(Fraction(s, n), 2)),
                    "pooled_mutu": classify(Fraction(s, n) * KONVERSI).mutu,
                }
            )
        out["per_unsur"] = per_unsur
    for u in units:
        del u["_exact"]
    out["sebaran"] = sebaran(units)
    out["failed"] = [{"unit": k, "reason": v} for k, v in sorted(failed.items())]
    out["missing"] = sorted(set(expected) - set(found))
    return out


def sebaran(units: list[dict]) -> list[dict]:
    """How many units fall in each mutu (A first), and how many of them are uncertain.

    Percentages are of the units scored, each rounded half-up to two places on its own.
    """
    out = []
    for band in reversed(BANDS):
        inside = [u for u in units if u["mutu"] == band.mutu]
        pct = Fraction(len(inside) * 100, len(units)) if units else Fraction(0)
        out.append(
            {
                "mutu": band.mutu,
                "kinerja": band.kinerja,
                "n": len(inside),
                "pct": str(round_half_up(pct, 2)),
                "uncertain": sum(1 for u in inside if u["mutu_certain"] is False),
            }
        )
    return out


def spread_table(rekap: dict) -> str:
    """Units per mutu: count, share and how many of them sit uncertainly in that mutu."""
    rows = rekap.get("sebaran", [])
    body = [
        [
            r["mutu"],
            r["kinerja"],
            nf.angka(r["n"], 0),
            nf.persen(r["pct"]),
            nf.angka(r["uncertain"], 0),
        ]
        for r in rows
    ]
    body.append(
        [
            "",
            "**Jumlah**",
            f"**{nf.angka(sum(r['n'] for r in rows), 0)}**",
            "",
            f"**{nf.angka(sum(r['uncertain'] for r in rows), 0)}**",
        ]
    )
    return table(
        body,
        [
            "Mutu",
            "Kinerja unit pelayanan",
            "Jumlah unit",
            "Persentase",
            "Di antaranya mutu belum pasti",
        ],
        align="llrrr",
        raw=True,
    )


def spread_note(rekap: dict) -> str:
    """Rounding note under the distribution table when the shares do not add to 100,00 %."""
    total = sum(Decimal(r["pct"]) for r in rekap.get("sebaran", []))
    if not rekap.get("sebaran") or total == Decimal("100.00"):
        return ""
    return (
        "Persentase dibulatkan masing-masing ke dua desimal, sehingga jumlahnya "
        f"{nf.persen(str(total))}."
    )


def ranking_table(rekap: dict) -> str:
    """Every unit, ranked: n, IKM, mutu, interval, sample, lowest unsur."""
    body = []
    for u in rekap["units"]:
        ci = f"{nf.angka(u['ci95'][0])} – {nf.angka(u['ci95'][1])}" if u["ci95"] else "–"
        mutu = u["mutu"] + ("" if u["mutu_certain"] in (True, None) else "\\*")
        low = nf.daftar([f"{x['short']} ({x['code']}, {nf.angka(x['nrr'])})" for x in u["lowest"]])
        body.append(
            [
                str(u["rank"]),
                escape(u["name"]),
                nf.angka(u["n"], 0),
                nf.angka(u["display"]),
                mutu,
                ci,
                "ya"
                if u["sample_adequate"]
                else f"tidak (min. {nf.angka(u['sample_required'], 0)})",
                escape(low),
            ]
        )
    return table(
        body,
        [
            "No.",
            "Unit Pelayanan",
            "n",
            "IKM",
            "Mutu",
            "Interval 95%",
            "Sampel cukup",
            "Unsur terendah",
        ],
        align="llrrclll",
        widths=[0.05, 0.29, 0.07, 0.07, 0.06, 0.16, 0.11, 0.19],
        raw=True,
    )


def unsur_table(rekap: dict) -> str:
    """Per-unsur: mean of unit NRRs and NRR pooled over all respondents."""
    body = [
        [
            u["code"],
            escape(u["name"]),
            nf.angka(u["mean_nrr"]),
            nf.angka(u["pooled_nrr"]),
            u["pooled_mutu"],
        ]
        for u in rekap.get("per_unsur", [])
    ]
    return table(
        body,
        ["Kode", "Unsur", "Rata-rata NRR unit", "NRR gabungan", "Mutu (gabungan)"],
        align="llrrc",
        raw=True,
    )


def write_xlsx(rekap: dict, path: str | Path, when: dt.datetime) -> None:
    """The recap as a workbook that computes itself.

    Sheet 'Rekap IKM' holds each unit's nine sums and answer counts (values the units'
    ikm.json give); the unit konversi, its rounding and mutu, the mean of the unrounded unit
    values and the IKM pooled over all respondents are formulas over them, each with its
    cached value from the exact arithmetic. Unit names and reasons are string cells.
    """
    from xlsxwriter.utility import xl_col_to_name

    from skm.report.xlsx import BAND_RANGES, FMT_2, FMT_INT, Book, band_sheet, how_to_read_sheet

    year = rekap["year"]
    book = Book(when, f"Rekapitulasi IKM {year}")
    units = rekap["units"]
    sheets = [
        (
            "Rekap IKM",
            (
                "Satu baris per unit: jumlah nilai dan jumlah jawaban per unsur (dari "
                "hasil olah data unit), lalu rumus IKM unit pelayanan, pembulatan dan mutu. "
                "Di bawahnya rata-rata IKM unit (dari nilai yang belum dibulatkan) dan IKM "
                "gabungan seluruh responden, masing-masing berupa rumus."
            ),
        ),
        ("Per unsur", "Per unsur: rata-rata NRR unit dan NRR gabungan seluruh responden."),
        ("Tidak diolah", "Unit yang datanya tidak dapat diolah atau tidak menyerahkan data."),
        ("Kategori mutu", "Tabel kategori mutu dan kinerja unit pelayanan (PermenPANRB 14/2017)."),
    ]
    how_to_read_sheet(book, f"Rekapitulasi {rekap['n_units']} unit pelayanan", year, sheets)
    bands = BAND_RANGES
    labels = ["Peringkat", "Kode unit", "Unit pelayanan", "n"]
    for c in UNSUR_CODES:
        labels += [f"{c} jumlah nilai", f"{c} jawaban"]
    labels += [
        "IKM unit pelayanan",
        "Dibulatkan",
        "Mutu",
        "Mutu pasti",
        "CI95 bawah",
        "CI95 atas",
        "Sampel cukup",
        "Unsur terendah",
    ]
    ws = book.sheet(
        "Rekap IKM",
        2,
        [9, 16, 40, 8] + [8] * 18 + [13, 11, 7, 9, 10, 10, 10, 24],
        f"Rekapitulasi Indeks Kepuasan Masyarakat tahun {year}",
    )
    book.header(ws, 2, labels)
    first = 4  # first unit row, 1-based
    last = first + max(len(units), 1) - 1
    exacts = []
    for i, u in enumerate(units):
        r = 3 + i
        ws.write_number(r, 0, u["rank"])
        book.text(ws, r, 1, u["unit"])
        book.text(ws, r, 2, u["name"])
        ws.write_number(r, 3, u["n"], book.fmt(FMT_INT))
        terms = []
        for j in range(9):
            ws.write_number(r, 4 + 2 * j, u["sums"][j], book.fmt(FMT_INT))
            ws.write_number(r, 5 + 2 * j, u["ns"][j], book.fmt(FMT_INT))
            terms.append(f"{xl_col_to_name(4 + 2 * j)}{r + 1}/{xl_col_to_name(5 + 2 * j)}{r + 1}")
        konv = ikm_from_sums(u["sums"], u["ns"]) * KONVERSI
        exacts.append(konv)
        ws.write_formula(r, 22, f"=({'+'.join(terms)})/9*25", book.fmt(FMT_2), float(konv))
        ws.write_formula(
            r, 23, f"=ROUND(W{r + 1},2)", book.fmt(FMT_2), float(round_half_up(konv, 2))
        )
        ws.write_formula(
            r, 24, f"={bands.mutu_of(f'X{r + 1}')}", book.fmt(align="center"), classify(konv).mutu
        )
        book.text(ws, r, 25, "ya" if u["mutu_certain"] else "tidak")
        if u["ci95"]:
            ws.write_number(r, 26, float(Decimal(u["ci95"][0])), book.fmt(FMT_2))
            ws.write_number(r, 27, float(Decimal(u["ci95"][1])), book.fmt(FMT_2))
        book.text(ws, r, 28, "ya" if u["sample_adequate"] else "tidak")
        book.text(ws, r, 29, ", ".join(x["code"] for x in u["lowest"]))
    if units:
        r = 3 + len(units) + 1
        bold = book.fmt(bold=True)
        book.text(ws, r, 2, "Jumlah seluruh unit", bold)
        ws.write_formula(
            r,
            3,
            f"=SUM(D{first}:D{last})",
            book.fmt(FMT_INT, bold=True),
            sum(u["n"] for u in units),
        )
        tot_s = [sum(u["sums"][j] for u in units) for j in range(9)]
        tot_n = [sum(u["ns"][j] for u in units) for j in range(9)]
        terms = []
        for j in range(9):
            cs, cn = xl_col_to_name(4 + 2 * j), xl_col_to_name(5 + 2 * j)
            ws.write_formula(
                r, 4 + 2 * j, f"=SUM({cs}{first}:{cs}{last})", book.fmt(FMT_INT), tot_s[j]
            )
            ws.write_formula(
                r, 5 + 2 * j, f"=SUM({cn}{first}:{cn}{last})", book.fmt(FMT_INT), tot_n[j]
            )
            terms.append(f"{cs}{r + 1}/{cn}{r + 1}")
        mean = sum(exacts, Fraction(0)) / len(exacts)
        pooled = ikm_from_sums(tot_s, tot_n) * KONVERSI
        rows = [
            (
                r + 1,
                "Rata-rata IKM unit (rata-rata nilai yang belum dibulatkan)",
                f"=AVERAGE(W{first}:W{last})",
                mean,
            ),
            (
                r + 2,
                "IKM gabungan seluruh responden (dari jumlah nilai dan jawaban gabungan)",
                f"=({'+'.join(terms)})/9*25",
                pooled,
            ),
        ]
        for row, label, formula, exact in rows:
            book.text(ws, row, 2, label, bold)
            ws.write_formula(row, 22, formula, book.fmt(FMT_2, bold=True), float(exact))
            ws.write_formula(
                row,
                23,
                f"=ROUND(W{row + 1},2)",
                book.fmt(FMT_2, bold=True),
                float(round_half_up(exact, 2)),
            )
            ws.write_formula(
                row,
                24,
                f"={bands.mutu_of(f'X{row + 1}')}",
                book.fmt(align="center", bold=True),
                classify(exact).mutu,
            )

    s = book.sheet("Per unsur", 2, [7, 40, 18, 16, 10], f"Nilai per unsur seluruh unit {year}")
    book.header(s, 2, ["Kode", "Unsur", "Rata-rata NRR unit", "NRR gabungan", "Mutu gabungan"])
    rq = "'Rekap IKM'!"
    for j, c in enumerate(UNSUR_CODES):
        r = 3 + j
        s.write_string(r, 0, c)
        s.write_string(r, 1, UNSUR_NAMES[c])
        if not units:
            continue
        cs, cn = xl_col_to_name(4 + 2 * j), xl_col_to_name(5 + 2 * j)
        nrrs = [Fraction(u["sums"][j], u["ns"][j]) for u in units]
        mean_nrr = sum(nrrs, Fraction(0)) / len(nrrs)
        pooled_nrr = Fraction(sum(u["sums"][j] for u in units), sum(u["ns"][j] for u in units))
        s.write_formula(
            r,
            2,
            f"=SUMPRODUCT({rq}{cs}{first}:{cs}{last}/{rq}{cn}{first}:{cn}{last})"
            f"/COUNT({rq}{cs}{first}:{cs}{last})",
            book.fmt(FMT_2),
            float(mean_nrr),
        )
        s.write_formula(
            r,
            3,
            f"=SUM({rq}{cs}{first}:{cs}{last})/SUM({rq}{cn}{first}:{cn}{last})",
            book.fmt(FMT_2),
            float(pooled_nrr),
        )
        s.write_formula(
            r,
            4,
            f"={bands.mutu_of(f'ROUND(D{r + 1}*25,2)')}",
            book.fmt(align="center"),
            classify(pooled_nrr * KONVERSI).mutu,
        )
    f = book.sheet("Tidak diolah", 2, [24, 100], "Unit yang tidak diolah")
    book.header(f, 2, ["Unit", "Alasan"])
    r = 3
    for x in rekap["failed"]:
        book.text(f, r, 0, x["unit"])
        book.text(f, r, 1, x["reason"], book.fmt(wrap=True))
        r += 1
    for m in rekap["missing"]:
        book.text(f, r, 0, m)
        book.text(f, r, 1, "tidak menyerahkan data")
        r += 1
    band_sheet(book)
    book.save(path)
