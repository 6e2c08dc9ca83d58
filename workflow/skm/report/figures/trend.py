"""The figures across years and units: the IKM trend of a unit and the recap of a province."""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from skm import numfmt as nf
from skm.report.figures.style import (
    BAND_FILL,
    BAND_TEXT,
    BAR,
    LABEL_BOX,
    REKAP_NAMED_MAX_CM,
    band_edges,
    konversi_axis,
    new_figure,
    placeholder,
    shade_bands,
    styled,
    wrap,
)


@styled
def fig_tren(tren: dict) -> Figure:
    """IKM konversi per year against the mutu bands (hollow marker: from an earlier report)."""
    rows = tren["rows"]
    fig = new_figure(6.5)
    ax = fig.add_subplot()
    values = [r["ikm_konversi"] for r in rows]
    low = max(25.0, min([*values, 76.61]) - 6)
    for mutu, kinerja, b_low, b_high in band_edges("konversi"):
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


@styled
def fig_rekap(rekap: dict) -> Figure:
    """Every unit's IKM (ranked) with its 95 % interval, over the shaded mutu bands.

    Units are named on the axis as long as the chart fits on a page with a row per unit as
    tall as its longest (wrapped) name; beyond that the chart shows the distribution and the
    ranking table names the units.
    """
    units = rekap["units"]
    if not units:
        return placeholder("Belum ada unit dengan nilai IKM pada tahun ini.")
    labels = [wrap(u["name"], 34) for u in units]
    lines = max(label.count("\n") + 1 for label in labels)
    height = 3.5 + (0.14 + 0.3 * lines) * len(units)  # 7-pt lines take 0.3 cm each
    named = height <= REKAP_NAMED_MAX_CM
    fig = new_figure(height if named else 12.5)
    ax = fig.add_subplot()
    shade_bands(ax, "konversi")
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
    konversi_axis(ax)
    fig.legend(handles=handles, loc="outside lower center", ncols=2, fontsize=7)
    return fig
