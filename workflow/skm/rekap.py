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

from openpyxl import Workbook
from openpyxl.styles import Font

from skm import numfmt as nf
from skm.domain import BANDS, KONVERSI, UNSUR_CODES, UNSUR_NAMES, classify, round_half_up
from skm.markdown import escape, table
from skm.scoring import ikm_from_sums, lowest
from skm.xlsx import save_workbook


def _exact(ikm: dict) -> Fraction:
    return Fraction(*ikm["exact"]["ikm_konversi"])


def build(year: int, ikms: list[dict], failed: dict[str, str], expected: list[str],
          found: list[str]) -> dict:
    """The recap of `year`: ranked units, province figures, per-unsur view, missing units."""
    units = []
    for ikm in ikms:
        t = ikm["analisis_tambahan"]
        low = lowest(ikm["unsur"], 1)[0]
        units.append({
            "unit": ikm["unit"], "name": ikm["name"], "n": ikm["n_valid"],
            "ikm_konversi": ikm["ikm_konversi"], "display": ikm["display"]["ikm_konversi"],
            "mutu": ikm["mutu"], "kinerja": ikm["kinerja"],
            "ci95": t.get("display") and [t["display"]["ci_low"], t["display"]["ci_high"]],
            "ci95_values": t.get("ikm_konversi_ci95"),
            "mutu_certain": t.get("mutu_certain"),
            "sample_adequate": ikm["sample"]["adequate"],
            "sample_required": ikm["sample"]["required"],
            "lowest": [{"code": u["code"], "short": u["short"], "nrr": u["display"]["nrr"]}
                       for u in low],
            "_exact": _exact(ikm),
        })
    units.sort(key=lambda u: (-u["_exact"], u["unit"]))
    for rank, u in enumerate(units, 1):
        u["rank"] = rank
    out: dict = {"year": year, "n_units": len(units), "units": units}
    if units:
        mean = sum((u["_exact"] for u in units), Fraction(0)) / len(units)
        sums = [sum(next(x for x in i["unsur"] if x["code"] == c)["sum"] for i in ikms)
                for c in UNSUR_CODES]
        ns = [sum(next(x for x in i["unsur"] if x["code"] == c)["n"] for i in ikms)
              for c in UNSUR_CODES]
        pooled = ikm_from_sums(sums, ns) * KONVERSI
        out["province"] = {
            "mean_of_units": {"value": float(mean), "display": str(round_half_up(mean, 2)),
                              "mutu": classify(mean).mutu},
            "pooled": {"value": float(pooled), "display": str(round_half_up(pooled, 2)),
                       "mutu": classify(pooled).mutu, "n": sum(u["n"] for u in units)},
        }
        per_unsur = []
        for c, s, n in zip(UNSUR_CODES, sums, ns, strict=True):
            nrrs = [Fraction(*next(x for x in i["unsur"] if x["code"] == c)["exact"]["nrr"])
                    for i in ikms]
            m = sum(nrrs, Fraction(0)) / len(nrrs)
            per_unsur.append({"code": c, "name": UNSUR_NAMES[c],
                              "mean_nrr": str(round_half_up(m, 2)),
                              "pooled_nrr": str(round_half_up(Fraction(s, n), 2)),
                              "pooled_mutu": classify(Fraction(s, n) * KONVERSI).mutu})
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
        out.append({"mutu": band.mutu, "kinerja": band.kinerja, "n": len(inside),
                    "pct": str(round_half_up(pct, 2)),
                    "uncertain": sum(1 for u in inside if u["mutu_certain"] is False)})
    return out


def sebaran_table(rekap: dict) -> str:
    """Units per mutu: count, share and how many of them sit uncertainly in that mutu."""
    rows = rekap.get("sebaran", [])
    body = [[r["mutu"], r["kinerja"], nf.angka(r["n"], 0), nf.persen(r["pct"]),
             nf.angka(r["uncertain"], 0)] for r in rows]
    body.append(["", "**Jumlah**", f"**{nf.angka(sum(r['n'] for r in rows), 0)}**", "",
                 f"**{nf.angka(sum(r['uncertain'] for r in rows), 0)}**"])
    return table(body, ["Mutu", "Kinerja unit pelayanan", "Jumlah unit", "Persentase",
                        "Di antaranya mutu belum pasti"], align="llrrr", raw=True)


def sebaran_catatan(rekap: dict) -> str:
    """Rounding note under the distribution table when the shares do not add to 100,00 %."""
    total = sum(Decimal(r["pct"]) for r in rekap.get("sebaran", []))
    if not rekap.get("sebaran") or total == Decimal("100.00"):
        return ""
    return ("Persentase dibulatkan masing-masing ke dua desimal, sehingga jumlahnya "
            f"{nf.persen(str(total))}.")


def ranking_table(rekap: dict) -> str:
    """Every unit, ranked: n, IKM, mutu, interval, sample, lowest unsur."""
    body = []
    for u in rekap["units"]:
        ci = f"{nf.angka(u['ci95'][0])} – {nf.angka(u['ci95'][1])}" if u["ci95"] else "–"
        mutu = u["mutu"] + ("" if u["mutu_certain"] in (True, None) else "\\*")
        low = nf.daftar([f"{x['short']} ({x['code']}, {nf.angka(x['nrr'])})" for x in u["lowest"]])
        body.append([str(u["rank"]), escape(u["name"]), nf.angka(u["n"], 0),
                     nf.angka(u["display"]), mutu, ci,
                     "ya" if u["sample_adequate"] else f"tidak (min. {nf.angka(u['sample_required'], 0)})",
                     escape(low)])
    return table(body, ["No.", "Unit Pelayanan", "n", "IKM", "Mutu", "Interval 95%",
                        "Sampel cukup", "Unsur terendah"], align="llrrclll",
                 widths=[0.05, 0.29, 0.07, 0.07, 0.06, 0.16, 0.11, 0.19], raw=True)


def unsur_table(rekap: dict) -> str:
    """Per-unsur: mean of unit NRRs and NRR pooled over all respondents."""
    body = [[u["code"], escape(u["name"]), nf.angka(u["mean_nrr"]), nf.angka(u["pooled_nrr"]),
             u["pooled_mutu"]] for u in rekap.get("per_unsur", [])]
    return table(body, ["Kode", "Unsur", "Rata-rata NRR unit", "NRR gabungan", "Mutu (gabungan)"],
                 align="llrrc", raw=True)


def write_xlsx(rekap: dict, path: str | Path, when: dt.datetime) -> None:
    """The recap as a workbook: one row per unit, then the per-unsur sheet."""
    wb = Workbook()
    ws = wb.active
    ws.title = "Rekap IKM"
    ws.append(["Peringkat", "Kode unit", "Unit pelayanan", "n", "IKM", "Mutu", "Mutu pasti",
               "CI95 bawah", "CI95 atas", "Sampel cukup", "Unsur terendah"])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for u in rekap["units"]:
        ws.append([u["rank"], u["unit"], u["name"], u["n"], float(Decimal(u["display"])),
                   u["mutu"], "ya" if u["mutu_certain"] else "tidak",
                   float(Decimal(u["ci95"][0])) if u["ci95"] else None,
                   float(Decimal(u["ci95"][1])) if u["ci95"] else None,
                   "ya" if u["sample_adequate"] else "tidak",
                   ", ".join(x["code"] for x in u["lowest"])])
    s = wb.create_sheet("Per unsur")
    s.append(["Kode", "Unsur", "Rata-rata NRR unit", "NRR gabungan"])
    for u in rekap.get("per_unsur", []):
        s.append([u["code"], u["name"], float(Decimal(u["mean_nrr"])),
                  float(Decimal(u["pooled_nrr"]))])
    f = wb.create_sheet("Tidak diolah")
    f.append(["Unit", "Alasan"])
    for x in rekap["failed"]:
        f.append([x["unit"], x["reason"]])
    for m in rekap["missing"]:
        f.append([m, "tidak menyerahkan data"])
    save_workbook(wb, path, when)
