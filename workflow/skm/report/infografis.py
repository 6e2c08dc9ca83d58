"""The one-page infographic ("Hasil SKM") a unit posts: A4 PDF for the notice board and a
1080 x 1350 px PNG for social media, both from one Quarto-format notebook.

`content` prepares every text of the infographic from the artefacts (ikm.json, settings.json,
tren.json, rtl.json): numbers formatted the Indonesian way from values already rounded by
`skm.domain`, the three lowest unsur as the tie groups of section 4.1 of the Laporan, the RTL
programme of each, the change from the previous year (analisis tambahan) and a QR code of the
published report's address. `typst_data` hands that content to the notebook's Typst layout as
one JSON value: no text of an input is ever parsed as Typst markup.

`render` executes the notebook (`skm.render.render_qmd`, markdown output), turns its markdown
into Typst with pandoc and compiles the same source twice with the shipped fonts only, root
confined to a temporary folder: layout ``a4`` to PDF (A4 portrait) and layout ``sosmed``
(540 x 675 pt) to PNG at 144 ppi = 1080 x 1350 px.

Longer than 500 lines: the unit's and the rekap's infographic share the content rules, the Typst
hand-off and the two compilations; one document's pipeline is kept in one module.
"""

from __future__ import annotations

import io
import json
import logging
import os
import shutil
import subprocess
import tempfile
import time
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from skm import numfmt as nf
from skm.domain import BANDS, KONVERSI, UNSUR_CODES, UNSUR_NAMES
from skm.errors import SkmInputError
from skm.io import atomic_write_bytes
from skm.report.markdown import clean
from skm.scoring.ranking import lowest

log = logging.getLogger(__name__)

__all__ = ["PNG_SIZE", "PPI", "content", "qr_svg", "render", "report_url", "typst_data"]

#: The social-media layout: 540 x 675 pt at 144 ppi.
PPI = 144
PNG_SIZE = (1080, 1350)
#: Smallest font size per layout: 9 pt on A4, 12 pt (= 24 px at 144 ppi) on the PNG.
MIN_PT = {"a4": 9.0, "sosmed": 12.0}

#: Detail levels of the lowest-unsur section, most detailed first (see the notebook).
DETAIL_LEVELS = (0, 1, 2, 3)

#: At the last detail level a very long unit name or parent is cut to this many characters
#: (with an ellipsis; the documents carry it whole), so that the infographic always fits.
NAME_LIMIT = 140

#: Colour of each mutu (also the bands behind the bars).
MUTU_COLOURS = {"A": "#1b7f3b", "B": "#2463a6", "C": "#c98a00", "D": "#b23a2e"}


def report_url(settings: dict) -> str | None:
    """Where the published report is: survei.yaml `report_url`, else unit.yaml `website`;
    an https address only (anything else gets no QR code)."""
    survei = settings.get("survei") or {}
    for url in (survei.get("report_url"), settings.get("website")):
        if isinstance(url, str) and url.strip().lower().startswith("https://"):
            url = url.strip()
            if not any(c.isspace() or ord(c) < 32 for c in url):
                return url
    return None


def logo_path(settings: dict) -> Path | None:
    """The unit's logo (unit.yaml `logo`): a PNG, JPEG or GIF file inside the unit folder,
    told by its first bytes, not its name (`skm.ingest.settings.confined_file`, as the documents'
    cover checks it)."""
    from skm.ingest.settings import confined_file

    name = settings.get("logo")
    if not name:
        return None
    unit_dir = Path(settings["unit_dir"])
    return confined_file(
        unit_dir, name, yaml_file=unit_dir / "unit.yaml", keys=["logo"], image=True
    )


def qr_svg(url: str) -> str:
    """A QR code of `url` as SVG (segno: pure Python, deterministic), error correction M,
    the quiet zone of four modules the standard asks for."""
    import segno

    qr = segno.make_qr(url, error="m", boost_error=False)
    buf = io.BytesIO()
    qr.save(
        buf,
        kind="svg",
        scale=10,
        border=4,
        xmldecl=False,
        svgns=True,
        nl=False,
        dark="#000000",
        light="#ffffff",
    )
    return buf.getvalue().decode("ascii")


def _band_edges() -> list[dict]:
    """The A/B/C/D bands on the NRR scale 1..4 (konversi / 25), lowest first."""
    out = []
    for band in BANDS:
        low = Fraction(Decimal(band.low)) / KONVERSI
        out.append(
            {
                "mutu": band.mutu,
                "kinerja": band.kinerja,
                "from": float(max(low, 1)),
                "low": nf.angka(band.low),
                "high": nf.angka(band.high),
                "colour": MUTU_COLOURS[band.mutu],
            }
        )
    for i, b in enumerate(out):
        b["to"] = out[i + 1]["from"] if i + 1 < len(out) else 4.0
    return out


def _programmes(rtl: dict | None, code: str) -> list[str]:
    """The RTL programmes of an unsur (rtl.yaml text: control and bidi characters removed)."""
    if not rtl:
        return []
    plans = (rtl.get("rtl") or rtl).get("rencana") or []
    texts = [clean(p.get("program", "")).strip() for p in plans if p.get("unsur") == code]
    return [t for t in texts if t]


def shorten(text: str, limit: int = 60) -> str:
    """`text` cut at a word boundary to at most `limit` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0] if " " in text[: limit - 1] else text[: limit - 1]
    return cut.rstrip(" ,;:.") + "…"


def _change(tren: dict | None, year: int) -> dict | None:
    """The change from the previous year (tren.json), when that year has a value."""
    c = (tren or {}).get("last_change")
    if not c or int(c["from"]) != year - 1:
        return None
    d = c["diff"]
    sign = "" if d in ("0.00", "-0.00") else ("−" if d.startswith("-") else "+")
    row = next((r for r in (tren or {}).get("rows", []) if r["year"] == c["from"]), None)
    if not c.get("testable"):
        note = "nilai tahun sebelumnya dari laporan terdahulu, tidak dapat diuji"
    elif c.get("significant"):
        note = "melebihi galat pengambilan sampel (interval 95%)"
    else:
        note = "masih dalam batas galat pengambilan sampel (interval 95%)"
    return {
        "from": str(c["from"]),
        "previous": nf.angka(row["display"]) if row else "",
        "diff": sign + nf.angka(d.lstrip("-")),
        "note": note,
    }


def content(
    ikm: dict,
    settings: dict,
    tren: dict | None = None,
    rtl: dict | None = None,
    logo: str | None = None,
) -> dict:
    """Every text and value of the infographic of one unit-year (JSON-ready)."""
    period = ikm["period"]
    unsur = []
    for u in ikm["unsur"]:
        unsur.append(
            {
                "code": u["code"],
                "name": UNSUR_NAMES[u["code"]],
                "nrr": nf.angka(u["display"]["nrr"]),
                "value": float(u["nrr"]),
                "mutu": u["mutu"],
                "colour": MUTU_COLOURS[u["mutu"]],
            }
        )
    groups = []
    for group in lowest(ikm["unsur"], 3):
        groups.append(
            {
                "nrr": nf.angka(group[0]["display"]["nrr"]),
                "tie": len(group) > 1,
                "unsur": [
                    {
                        "code": u["code"],
                        "name": UNSUR_NAMES[u["code"]],
                        "rtl": plans,
                        "rtl_short": [shorten(p) for p in plans],
                    }
                    for u in group
                    for plans in [_programmes(rtl, u["code"])]
                ],
            }
        )
    url = report_url(settings)
    n = int(ikm["n_valid"])
    name, parent = clean(ikm["name"]), clean(settings.get("parent") or "")
    data: dict[str, Any] = {
        "title": "Hasil Survei Kepuasan Masyarakat",
        # Texts from outside (unit.yaml, rtl.yaml) lose their control and bidi characters
        # as in every document (skm.report.markdown.clean counts them; the render logs the count).
        "name": name,
        "parent": parent,
        "name_short": shorten(name, NAME_LIMIT),
        "parent_short": shorten(parent, NAME_LIMIT),
        "year": str(ikm["year"]),
        "period": nf.periode(period["start"], period["end"]),
        "ikm": nf.angka(ikm["display"]["ikm_konversi"]),
        "ikm_14": nf.angka(ikm["display"]["ikm"], 3),
        "mutu": ikm["mutu"],
        "kinerja": ikm["kinerja"],
        "colour": MUTU_COLOURS[ikm["mutu"]],
        "n": nf.angka(n, 0),
        "unsur": unsur,
        "bands": _band_edges(),
        "lowest": groups,
        "has_rtl": bool(rtl),
        "change": _change(tren, int(ikm["year"])),
        "url": url,
        "qr": qr_svg(url) if url else None,
        "logo": logo,
        "min_pt": MIN_PT,
    }
    data["alt"] = alt_text(data)
    return data


def alt_text(data: dict) -> str:
    """A sentence that says what the infographic shows (the PDF's alt text)."""
    bars = "; ".join(f"{u['code']} {u['name']} {u['nrr']}" for u in data["unsur"])
    low = "; ".join(
        ", ".join(f"{u['code']} {u['name']}" for u in g["unsur"]) + f" ({g['nrr']})"
        for g in data["lowest"]
    )
    text = (
        f"Infografis hasil Survei Kepuasan Masyarakat {data['name']} tahun {data['year']}, "
        f"periode {data['period']}: IKM {data['ikm']}, mutu {data['mutu']} "
        f"({data['kinerja']}), {data['n']} responden. NRR per unsur: {bars}. "
        f"Unsur terendah: {low}."
    )
    if data["change"]:
        c = data["change"]
        text += f" Analisis tambahan: perubahan dari tahun {c['from']} {c['diff']} poin."
    if data["url"]:
        text += f" Kode QR menuju {data['url']}."
    return text


def typst_string(text: str) -> str:
    """A Typst string literal holding `text` (every non-ASCII character escaped)."""
    out = []
    for ch in text:
        if ch in '\\"':
            out.append("\\" + ch)
        elif 32 <= ord(ch) < 127:
            out.append(ch)
        else:
            out.append(f"\\u{{{ord(ch):x}}}")
    return '"' + "".join(out) + '"'


def _cleaned(value: Any) -> Any:
    """`value` with `skm.report.markdown.clean` applied to every string in it."""
    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {k: _cleaned(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_cleaned(v) for v in value]
    return value


def typst_data(data: dict) -> str:
    """The raw Typst block the notebook prints: the content as one JSON value. Every string
    goes through `skm.report.markdown.clean` once more: whatever text reaches the layout carries no
    control or bidi character (those `content` already cleaned are not counted twice)."""
    text = json.dumps(_cleaned(data), ensure_ascii=True, sort_keys=True, separators=(",", ":"))
    return f"```{{=typst}}\n#let skm-data = json(bytes({typst_string(text)}))\n```\n"


def _pandoc() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


class InfografisError(SkmInputError):
    """The infographic could not be made (a message for the log, in Indonesian)."""


#: What to shorten when a unit's infographic does not fit one page (the recap has its own).
TOO_LONG_UNIT = (
    "walau program RTL sudah diringkas; persingkat nama unit (unit.yaml: name) "
    "atau teks program di rtl.yaml"
)
TOO_LONG_REKAP = (
    "persingkat nama instansi (config.yaml: instansi) atau nama unit yang panjang (unit.yaml: name)"
)


def render(
    qmd: Path,
    params: dict,
    outputs: dict[str, Path],
    *,
    source_date_epoch: int,
    logo: Path | None = None,
    too_long: str = TOO_LONG_UNIT,
    kernel: Any = None,
) -> dict:
    """Render the infographic notebook to ``pdf`` (A4), ``png`` (1080 x 1350) and, for tests,
    ``sosmed_pdf`` (the PNG's layout as a PDF). Returns timings and the page checks.

    The lowest-unsur section has detail levels (RTL in full, shortened, left out): the most
    detailed that fits one page is used, and a shortened or left-out RTL is logged.
    `too_long` says what the user can shorten when no level fits. `kernel`: a running
    :class:`skm.render.KernelSession` to execute the notebook in (None: a fresh kernel)."""
    import typst

    from skm.render import FONTS_DIR, render_qmd

    t_start = time.perf_counter()

    with tempfile.TemporaryDirectory(prefix="skm-infografis-") as tmp:
        work = Path(tmp)
        md = work / "infografis.md"
        from skm.ingest.settings import image_kind

        kind = image_kind(logo) if logo is not None else None
        if logo is not None and kind is None:
            raise InfografisError(
                f"{qmd}: berkas logo {logo.name} bukan gambar PNG, JPEG atau "
                "GIF; ganti dengan gambar logo yang sah (kunci 'logo' di "
                "unit.yaml), lalu jalankan lagi"
            )
        params = dict(params, logo_name="logo" + kind if kind else "")
        timings = render_qmd(
            Path(qmd), {"md": md}, params, source_date_epoch=source_date_epoch, kernel=kernel
        )
        root = work / "root"
        root.mkdir()
        if logo is not None:
            shutil.copyfile(logo, root / params["logo_name"])
        template = work / "template.typ"
        template.write_text("$body$\n", encoding="utf-8")
        typ = root / "infografis.typ"
        t_pandoc = time.perf_counter()
        proc = subprocess.run(
            [
                _pandoc(),
                str(md),
                "--from",
                "markdown-citations",
                "--to",
                "typst",
                "--standalone",
                "--template",
                str(template),
                "--output",
                str(typ),
            ],
            capture_output=True,
            text=True,
            encoding="utf-8",
            check=False,
            env=dict(os.environ, SOURCE_DATE_EPOCH=str(source_date_epoch)),
        )
        if proc.returncode != 0:
            raise InfografisError(f"{qmd}: pandoc gagal: {proc.stderr.strip()[-1500:]}")
        fonts = typst.Fonts(
            include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONTS_DIR)]
        )
        has_rtl = bool(params.get("rtl_path"))

        def compile_(layout: str, fmt: str) -> bytes:
            """The most detailed variant of `layout` that fits one page."""
            pages = 0
            for detail in DETAIL_LEVELS:
                inputs = {"skm-layout": layout, "skm-detail": str(detail)}
                try:
                    pdf = typst.compile(
                        str(typ),
                        root=str(root),
                        font_paths=fonts,
                        ignore_system_fonts=True,
                        format="pdf",
                        sys_inputs=inputs,
                        timestamp=source_date_epoch,
                    )
                except typst.TypstError as err:
                    raise InfografisError(f"{qmd}: typst gagal ({layout}): {err}") from None
                pages = _pdf_pages(pdf)
                if pages == 1:
                    cuts = []
                    if detail == 1 and has_rtl:
                        cuts.append("program RTL diringkas satu baris")
                    elif detail >= 2 and has_rtl:
                        cuts.append("program RTL tidak dimuat (hanya unsur terendah)")
                    if detail >= 3:
                        cuts.append(f"nama unit dipotong sampai {NAME_LIMIT} karakter")
                    if cuts:
                        log.info(
                            "%s: infografis tata letak '%s': %s agar muat satu halaman; "
                            "selengkapnya di Laporan SKM",
                            qmd.name,
                            layout,
                            " dan ".join(cuts),
                        )
                    if fmt == "pdf":
                        return pdf
                    return typst.compile(
                        str(typ),
                        root=str(root),
                        font_paths=fonts,
                        ignore_system_fonts=True,
                        format="png",
                        ppi=PPI,
                        sys_inputs=inputs,
                        timestamp=source_date_epoch,
                    )
            raise InfografisError(
                f"{qmd}: infografis tata letak '{layout}' tidak muat satu "
                f"halaman ({pages} halaman); {too_long}"
            )

        timings["pandoc_typst"] = time.perf_counter() - t_pandoc
        t_typst = time.perf_counter()
        files: dict[str, bytes] = {}
        if "pdf" in outputs:
            files["pdf"] = compile_("a4", "pdf")
        if "sosmed_pdf" in outputs:
            files["sosmed_pdf"] = compile_("sosmed", "pdf")
        if "png" in outputs:
            files["png"] = compile_("sosmed", "png")
        for kind, data in files.items():
            _check_one_page(kind, data, qmd, too_long)
        timings["typst"] = time.perf_counter() - t_typst
    for kind, data in files.items():
        atomic_write_bytes(data, outputs[kind])
    timings["total"] = time.perf_counter() - t_start
    return timings


def _pdf_pages(data: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(data)).pages)


def _check_one_page(kind: str, data: bytes, qmd: Path, too_long: str) -> None:
    if kind == "png":
        from PIL import Image

        size = Image.open(io.BytesIO(data)).size
        if size != PNG_SIZE:
            raise InfografisError(f"{qmd}: PNG berukuran {size}, seharusnya {PNG_SIZE}")
        return
    pages = _pdf_pages(data)
    if pages != 1:
        raise InfografisError(
            f"{qmd}: infografis ({kind}) {pages} halaman, seharusnya satu; {too_long}"
        )


#: At most this many units are named on the recap infographic (the rest are counted).
REKAP_NAMED = {"a4": 24, "sosmed": 10}


def rekap_content(rekap: dict, instansi: str = "") -> dict:
    """Every text of the one-page recap infographic of a year: the province figures, the
    units by mutu, the distribution over A-D and the lowest unsur across units."""
    from skm.domain import classify

    units = rekap.get("units", [])
    prov = rekap.get("province") or {}
    by_mutu = []
    for row in rekap.get("sebaran", []):
        named = [
            {"name": clean(u["name"]), "ikm": nf.angka(u["display"]), "rank": u["rank"]}
            for u in units
            if u["mutu"] == row["mutu"]
        ]
        by_mutu.append(
            {
                "mutu": row["mutu"],
                "kinerja": row["kinerja"],
                "n": nf.angka(row["n"], 0),
                "count": row["n"],
                "pct": nf.persen(row["pct"]),
                "share": float(Decimal(row["pct"])) / 100,
                "colour": MUTU_COLOURS[row["mutu"]],
                "units": named,
            }
        )
    low_groups: list[dict] = []
    if units and all("sums" in u for u in units):
        pooled = []
        for j, code in enumerate(UNSUR_CODES):
            s = sum(u["sums"][j] for u in units)
            n = sum(u["ns"][j] for u in units)
            nrr = Fraction(s, n)
            pooled.append(
                {"code": code, "exact": {"nrr": [nrr.numerator, nrr.denominator]}, "nrr": nrr}
            )
        for group in lowest(pooled, 3):
            counts = {
                u["code"]: sum(1 for x in units if any(y["code"] == u["code"] for y in x["lowest"]))
                for u in group
            }
            low_groups.append(
                {
                    "nrr": nf.bulat(group[0]["nrr"], 2),
                    "unsur": [
                        {
                            "code": u["code"],
                            "name": UNSUR_NAMES[u["code"]],
                            "units": nf.angka(counts[u["code"]], 0),
                        }
                        for u in group
                    ],
                    "label": nf.daftar([f"{u['code']} {UNSUR_NAMES[u['code']]}" for u in group]),
                    # where each was a unit's own lowest unsur (those never lowest left out)
                    "where": nf.daftar(
                        [f"{code} di {nf.angka(n, 0)} unit" for code, n in counts.items() if n]
                    ),
                }
            )
    data: dict[str, Any] = {
        "title": "Rekapitulasi Hasil Survei Kepuasan Masyarakat",
        "instansi": clean(instansi or ""),
        "year": str(rekap["year"]),
        "n_units": nf.angka(rekap.get("n_units", 0), 0),
        "n_resp": nf.angka(sum(u["n"] for u in units), 0),
        "mean": None,
        "pooled": None,
        "by_mutu": by_mutu,
        "lowest": low_groups,
        "missing": nf.angka(len(rekap.get("missing", [])) + len(rekap.get("failed", [])), 0),
        "named": REKAP_NAMED,
        "min_pt": MIN_PT,
    }
    if prov:
        for key in ("mean_of_units", "pooled"):
            v = prov[key]
            band = classify(v["display"])
            data["mean" if key == "mean_of_units" else "pooled"] = {
                "ikm": nf.angka(v["display"]),
                "mutu": v["mutu"],
                "kinerja": band.kinerja,
                "colour": MUTU_COLOURS[v["mutu"]],
            }
    data["alt"] = (
        f"Infografis rekapitulasi SKM tahun {data['year']}: {data['n_units']} unit pelayanan, "
        f"{data['n_resp']} responden. "
        + (
            f"Rata-rata IKM unit {data['mean']['ikm']} (mutu {data['mean']['mutu']}), IKM "
            f"gabungan {data['pooled']['ikm']} (mutu {data['pooled']['mutu']}). "
            if data["mean"]
            else ""
        )
        + "Sebaran mutu: "
        + "; ".join(f"{m['mutu']} {m['n']} unit ({m['pct']})" for m in by_mutu)
        + "."
    )
    return data


def render_rekap(
    qmd: Path, params: dict, outputs: dict[str, Path], *, source_date_epoch: int
) -> dict:
    """The recap infographic: same two layouts and checks as the unit's."""
    return render(
        qmd, params, outputs, source_date_epoch=source_date_epoch, too_long=TOO_LONG_REKAP
    )
