"""The report's figures, in one house style (``workflow/matplotlibrc``), from ikm.json.

Every function takes the parsed ikm.json dict and returns a matplotlib ``Figure`` (made without
pyplot, so nothing global is left behind); `save_all` writes the PNG files the report shows.
Printed numbers come from the ``display`` strings of ikm.json (already rounded half-up once, in
`skm.scoring.ikm`) and are only re-formatted with a comma decimal here; values computed here
(answer shares) are rounded with `skm.domain.round_half_up` first. PNG (PDF, DOCX) and SVG
(HTML) output is byte-identical between runs: fixed dpi, no software/date metadata, fixed SVG
id salt.

Longer than 500 lines: six figure functions that share one set of helpers (band shading,
label placement clear of the IKM line, the konversi axis); split by figure only if it grows.
"""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from functools import wraps
from pathlib import Path
from typing import Any

import matplotlib as mpl
import pandas as pd
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from skm import numfmt as nf
from skm.domain import BANDS, DEFAULT_LABELS, KONVERSI, PROFILE_FIELDS, UNSUR_NAMES
from skm.render.fonts import FONTS_DIR

log = logging.getLogger("skm")

RC_FILE = Path(__file__).resolve().parents[2] / "matplotlibrc"
FONT_DIR = FONTS_DIR

CM = 1 / 2.54
WIDTH = 16 * CM
DPI = 200

#: Light fill of each mutu band (D, C, B, A) and a darker tone for its letter.
BAND_FILL = {"D": "#f6d5d1", "C": "#fbe8c8", "B": "#e3efd6", "A": "#d3e7f2"}
BAND_TEXT = {"D": "#a33a2d", "C": "#9a6a12", "B": "#4f7a2a", "A": "#2a6a92"}
BAR = "#2f4b7c"
MUTED = "#9e9e9e"
#: Value labels sit on a light box so a reference line behind them never cuts a digit.
LABEL_BOX = {"boxstyle": "square,pad=0.12", "facecolor": "white", "alpha": 0.85, "lw": 0}

#: Answer levels 1..4 in the legend: each unsur words its answers differently, so the words
#: of its level 4 are printed under its name (`_answer_label`).
LEVEL_NAMES = ("Nilai 1", "Nilai 2", "Nilai 3", "Nilai 4")
LEVEL_COLORS = ("#b2182b", "#ef8a62", "#67a9cf", "#2166ac")
LEVEL_TEXT = ("white", "#262626", "#262626", "white")

#: Printed names of the demographic fields of ikm.json ('jenis kelamin').
FIELD_TITLES = PROFILE_FIELDS
#: Files the report always shows; drawn as a "not asked" note when the data lack them.
EXPECTED_DEMOGRAFI = ("jenis_kelamin", "pendidikan", "pekerjaan")

#: The category skm.scoring.ikm gives to a blank demographic answer.
NOT_FILLED = "Tidak diisi"


# --------------------------------------------------------------------------------------------
# Style and formatting
# --------------------------------------------------------------------------------------------


def _register_fonts() -> None:
    """Make the report's shipped Noto Sans available to matplotlib (once)."""
    if getattr(_register_fonts, "done", False):
        return
    for path in sorted(FONT_DIR.glob("NotoSans-*.ttf")):
        font_manager.fontManager.addfont(str(path))
    _register_fonts.done = True  # type: ignore[attr-defined]


@contextmanager
def house_style() -> Iterator[None]:
    """Temporarily apply ``workflow/matplotlibrc`` (on top of matplotlib's defaults)."""
    _register_fonts()
    if RC_FILE.exists():
        with mpl.rc_context(fname=str(RC_FILE)):
            yield
    else:  # an installed package without the repository around it
        log.warning("%s not found: figures use matplotlib's defaults", RC_FILE)
        with mpl.rc_context():
            yield


def _styled(func: Callable[..., Figure]) -> Callable[..., Figure]:
    """Build the figure inside `house_style` (artists keep the style after the block)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with house_style():
            return func(*args, **kwargs)

    return wrapper


def _wrap(text: str, width: int = 24) -> str:
    return textwrap.fill(text, width=width, break_long_words=False)


def _unsur_label(row: dict) -> str:
    name = row.get("name") or UNSUR_NAMES.get(row["code"], row["code"])
    return _wrap(f"{row['code']}  {name}", 30)


def _band_edges(scale: str) -> list[tuple[str, str, float, float]]:
    """(mutu, kinerja, low, high) of each band on the konversi (25..100) or 1..4 scale."""
    div = 1 if scale == "konversi" else KONVERSI
    edges = []
    for i, band in enumerate(BANDS):
        low = float(band.low) / div if i else (25.0 / div)
        high = float(BANDS[i + 1].low) / div if i + 1 < len(BANDS) else 100.0 / div
        edges.append((band.mutu, band.kinerja, low, high))
    return edges


def _shade_bands(ax, scale: str) -> None:
    """Light vertical band per mutu, named on a secondary axis above the plot."""
    centres, names = [], []
    for mutu, kinerja, low, high in _band_edges(scale):
        ax.axvspan(low, high, color=BAND_FILL[mutu], zorder=0, lw=0)
        centres.append((low + high) / 2)
        names.append(f"{mutu}\n{kinerja}")
    top = ax.secondary_xaxis("top")
    top.set_xticks(centres, names, fontsize=7, linespacing=1.1)
    top.tick_params(length=0, pad=2)
    for label, (mutu, *_rest) in zip(top.get_xticklabels(), _band_edges(scale), strict=True):
        label.set_color(BAND_TEXT[mutu])
        label.set_fontweight("bold")
    top.spines["top"].set_visible(False)


def _value_label(
    ax, x: float, y: float, text: str, *, inside_from: float, pad: float, **kwargs: Any
):
    """Label a bar end: beside it, or inside it (white) when the bar nearly fills the axis."""
    if x >= inside_from:
        return ax.text(x - pad, y, text, ha="right", va="center", color="white", zorder=4, **kwargs)
    return ax.text(x + pad, y, text, ha="left", va="center", zorder=4, bbox=LABEL_BOX, **kwargs)


def _clear_of_line(fig: Figure, ax, labels: list, line_x: float | None, pad: float) -> None:
    """Move value labels that the dashed IKM line would cross to a place it does not.

    A label beside a bar that ends just short of the line is moved to the other side of the
    line; if it does not fit there, it goes inside its bar (white). Positions are checked on
    the laid-out figure (constrained layout), in display pixels, with a 2 px margin.
    """
    if line_x is None or not labels:
        return
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    if not isinstance(fig.canvas, FigureCanvasAgg):
        FigureCanvasAgg(fig)
    fig.draw_without_rendering()
    renderer = fig.canvas.get_renderer()
    line_px = ax.transData.transform((line_x, 0))[0]
    right_px = ax.transAxes.transform((1, 0))[0]

    def crosses(text) -> bool:
        box = text.get_window_extent(renderer)
        return box.x0 - 2 <= line_px <= box.x1 + 2

    for text, bar_end, bar_left in labels:
        if not crosses(text):
            continue
        y = text.get_position()[1]
        width_px = text.get_window_extent(renderer).width
        beyond = ax.transData.transform((line_x + pad, 0))[0]
        if line_x > bar_end and beyond + width_px <= right_px:
            text.set_position((line_x + pad, y))
            text.set_ha("left")
            continue
        # inside the bar, left of whichever comes first: the bar end or the line
        end = min(bar_end, line_x) if line_x > bar_left else bar_end
        text.set_position((end - pad, y))
        text.set_ha("right")
        text.set_color("white")
        text.set_bbox(None)
        if crosses(text):  # the bar is too short for it: beyond the line after all
            text.set_position((line_x + pad, y))
            text.set_ha("left")
            text.set_color(mpl.rcParams["text.color"])
            text.set_bbox(LABEL_BOX)


def _konversi_axis(ax) -> None:
    """x axis on the konversi scale (25..100) with ticks at the mutu thresholds."""
    ax.set_xlim(25, 100)
    ticks = [25.0, *(float(b.low) for b in BANDS[1:]), 100.0]
    ax.xaxis.set_major_locator(FixedLocator(ticks))
    ax.xaxis.set_major_formatter(
        FuncFormatter(lambda v, _: nf.desimal(f"{v:.2f}".rstrip("0").rstrip(".")))
    )
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel("IKM unit pelayanan (nilai konversi, 25–100)")


#: Tallest recap chart that still names every unit (the A4 text height is 24,7 cm).
REKAP_NAMED_MAX_CM = 23.0


def _why_absent(ikm: dict, field: str, default: str) -> str:
    """Why a field has no data (ikm.json `kolom_opsional`, from the ingest)."""
    status = ikm.get("kolom_opsional", {}).get(field)
    return {
        "tidak_ditemukan": "kolom tidak ditemukan dalam file ekspor",
        "tidak_ditanyakan": "tidak ditanyakan dalam formulir",
    }.get(status or "", default)


def _new_figure(height_cm: float) -> Figure:
    return Figure(figsize=(WIDTH, height_cm * CM), layout="constrained")


# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


@_styled
def fig_nrr_unsur(ikm: dict) -> Figure:
    """NRR per unsur (1..4) as horizontal bars over the shaded A/B/C/D bands, with the IKM line."""
    rows = ikm["unsur"]
    fig = _new_figure(10.5)
    ax = fig.add_subplot()
    _shade_bands(ax, "nrr")
    y = list(range(len(rows)))
    labels = []
    for i, row in zip(y, rows, strict=True):
        if row.get("nrr") is None:
            ax.text(1.05, i, "tidak ada jawaban", va="center", fontsize=7.5, color=MUTED)
            continue
        ax.barh(i, row["nrr"] - 1, left=1, height=0.62, color=BAR, zorder=2)
        labels.append(
            (
                _value_label(
                    ax,
                    row["nrr"],
                    i,
                    f"{nf.desimal(row['display']['nrr'])} ({row['mutu']})",
                    inside_from=3.8,
                    pad=0.03,
                    fontsize=7.5,
                ),
                row["nrr"],
                1,
            )
        )
    handles = []
    if ikm.get("ikm") is not None:
        ax.axvline(ikm["ikm"], color="#262626", lw=0.9, ls=(0, (4, 2)), zorder=3)
        disp = ikm.get("display", {})
        handles.append(
            Line2D(
                [],
                [],
                color="#262626",
                lw=0.9,
                ls=(0, (4, 2)),
                label=(
                    f"IKM {nf.desimal(disp['ikm'])} (konversi {nf.desimal(disp['ikm_konversi'])},"
                    f" mutu {ikm.get('mutu', '')})"
                ),
            )
        )
    ax.set_yticks(y, [_unsur_label(r) for r in rows], fontsize=7.5)
    ax.invert_yaxis()
    ax.tick_params(axis="y", length=0)
    ax.set_xlim(1, 4)
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.xaxis.set_major_locator(FixedLocator([1, 1.5, 2, 2.5, 3, 3.5, 4]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: nf.desimal(f"{v:.1f}")))
    ax.set_xlabel("Nilai rata-rata per unsur (NRR, skala 1–4)")
    ax.spines["left"].set_visible(False)
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncols=1)
    _clear_of_line(fig, ax, labels, ikm.get("ikm"), 0.03)
    return fig


def _answer_counts(ikm: dict, responses: pd.DataFrame | None) -> list[dict[int, int]]:
    out = []
    for row in ikm["unsur"]:
        counts = row.get("counts")
        if counts is None and responses is not None and row["code"] in responses:
            col = pd.to_numeric(responses[row["code"]], errors="coerce").dropna()
            counts = {str(k): int((col == k).sum()) for k in (1, 2, 3, 4)}
        out.append({k: int((counts or {}).get(str(k), 0)) for k in (1, 2, 3, 4)})
    return out


def _answer_label(row: dict, labels: dict | None) -> str:
    """An unsur's axis label with the words of its level 4 ("U4  Biaya/Tarif / 4 = Gratis")."""
    words = (labels or {}).get(row["code"]) or row.get("labels") or DEFAULT_LABELS.get(row["code"])
    text = _unsur_label(row)
    if words and len(words) == 4 and str(words[3]).strip():
        text += "\n" + _wrap(f"4 = {str(words[3]).strip()}", 30)
    return text


@_styled
def fig_jawaban_unsur(
    ikm: dict, responses: pd.DataFrame | None = None, labels: dict[str, list[str]] | None = None
) -> Figure:
    """Diverging stacked bars: answers 1-2 left of zero, 3-4 right, as % of each unsur's n.

    Counts come from ikm.json (``unsur[].counts``); `responses` is only a fallback. `labels`
    ({code: the four answer labels}, settings.json's ``labels``) name each unsur's level 4 on
    its axis label; without them the regulation's standard labels (`DEFAULT_LABELS`).
    """
    rows = ikm["unsur"]
    counts = _answer_counts(ikm, responses)
    fig = _new_figure(12)
    ax = fig.add_subplot()
    max_left = 0.0
    for i, c in enumerate(counts):
        n = sum(c.values())
        if not n:
            ax.text(1, i, "tidak ada jawaban", va="center", fontsize=7.5, color=MUTED)
            continue
        share = {k: Fraction(100 * v, n) for k, v in c.items()}
        segments = (  # (level, left edge, width)
            (2, -float(share[2]), float(share[2])),
            (1, -float(share[1] + share[2]), float(share[1])),
            (3, 0.0, float(share[3])),
            (4, float(share[3]), float(share[4])),
        )
        max_left = max(max_left, float(share[1] + share[2]))
        for level, left, width in segments:
            if width <= 0:
                continue
            ax.barh(i, width, left=left, height=0.66, color=LEVEL_COLORS[level - 1], zorder=2)
            if level >= 3 and width >= 7:
                ax.text(
                    left + width / 2,
                    i,
                    nf.persen_bulat(share[level], 0),
                    ha="center",
                    va="center",
                    fontsize=6.5,
                    color=LEVEL_TEXT[level - 1],
                    zorder=3,
                )
        negative = share[1] + share[2]
        if negative:  # the 1-2 side is thin: one total beside it instead of inside labels
            ax.text(
                -float(negative) - 1,
                i,
                nf.persen_bulat(negative, 0),
                ha="right",
                va="center",
                fontsize=6.5,
                color=LEVEL_COLORS[0],
                zorder=3,
            )
    ax.axvline(0, color="#262626", lw=0.8, zorder=3)
    left_limit = max(20, 10 * (int(max_left + 8) // 10 + 1))  # room for the total label
    ax.set_xlim(-left_limit, 100)
    ax.xaxis.set_major_locator(MaxNLocator(steps=[1, 2, 2.5, 5, 10], nbins=8))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{abs(v):.0f}%"))
    ax.grid(axis="x", zorder=0)
    ax.set_yticks(
        range(len(rows)), [_answer_label(r, labels) for r in rows], fontsize=7.5, linespacing=1.1
    )
    ax.set_ylim(len(rows) - 0.5, -0.5)
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel("Persentase jawaban (jawaban 1–2 di kiri garis nol, 3–4 di kanan)")
    handles = [
        Patch(color=col, label=name) for col, name in zip(LEVEL_COLORS, LEVEL_NAMES, strict=True)
    ]
    fig.legend(
        handles=handles, loc="outside upper center", ncols=4, handlelength=1.2, columnspacing=1.4
    )
    return fig


@_styled
def fig_responden(ikm: dict, field: str) -> Figure:
    """Respondents per category of one demographic field: counts and Indonesian percentages.

    Categories keep ikm.json's order (zero-count categories shown); values outside the
    configured categories and "Tidak diisi" are drawn in grey.
    """
    data = ikm.get("demografi", {}).get(field)
    if not data or not data.get("categories"):
        return placeholder(
            f"Data {FIELD_TITLES.get(field, field)} tidak tersedia: "
            f"{_why_absent(ikm, field, 'kuesioner tidak menanyakannya')}."
        )
    cats = data["categories"]
    fig = _new_figure(2.2 + 0.75 * len(cats))
    ax = fig.add_subplot()
    top = max((c["count"] for c in cats), default=0) or 1
    any_grey = False
    for i, cat in enumerate(cats):
        grey = not cat.get("matched", True) or cat["label"] == NOT_FILLED
        any_grey |= grey
        ax.barh(i, cat["count"], height=0.6, color=MUTED if grey else BAR, zorder=2)
        ax.text(
            cat["count"] + top * 0.015,
            i,
            f"{nf.angka(cat['count'], 0)} ({nf.desimal(cat['display_pct'])}%)",
            va="center",
            ha="left",
            fontsize=7.5,
        )
    ax.set_yticks(range(len(cats)), [_wrap(c["label"], 32) for c in cats], fontsize=7.5)
    ax.set_ylim(len(cats) - 0.5, -0.5)
    ax.set_xlim(0, top * 1.25)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=6, steps=[1, 2, 5, 10]))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _: nf.desimal(f"{v:.0f}")))
    ax.tick_params(axis="y", length=0)
    ax.spines["left"].set_visible(False)
    ax.set_xlabel(f"Jumlah responden (n = {nf.angka(data['n'], 0)})")
    ax.grid(axis="x", zorder=0)
    if any_grey:
        fig.legend(
            handles=[Patch(color=MUTED, label="di luar kategori yang ditetapkan atau tidak diisi")],
            loc="outside lower right",
            fontsize=7,
        )
    return fig


@_styled
def fig_ikm_layanan(ikm: dict) -> Figure:
    """IKM konversi per jenis layanan (25..100) over the shaded bands, with n and the unit line."""
    groups = ikm.get("by_layanan") or {}
    if not groups:
        why = _why_absent(ikm, "layanan", "kuesioner tidak menanyakan jenis layanan")
        return placeholder(f"IKM per jenis layanan tidak tersedia: {why}.")
    order = [
        c["label"]
        for c in ikm.get("demografi", {}).get("layanan", {}).get("categories", [])
        if c["label"] in groups
    ]
    order += [k for k in groups if k not in order]
    fig = _new_figure(3.4 + 1.0 * len(order))
    ax = fig.add_subplot()
    _shade_bands(ax, "konversi")
    labels = []
    for i, name in enumerate(order):
        g = groups[name]
        n = f"n = {nf.angka(g['n'], 0)}"
        if g.get("ikm_konversi") is None:
            ax.text(26, i, f"tidak dapat dihitung ({n})", va="center", fontsize=7.5, color=MUTED)
            continue
        ax.barh(i, g["ikm_konversi"] - 25, left=25, height=0.6, color=BAR, zorder=2)
        labels.append(
            (
                _value_label(
                    ax,
                    g["ikm_konversi"],
                    i,
                    f"{nf.desimal(g['display']['ikm_konversi'])} ({g['mutu']})\n{n}",
                    inside_from=93,
                    pad=0.8,
                    fontsize=7,
                    linespacing=1.15,
                ),
                g["ikm_konversi"],
                25,
            )
        )
    handles = []
    if ikm.get("ikm_konversi") is not None:
        ax.axvline(ikm["ikm_konversi"], color="#262626", lw=0.9, ls=(0, (4, 2)), zorder=3)
        handles.append(
            Line2D(
                [],
                [],
                color="#262626",
                lw=0.9,
                ls=(0, (4, 2)),
                label=(
                    f"IKM unit {nf.desimal(ikm['display']['ikm_konversi'])} (mutu {ikm.get('mutu', '')},"
                    f" n = {nf.angka(ikm['n_valid'], 0)})"
                ),
            )
        )
    ax.set_yticks(range(len(order)), [_wrap(k, 32) for k in order], fontsize=7.5)
    ax.set_ylim(len(order) - 0.5, -0.5)
    _konversi_axis(ax)
    if handles:
        fig.legend(handles=handles, loc="outside lower center")
    _clear_of_line(fig, ax, labels, ikm.get("ikm_konversi"), 0.8)
    return fig


@_styled
def fig_tren(tren: dict) -> Figure:
    """IKM konversi per year against the mutu bands (hollow marker: from an earlier report)."""
    rows = tren["rows"]
    fig = _new_figure(6.5)
    ax = fig.add_subplot()
    values = [r["ikm_konversi"] for r in rows]
    low = max(25.0, min([*values, 76.61]) - 6)
    for mutu, kinerja, b_low, b_high in _band_edges("konversi"):
        if b_high <= low:
            continue
        ax.axhspan(max(b_low, low), b_high, color=BAND_FILL[mutu], zorder=0, lw=0)
        ax.text(
            1.01,
            (max(b_low, low) + b_high) / 2,
            f"{mutu}",
            transform=ax.get_yaxis_transform(),
            va="center",
            fontsize=8,
            color=BAND_TEXT[mutu],
            fontweight="bold",
        )
    xs = [r["year"] for r in rows]
    ax.plot(xs, values, color=BAR, lw=1.4, zorder=2)
    for r in rows:
        ax.plot(
            [r["year"]],
            [r["ikm_konversi"]],
            marker="o",
            ms=6,
            color=BAR,
            mfc=BAR if r["from_data"] else "white",
            zorder=3,
        )
        ax.annotate(
            nf.desimal(r["display"]),
            (r["year"], r["ikm_konversi"]),
            textcoords="offset points",
            xytext=(0, 8),
            ha="center",
            fontsize=8,
            bbox=LABEL_BOX,
            zorder=4,
        )
    ax.set_xticks(xs, [str(x) for x in xs])
    ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    ax.set_ylim(low, 100)
    ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: nf.desimal(f"{v:.0f}")))
    ax.set_ylabel("IKM (nilai konversi)")
    if not all(r["from_data"] for r in rows):
        fig.legend(
            handles=[
                Line2D(
                    [],
                    [],
                    marker="o",
                    color=BAR,
                    mfc="white",
                    lw=0,
                    label="diambil dari laporan terdahulu",
                )
            ],
            loc="outside lower center",
            fontsize=7.5,
        )
    return fig


@_styled
def fig_rekap(rekap: dict) -> Figure:
    """Every unit's IKM (ranked) with its 95 % interval, over the shaded mutu bands.

    Units are named on the axis as long as the chart fits on a page with a row per unit as
    tall as its longest (wrapped) name; beyond that the chart shows the distribution and the
    ranking table names the units.
    """
    units = rekap["units"]
    if not units:
        return placeholder("Belum ada unit dengan nilai IKM pada tahun ini.")
    labels = [_wrap(u["name"], 34) for u in units]
    lines = max(label.count("\n") + 1 for label in labels)
    height = 3.5 + (0.14 + 0.3 * lines) * len(units)  # 7-pt lines take 0.3 cm each
    named = height <= REKAP_NAMED_MAX_CM
    fig = _new_figure(height if named else 12.5)
    ax = fig.add_subplot()
    _shade_bands(ax, "konversi")
    y = list(range(len(units)))
    for i, u in zip(y, units, strict=True):
        if u.get("ci95_values"):
            lo, hi = u["ci95_values"]
            ax.plot([lo, hi], [i, i], color="#555555", lw=0.8 if named else 0.4, zorder=2)
        ax.plot(
            [u["ikm_konversi"]],
            [i],
            marker="o",
            ms=4 if named else 2,
            zorder=3,
            color=BAR if u["mutu_certain"] in (True, None) else "#c0392b",
        )
    prov = rekap.get("province", {})
    handles = [
        Line2D([], [], marker="o", color=BAR, lw=0.8, label="IKM unit dan interval 95%"),
        Line2D([], [], marker="o", color="#c0392b", lw=0, label="mutu belum pasti"),
    ]
    if prov:
        pooled = prov["pooled"]
        ax.axvline(pooled["value"], color="#262626", lw=0.9, ls=(0, (4, 2)), zorder=1)
        handles.append(
            Line2D(
                [],
                [],
                color="#262626",
                lw=0.9,
                ls=(0, (4, 2)),
                label=f"IKM gabungan seluruh responden {nf.desimal(pooled['display'])}",
            )
        )
    if named:
        ax.set_yticks(y, labels, fontsize=7)
    else:
        ax.set_yticks([])
        ax.set_ylabel(f"{len(units)} unit, berurutan dari IKM tertinggi")
    ax.set_ylim(len(units) - 0.5, -0.5)
    _konversi_axis(ax)
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=7)
    return fig


@_styled
def placeholder(message: str) -> Figure:
    """A small figure that says why a chart is missing (the report still finds its file)."""
    fig = _new_figure(3)
    fig.text(0.5, 0.5, _wrap(message, 70), ha="center", va="center", fontsize=9, color=MUTED)
    return fig


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


#: SVG ids are hashed with this salt (matplotlib's default is random per process).
SVG_HASHSALT = "skm"


def save(fig: Figure, path: Path | str, *, svg: bool = False) -> Path:
    """Write `fig` as a PNG that is byte-identical between runs (fixed dpi, no metadata).

    With `svg`, also an SVG twin next to it (same name, ``.svg``) for the HTML edition: text
    drawn as paths (no font needed, same look), a fixed id salt and no date, so its bytes are
    identical between runs as well. The PDF and DOCX keep the PNG.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with house_style():
        fig.savefig(path, dpi=DPI, format="png", metadata={"Software": None})
        if svg:
            with mpl.rc_context({"svg.hashsalt": SVG_HASHSALT, "svg.fonttype": "path"}):
                fig.savefig(
                    path.with_suffix(".svg"), format="svg", metadata={"Date": None, "Creator": None}
                )
    return path


def save_all(
    ikm: dict,
    responses: pd.DataFrame | None,
    outdir: Path | str,
    labels: dict[str, list[str]] | None = None,
) -> list[Path]:
    """Draw every figure of one unit-year into `outdir`; return the PNG files written.

    Writes nrr_unsur.png, jawaban_unsur.png, ikm_layanan.png and responden_<field>.png for every
    demographic field of ikm.json (jenis kelamin, pendidikan and pekerjaan always: as a short
    note when the form did not ask them, so the report's figure references never break), each
    with its SVG twin (`save`). `labels`: the unsur answer labels (`fig_jawaban_unsur`).
    """
    outdir = Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    figures: dict[str, Callable[[], Figure]] = {
        "nrr_unsur.png": lambda: fig_nrr_unsur(ikm),
        "jawaban_unsur.png": lambda: fig_jawaban_unsur(ikm, responses, labels),
        "ikm_layanan.png": lambda: fig_ikm_layanan(ikm),
    }
    fields = [f for f in ikm.get("demografi", {}) if ikm["demografi"][f].get("categories")]
    for field in dict.fromkeys([*EXPECTED_DEMOGRAFI, *fields]):
        figures[f"responden_{field}.png"] = lambda f=field: fig_responden(ikm, f)
    written = []
    for name, make in figures.items():
        written.append(save(make(), outdir / name, svg=True))
        log.info("figure %s", outdir / name)
    return written
