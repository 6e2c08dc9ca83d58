"""The figures of one unit-year: NRR per unsur, answers per unsur, the respondents' profile,
IKM per layanan, and `save_all`, which draws them all for the Laporan."""

from __future__ import annotations

from collections.abc import Callable
from fractions import Fraction
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from skm import numfmt as nf
from skm.domain import DEFAULT_LABELS
from skm.report.figures.style import (
    BAR,
    EXPECTED_DEMOGRAFI,
    FIELD_TITLES,
    LEVEL_COLORS,
    LEVEL_NAMES,
    LEVEL_TEXT,
    MUTED,
    NOT_FILLED,
    clear_of_line,
    konversi_axis,
    log,
    new_figure,
    placeholder,
    save,
    shade_bands,
    styled,
    unsur_label,
    value_label,
    why_absent,
    wrap,
)

# --------------------------------------------------------------------------------------------
# Figures
# --------------------------------------------------------------------------------------------


@styled
def fig_nrr_unsur(ikm: dict) -> Figure:
    """NRR per unsur (1..4) as horizontal bars over the shaded A/B/C/D bands, with the IKM line."""
    rows = ikm["unsur"]
    fig = new_figure(10.5)
    ax = fig.add_subplot()
    shade_bands(ax, "nrr")
    y = list(range(len(rows)))
    labels = []
    for i, row in zip(y, rows, strict=True):
        if row.get("nrr") is None:
            ax.text(1.05, i, "tidak ada jawaban", va="center", fontsize=7.5, color=MUTED)
            continue
        ax.barh(i, row["nrr"] - 1, left=1, height=0.62, color=BAR, zorder=2)
        labels.append(
            (
                value_label(
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
    ax.set_yticks(y, [unsur_label(r) for r in rows], fontsize=7.5)
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
    clear_of_line(fig, ax, labels, ikm.get("ikm"), 0.03)
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
    text = unsur_label(row)
    if words and len(words) == 4 and str(words[3]).strip():
        text += "\n" + wrap(f"4 = {str(words[3]).strip()}", 30)
    return text


@styled
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
    fig = new_figure(12)
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


@styled
def fig_responden(ikm: dict, field: str) -> Figure:
    """Respondents per category of one demographic field: counts and Indonesian percentages.

    Categories keep ikm.json's order (zero-count categories shown); values outside the
    configured categories and "Tidak diisi" are drawn in grey.
    """
    data = ikm.get("demografi", {}).get(field)
    if not data or not data.get("categories"):
        return placeholder(
            f"Data {FIELD_TITLES.get(field, field)} tidak tersedia: "
            f"{why_absent(ikm, field, 'kuesioner tidak menanyakannya')}."
        )
    cats = data["categories"]
    fig = new_figure(2.2 + 0.75 * len(cats))
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
    ax.set_yticks(range(len(cats)), [wrap(c["label"], 32) for c in cats], fontsize=7.5)
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


@styled
def fig_ikm_layanan(ikm: dict) -> Figure:
    """IKM konversi per jenis layanan (25..100) over the shaded bands, with n and the unit line."""
    groups = ikm.get("by_layanan") or {}
    if not groups:
        why = why_absent(ikm, "layanan", "kuesioner tidak menanyakan jenis layanan")
        return placeholder(f"IKM per jenis layanan tidak tersedia: {why}.")
    order = [
        c["label"]
        for c in ikm.get("demografi", {}).get("layanan", {}).get("categories", [])
        if c["label"] in groups
    ]
    order += [k for k in groups if k not in order]
    fig = new_figure(3.4 + 1.0 * len(order))
    ax = fig.add_subplot()
    shade_bands(ax, "konversi")
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
                value_label(
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
    ax.set_yticks(range(len(order)), [wrap(k, 32) for k in order], fontsize=7.5)
    ax.set_ylim(len(order) - 0.5, -0.5)
    konversi_axis(ax)
    if handles:
        fig.legend(handles=handles, loc="outside lower center")
    clear_of_line(fig, ax, labels, ikm.get("ikm_konversi"), 0.8)
    return fig


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
