"""Rencana Tindak Lanjut (rtl.yaml), its realisation (realisasi.yaml), and their tables.

`load_rtl` and `load_realisasi` validate the files (schema, then cross-checks that a schema
cannot express) and raise SkmInputError naming the file, key and line. The markdown builders
are shared by the Laporan SKM (4.2, Lampiran 4) and the Laporan Hasil Tindak Lanjut.

Longer than 500 lines: the two files' validation and the tables built from them share the
priority and period rules; they are kept together so that a rule is read where it is checked.
"""

from __future__ import annotations

import math
import re
from fractions import Fraction
from pathlib import Path

from skm import numfmt as nf
from skm.domain import UNSUR_NAMES, round_half_up
from skm.errors import SkmInputError
from skm.ingest.images import photo_entry
from skm.ingest.settings import line_of, validate_yaml
from skm.report.markdown import escape, image, table
from skm.scoring.ranking import lowest

STATUS_LABEL = {"sudah": "Sudah", "dalam proses": "Dalam proses", "belum": "Belum"}
JANGKA_LABEL = {
    "pendek": "Pendek (< 12 bulan)",
    "menengah": "Menengah (12–24 bulan)",
    "panjang": "Panjang (> 24 bulan)",
}


def load_rtl(path: str | Path) -> dict:
    """Validated rtl.yaml; ids must be unique."""
    data = validate_yaml(path, "rtl")
    seen: set[str] = set()
    for i, item in enumerate(data["rencana"]):
        if item["id"] in seen:
            raise SkmInputError(
                f"kunci 'rencana.{i}.id': id '{item['id']}' dipakai dua kali", file=str(path)
            )
        seen.add(item["id"])
    return data


def load_realisasi(path: str | Path, rtl: dict) -> dict:
    """Validated realisasi.yaml: every id names a plan item; every bukti file exists.

    Each `bukti` item becomes {file, caption} (a plain string is a file without caption)."""
    path = Path(path)
    data = validate_yaml(path, "realisasi")
    for item in data["realisasi"]:
        item["bukti"] = [b if isinstance(b, dict) else {"file": b} for b in item.get("bukti", [])]
    ids = {item["id"] for item in rtl["rencana"]}

    def fail(keys: list, message: str) -> SkmInputError:
        key = ".".join(map(str, keys))
        return SkmInputError(
            f"kunci '{key}' (baris {line_of(path, keys)}): {message}", file=str(path)
        )

    for i, item in enumerate(data["realisasi"]):
        if item["id"] not in ids:
            raise fail(
                ["realisasi", i, "id"],
                f"'{item['id']}' tidak ada dalam rtl.yaml (id yang ada: {', '.join(sorted(ids))})",
            )
        for j, entry in enumerate(item.get("bukti", [])):
            bukti = entry["file"]
            keys = ["realisasi", i, "bukti", j]
            try:
                target = (path.parent / bukti).resolve()
                inside = target.is_relative_to(path.parent.resolve())
                exists = inside and target.is_file()
            except (OSError, ValueError):
                raise fail(keys, f"nama file bukti {bukti!r} tidak sah") from None
            if not inside:
                raise fail(keys, f"'{bukti}' berada di luar folder realisasi.yaml")
            if not exists:
                raise fail(
                    keys,
                    f"file bukti '{bukti}' tidak ditemukan di samping "
                    "realisasi.yaml (periksa nama dan foldernya, mis. dokumentasi/)",
                )
    return data


def priority_check(rtl: dict, unsur: list[dict], k: int = 3) -> list[str]:
    """Warnings when the plan targets unsur outside the k lowest (ties count as lowest)."""
    groups = lowest(unsur, k)
    allowed = {u["code"] for g in groups for u in g}
    outside = sorted({item["unsur"] for item in rtl["rencana"]} - allowed)
    if not outside:
        return []
    names = nf.daftar([f"{UNSUR_NAMES[c]} ({c})" for c in outside])
    low = nf.daftar([f"{u['name']} ({u['code']})" for g in groups for u in g])
    return [
        (
            f"Rencana tindak lanjut juga menyasar {names}, yang tidak termasuk tiga unsur dengan "
            f"nilai terendah ({low})."
        )
    ]


def _norm(text: str) -> str:
    """Text compared for repetition: case, punctuation and spacing ignored."""
    return " ".join(re.findall(r"\w+", str(text).casefold()))


def realisasi_notes(rtl: dict, realisasi: dict) -> list[str]:
    """Warnings shown in the realisation report: a 'sudah' without its date, an uraian that
    only repeats the plan text, a strategy that names neither a plan id nor a plan's programme."""
    notes = []
    plans = {item["id"]: item for item in rtl["rencana"]}
    number = {item["id"]: i for i, item in enumerate(rtl["rencana"], 1)}
    for r in realisasi["realisasi"]:
        item = plans[r["id"]]
        label = f"rencana {number[r['id']]} ({escape(item['program'].rstrip('.'))})"
        if r["status"] == "sudah" and not r.get("tanggal"):
            notes.append(
                f"Status {label} adalah sudah dilaksanakan, tetapi tanggal "
                "pelaksanaannya tidak diisi; lengkapi tanggal pelaksanaan rencana ini."
            )
        if r.get("uraian") and _norm(r["uraian"]) == _norm(item["program"]):
            notes.append(
                f"Uraian tindak lanjut pada {label} hanya mengulang teks rencananya; "
                "uraikan apa yang benar-benar dilakukan, kapan, dan hasilnya."
            )
    programs = {_norm(item["program"]) for item in rtl["rencana"]}
    for s in realisasi.get("strategi") or []:
        if s["rtl"] not in plans and _norm(s["rtl"]) not in programs:
            notes.append(
                f'Strategi untuk "{escape(s["rtl"])}" tidak merujuk pada id maupun '
                "program rencana tindak lanjut mana pun; sebutkan rencana yang "
                "didukungnya."
            )
    return notes


def repeated_plans(rtl: dict, rtl_next: dict | None, dampak: dict, year: int) -> list[str]:
    """A warning when the next year's plan repeats items of this plan (same id or same
    programme text, same unsur) whose unsur did not change beyond noise in the next survey."""
    if not rtl_next or not dampak:
        return []
    repeated = []
    for i, item in enumerate(rtl["rencana"], 1):
        d = dampak.get(item["id"])
        if d is None or d["significant"]:
            continue
        if any(
            (nxt["id"] == item["id"] or _norm(nxt["program"]) == _norm(item["program"]))
            and nxt["unsur"] == item["unsur"]
            for nxt in rtl_next["rencana"]
        ):
            repeated.append(
                f"rencana {i} tahun {year} ({escape(UNSUR_NAMES[item['unsur']])}, {item['unsur']})"
            )
    if not repeated:
        return []
    return [
        (
            f"Rencana tindak lanjut tahun {year + 1} mengulang {nf.daftar(repeated)}, padahal "
            f"NRR unsur tersebut pada SKM tahun {year + 1} tidak berubah melebihi galat "
            f"pengambilan sampel setelah rencana tahun {year} dilaksanakan; pertimbangkan cara "
            "perbaikan yang lain."
        )
    ]


def timing_notes(rtl: dict, realisasi: dict, ikm_next: dict | None) -> list[str]:
    """Warnings when the dates contradict the measured effect: a realisation dated inside the
    next survey's data collection (its respondents answered partly before, partly after the
    change) or after it (the survey cannot show it), and a signature dated before that
    collection ended (the report then cites results that did not exist yet)."""
    if not ikm_next or not ikm_next.get("period"):
        return []
    start, end = (str(ikm_next["period"][k])[:10] for k in ("start", "end"))
    year = ikm_next["year"]
    periode = nf.periode(start, end)
    number = {item["id"]: i for i, item in enumerate(rtl["rencana"], 1)}
    during, after = [], []
    for r in realisasi["realisasi"]:
        when = str(r.get("tanggal") or "")[:10]
        if not when:
            continue
        label = f"rencana {number[r['id']]} ({nf.tanggal(when)})"
        if start <= when <= end:
            during.append(label)
        elif when > end:
            after.append(label)
    notes = []
    if during:
        notes.append(
            f"{nf.daftar(during)} dilaksanakan di dalam periode pengumpulan data SKM tahun "
            f"{year} ({periode}). Sebagian responden survei tersebut mengisi kuesioner sebelum "
            "perbaikan dilaksanakan dan sebagian sesudahnya, sehingga perubahan NRR unsur "
            "sasarannya mencampur kedua keadaan dan hanya sebagian mencerminkan dampak tindak "
            "lanjut."
        )
    if after:
        notes.append(
            f"{nf.daftar(after)} dilaksanakan setelah pengumpulan data SKM tahun {year} "
            f"berakhir ({nf.tanggal(end)}), sehingga dampaknya belum dapat tercermin dalam "
            "survei tersebut."
        )
    signed = str((realisasi.get("signatory") or {}).get("date") or "")[:10]
    if signed and signed < end:
        notes.append(
            f"Laporan ini ditandatangani pada {nf.tanggal(signed)}, sebelum pengumpulan data SKM "
            f"tahun {year} berakhir ({nf.tanggal(end)}), padahal laporan ini memuat hasil survei "
            "tersebut; periksa tanggal penandatanganan."
        )
    return notes


def realisasi_period(realisasi: dict) -> tuple[str, str] | None:
    """First and last `tanggal` of the realisation (ISO dates), or None when none is given."""
    dates = sorted(r["tanggal"] for r in realisasi["realisasi"] if r.get("tanggal"))
    return (dates[0], dates[-1]) if dates else None


def realisation_pct(rtl: dict, realisasi: dict) -> Fraction:
    """Items 'sudah' / items planned x 100 (exact)."""
    done = {r["id"] for r in realisasi["realisasi"] if r["status"] == "sudah"}
    planned = [item["id"] for item in rtl["rencana"]]
    return Fraction(100 * sum(1 for i in planned if i in done), len(planned))


def _ticks(item: dict) -> list[str]:
    return ["✓" if q in item["triwulan"] else "" for q in (1, 2, 3, 4)]


def rtl_table(rtl: dict, ikm: dict | None = None) -> str:
    """The agreed RTL: prioritas unsur, program/kegiatan, jangka, TW I-IV, penanggung jawab."""
    nrr = {u["code"]: u["display"]["nrr"] for u in ikm["unsur"]} if ikm else {}
    body = []
    for i, item in enumerate(rtl["rencana"], 1):
        unsur = escape(UNSUR_NAMES[item["unsur"]]) + f" ({item['unsur']}"
        unsur += f", NRR {nf.angka(nrr[item['unsur']])})" if item["unsur"] in nrr else ")"
        body.append(
            [
                f"{i}",
                unsur,
                escape(item["program"]),
                escape(JANGKA_LABEL.get(item.get("jangka", ""), "–")),
                *_ticks(item),
                escape(item["penanggung_jawab"]),
            ]
        )
    return table(
        body,
        [
            "No.",
            "Prioritas Unsur",
            "Program/Kegiatan",
            "Jangka",
            "TW I",
            "TW II",
            "TW III",
            "TW IV",
            "Penanggung Jawab",
        ],
        align="llllccccl",
        widths=[5, 18, 25, 12, 7, 7, 7, 7, 14],
        raw=True,
    )


def realisasi_rows(rtl: dict, realisasi: dict) -> list[dict]:
    """Plan items joined with their realisation (an item without one counts as 'belum')."""
    by_id = {r["id"]: r for r in realisasi["realisasi"]}
    rows = []
    for item in rtl["rencana"]:
        r = by_id.get(item["id"], {"id": item["id"], "status": "belum"})
        rows.append({**item, **{f"r_{k}": v for k, v in r.items()}})
    return rows


def realisasi_table(rtl: dict, realisasi: dict) -> str:
    """BAB III table: plan item, status, what was done, obstacles."""
    body = []
    for i, row in enumerate(realisasi_rows(rtl, realisasi), 1):
        when = nf.tanggal(row["r_tanggal"]) if row.get("r_tanggal") else "–"
        body.append(
            [
                f"{i}",
                escape(row["program"]) + f" ({row['unsur']})",
                STATUS_LABEL[row["r_status"]],
                when,
                escape(row.get("r_uraian", "–")),
                escape(row.get("r_hambatan", "–")),
            ]
        )
    return table(
        body,
        [
            "No.",
            "Rencana Tindak Lanjut",
            "Status",
            "Tanggal",
            "Uraian Tindak Lanjut",
            "Tantangan/Hambatan",
        ],
        align="llllll",
        widths=[0.05, 0.23, 0.1, 0.13, 0.27, 0.22],
        raw=True,
    )


def strategi_table(realisasi: dict) -> str:
    """BAB IV strategy table."""
    body = [
        [
            f"{i}",
            escape(s["rtl"]),
            escape(s["strategi"]),
            escape(s.get("target", "–")),
            escape(s.get("penanggung_jawab", "–")),
            escape(s.get("pemangku_kepentingan", "–")),
        ]
        for i, s in enumerate(realisasi.get("strategi", []), 1)
    ]
    return table(
        body,
        [
            "No.",
            "RTL",
            "Strategi Penyelesaian",
            "Target Waktu",
            "Penanggung Jawab",
            "Pemangku Kepentingan",
        ],
        align="llllll",
        widths=[0.05, 0.2, 0.27, 0.16, 0.16, 0.16],
        raw=True,
    )


def summary_table(ikm: dict) -> str:
    """BAB II: the per-unsur results the plan follows."""
    body = [
        [
            f"{i}",
            escape(u["name"]),
            nf.angka(u["display"]["nrr"]),
            nf.angka(u["display"]["konversi"]),
            u["mutu"],
        ]
        for i, u in enumerate(ikm["unsur"], 1)
    ]
    body.append(
        [
            "",
            "**IKM unit pelayanan**",
            "",
            f"**{nf.angka(ikm['display']['ikm_konversi'])}**",
            f"**{ikm['mutu']}**",
        ]
    )
    return table(body, ["No", "Unsur", "NRR", "Konversi", "Mutu"], align="llrrc", raw=True)


def nrr_change(before: dict, after: dict, code: str) -> dict:
    """Change of one unsur's NRR between two surveys, with a 95 % interval of the difference.

    Standard errors come from the answer counts per level (independent samples), each times
    the finite-population factor (N-n)/(N-1) of its survey, as the IKM interval uses.
    """

    def stats(ikm: dict) -> tuple[float, float, int]:
        u = next(x for x in ikm["unsur"] if x["code"] == code)
        n = u["n"]
        mean = u["sum"] / n
        ss = sum(int(k) * int(k) * c for k, c in u["counts"].items())
        var = (ss - n * mean * mean) / (n - 1) if n > 1 else 0.0
        population = (ikm.get("sample") or {}).get("population")
        if population:
            var *= max(0.0, (population - n) / (population - 1)) if population > 1 else 0.0
        return mean, max(var, 0.0), n

    m0, v0, n0 = stats(before)
    m1, v1, n1 = stats(after)
    diff = m1 - m0
    se = math.sqrt(v0 / n0 + v1 / n1)
    b = next(x for x in before["unsur"] if x["code"] == code)["display"]["nrr"]
    a = next(x for x in after["unsur"] if x["code"] == code)["display"]["nrr"]
    d = round_half_up(Fraction(str(a)) - Fraction(str(b)), 2)
    return {
        "before": b,
        "after": a,
        "diff": str(d),
        "se": se,
        "significant": abs(diff) > 1.96 * se,
        "low": str(round_half_up(diff - 1.96 * se, 2)),
        "high": str(round_half_up(diff + 1.96 * se, 2)),
    }


def photo_name(bukti: str) -> str:
    """File name of a cleaned photo (metadata removed, PNG) for a bukti/dokumentasi entry
    (`skm.ingest.images.processed_name`; documents look it up with `skm.ingest.images.photo_entry`)."""
    from skm.ingest.images import processed_name

    return processed_name(bukti)


def prepare(
    rtl_path: str | Path,
    realisasi_path: str | Path,
    ikm: dict,
    ikm_next: dict | None,
    rtl_next_path: str | Path | None = None,
) -> dict:
    """Everything the realisation report shows, validated and computed once.

    `ikm` is the survey the plan follows; `ikm_next` the next year's survey, if any (dampak);
    `rtl_next_path` the next year's plan, if any (a repeated item that did not work is flagged).
    """
    rtl = load_rtl(rtl_path)
    realisasi = load_realisasi(realisasi_path, rtl)
    pct = realisation_pct(rtl, realisasi)
    rows = realisasi_rows(rtl, realisasi)
    for row in rows:  # the cleaned photo, its shown name (redacted) and caption of every bukti
        row["r_foto"] = []
        for b in row.get("r_bukti", []):
            p, label = photo_entry("", Path(realisasi_path).parent / b["file"])
            row["r_foto"].append({"file": p.name, "label": label, "caption": b.get("caption")})
    dampak = {}
    if ikm_next:
        for item in rtl["rencana"]:
            dampak[item["id"]] = nrr_change(ikm, ikm_next, item["unsur"])
    rtl_next = load_rtl(rtl_next_path) if rtl_next_path else None
    period = realisasi_period(realisasi)
    return {
        "unit": ikm["unit"],
        "year": ikm["year"],
        "next_year": ikm_next["year"] if ikm_next else None,
        "period": list(period) if period else None,
        "notes": realisasi_notes(rtl, realisasi)
        + repeated_plans(rtl, rtl_next, dampak, ikm["year"]),
        "timing": timing_notes(rtl, realisasi, ikm_next),
        "signatory": realisasi.get("signatory"),
        "rtl": rtl,
        "realisasi": realisasi,
        "rows": rows,
        "n_planned": len(rtl["rencana"]),
        "n_done": sum(1 for r in rows if r["r_status"] == "sudah"),
        "pct": str(round_half_up(pct, 2)),
        "dampak": dampak,
        "warnings": priority_check(rtl, ikm["unsur"]),
    }


def dampak_table(tl: dict) -> str:
    """Change of each item's unsur NRR in the next survey, with the interval of the difference."""
    body = []
    for i, item in enumerate(tl["rtl"]["rencana"], 1):
        d = tl["dampak"][item["id"]]
        verdict = "berubah nyata" if d["significant"] else "dalam batas galat"
        sign = "+" if not d["diff"].startswith("-") else ""
        body.append(
            [
                f"{i}",
                f"{escape(UNSUR_NAMES[item['unsur']])} ({item['unsur']})",
                nf.angka(d["before"]),
                nf.angka(d["after"]),
                sign + nf.angka(d["diff"]),
                f"{nf.bertanda(d['low'])} s.d. {nf.bertanda(d['high'])}",
                verdict,
            ]
        )
    return table(
        body,
        [
            "No.",
            "Unsur",
            f"NRR {tl['year']}",
            f"NRR {tl['next_year']}",
            "Perubahan",
            "Interval 95% perubahan",
            "Keterangan",
        ],
        align="llrrrll",
        widths=[5, 28, 9, 9, 11, 22, 16],
        raw=True,
    )


def impact_conclusion(tl: dict) -> str:
    """The measured effect, stated with the realisation: which target unsur changed beyond the
    noise in the next survey, and that the others did not (analisis tambahan)."""
    if not tl.get("dampak"):
        return (
            "Dampaknya terhadap nilai unsur belum dapat diukur karena hasil SKM tahun "
            "berikutnya belum tersedia."
        )
    items = tl["rtl"]["rencana"]
    codes = sorted({item["unsur"] for item in items})
    d = {item["unsur"]: tl["dampak"][item["id"]] for item in items}
    up = [c for c in codes if d[c]["significant"] and not d[c]["diff"].startswith("-")]
    down = [c for c in codes if d[c]["significant"] and d[c]["diff"].startswith("-")]
    flat = [c for c in codes if not d[c]["significant"]]

    def names(cs: list[str]) -> str:
        return nf.daftar([f"{UNSUR_NAMES[c]} ({c})" for c in cs])

    parts = []
    if up:
        parts.append(f"NRR {names(up)} naik melebihi galat pengambilan sampel")
    if down:
        parts.append(f"NRR {names(down)} turun melebihi galat pengambilan sampel")
    if flat:
        every = "semua unsur sasaran" if len(flat) == len(codes) else names(flat)
        parts.append(f"perubahan NRR {every} masih dalam batas galat pengambilan sampel")
    text = f"Pada SKM tahun {tl['next_year']} (analisis tambahan), " + "; ".join(parts) + "."
    if flat:
        text += (
            " Perubahan yang masih dalam batas galat belum dapat dijadikan bukti bahwa "
            "tindak lanjut telah meningkatkan kepuasan masyarakat pada unsur tersebut."
        )
    if tl.get("timing"):
        text += (
            " Tanggal pelaksanaan atau penandatanganan tidak sepenuhnya sesuai dengan "
            f"periode SKM tahun {tl['next_year']}, sehingga pengukuran dampak ini perlu "
            "dibaca bersama catatan pada BAB III."
        )
    return text


def body_markdown(tl: dict, ikm: dict, foto_dir: str | Path, level: int = 1) -> str:
    """The Laporan Hasil Tindak Lanjut (BAB I-IV) as markdown.

    `level` 1 gives the standalone report's chapters; 3 nests it as Lampiran 4 of the next
    year's Laporan SKM. Every number comes from `tl` (tindak_lanjut.json) and `ikm`.
    """
    h = "#" * level
    nama = escape(ikm["name"])
    year = tl["year"]
    out: list[str] = []
    add = out.append
    add(f"{h} BAB I PENDAHULUAN\n")
    add(
        f"Survei Kepuasan Masyarakat (SKM) {nama} tahun {year} menghasilkan nilai IKM "
        f"{nf.angka(ikm['display']['ikm_konversi'])} (mutu {ikm['mutu']}, kinerja "
        f"{ikm['kinerja']}). Sesuai Peraturan Menteri PANRB Nomor 14 Tahun 2017, hasil survei "
        "ditindaklanjuti dengan rencana tindak lanjut (RTL) perbaikan atas unsur pelayanan "
        "dengan nilai terendah, dan pelaksanaannya dilaporkan dalam laporan hasil tindak lanjut "
        "ini agar perbaikan pelayanan publik berlangsung secara berkelanjutan.\n"
    )
    add(f"{h} BAB II DESKRIPSI RENCANA TINDAK LANJUT\n")
    add(f"Hasil SKM tahun {year} per unsur pelayanan disajikan pada @tbl-tl-ringkasan.\n")
    add(summary_table(ikm))
    add(f": Ringkasan hasil SKM tahun {year} {{#tbl-tl-ringkasan}}\n")
    fkp = tl["rtl"].get("fkp")
    intro = (
        "Rencana tindak lanjut disusun dengan prioritas pada unsur dengan nilai terendah"
        + (f" dan disepakati dalam Forum Konsultasi Publik pada {nf.tanggal(fkp)}" if fkp else "")
        + "; rinciannya disajikan pada @tbl-tl-rtl."
    )
    add(intro + "\n")
    for w in tl["warnings"]:
        add(f"Catatan: {escape(w)}\n")
    add(rtl_table(tl["rtl"], ikm))
    add(f": Rencana tindak lanjut hasil SKM tahun {year} {{#tbl-tl-rtl}}\n")
    add(f"{h} BAB III REALISASI RENCANA TINDAK LANJUT\n")
    add("Pelaksanaan setiap rencana tindak lanjut disajikan pada @tbl-tl-realisasi.\n")
    add(realisasi_table(tl["rtl"], tl["realisasi"]))
    add(": Realisasi rencana tindak lanjut {#tbl-tl-realisasi}\n")
    for note in tl.get("notes", []):
        add(f"**Catatan:** {note}\n")
    foto_dir = Path(foto_dir)
    for i, row in enumerate(tl["rows"], 1):
        photos = row.get("r_foto") or [
            {
                "file": photo_name(b["file"] if isinstance(b, dict) else b),
                "caption": b.get("caption") if isinstance(b, dict) else None,
            }
            for b in row.get("r_bukti", [])
        ]
        if not photos:
            continue
        add(f"{h}# Dokumentasi rencana {i}: {escape(row['program'])}\n")
        when = (
            f"dilaksanakan pada {nf.tanggal(row['r_tanggal'])}"
            if row.get("r_tanggal")
            else "tanggal pelaksanaan tidak diisi"
        )
        add(f"Status: {STATUS_LABEL[row['r_status']].lower()}, {when}.\n")
        for j, photo in enumerate(photos, 1):
            path = foto_dir / photo["file"]
            caption = photo.get("caption") or f"dokumentasi pelaksanaan rencana {i}"
            alt = f"Foto bukti {j} pelaksanaan rencana tindak lanjut {i}: {caption}"
            add(image(path, f"Bukti {i}.{j}: {caption}", alt=alt, width="60%") + "\n")
    if tl["dampak"]:
        add(f"{h}# Perubahan nilai unsur pada SKM tahun {tl['next_year']}\n")
        add(
            f"Perubahan NRR unsur yang menjadi sasaran setiap rencana, dibandingkan dengan SKM "
            f"tahun {tl['next_year']}, disajikan pada @tbl-tl-dampak (analisis tambahan). Interval "
            "95% perubahan dihitung dengan faktor koreksi populasi terbatas, seperti interval "
            "IKM, dan mengandaikan responden dipilih secara acak. Perubahan yang berada "
            "dalam batas galat (interval 95% perubahan memuat nol) belum dapat dijadikan bukti "
            "dampak.\n"
        )
        add(dampak_table(tl))
        add(
            f": Perubahan NRR unsur sasaran dari SKM tahun {year} ke tahun {tl['next_year']} "
            "{#tbl-tl-dampak}\n"
        )
        for note in tl.get("timing", []):
            add(f"**Catatan:** {escape(note)}\n")
    add(f"{h} BAB IV KESIMPULAN\n")
    add(
        f"1. {nama} telah menindaklanjuti {nf.angka(tl['n_done'], 0)} dari "
        f"{nf.angka(tl['n_planned'], 0)} rencana tindak lanjut, atau "
        f"**{nf.persen(tl['pct'])}** (persentase dihitung dari jumlah rencana berstatus sudah "
        "dilaksanakan dibagi jumlah rencana tindak lanjut × 100%). " + impact_conclusion(tl)
    )
    strategi = tl["realisasi"].get("strategi") or []
    if strategi:
        add(
            "2. Agar rencana tindak lanjut tetap terlaksana, disusun strategi untuk mengatasi "
            "permasalahan yang ada sebagaimana disajikan pada @tbl-tl-strategi.\n"
        )
        add(strategi_table(tl["realisasi"]))
        add(": Strategi pelaksanaan rencana tindak lanjut {#tbl-tl-strategi}\n")
    else:
        add("")
    return "\n".join(out)
