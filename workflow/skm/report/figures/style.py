"""The figures' house style and files: the matplotlibrc, the shipped fonts, colours, band
shading, label placement, the konversi axis, and `save` (PNG and SVG byte-identical between runs)."""

from __future__ import annotations

import logging
import textwrap
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import wraps
from pathlib import Path
from typing import Any

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter

from skm import numfmt as nf
from skm.domain import BANDS, KONVERSI, PROFILE_FIELDS, UNSUR_NAMES
from skm.render.fonts import FONTS_DIR

log = logging.getLogger("skm")

RC_FILE = Path(__file__).resolve().parents[3] / "matplotlibrc"
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


def register_fonts() -> None:
    """Make the report's shipped Noto Sans available to matplotlib (once)."""
    if getattr(register_fonts, "done", False):
        return
    for path in sorted(FONT_DIR.glob("NotoSans-*.ttf")):
        font_manager.fontManager.addfont(str(path))
    register_fonts.done = True  # type: ignore[attr-defined]


@contextmanager
def house_style() -> Iterator[None]:
    """Temporarily apply ``workflow/matplotlibrc`` (on top of matplotlib's defaults)."""
    register_fonts()
    if RC_FILE.exists():
        with mpl.rc_context(fname=str(RC_FILE)):
            yield
    else:  # an installed package without the repository around it
        log.warning("%s not found: figures use matplotlib's defaults", RC_FILE)
        with mpl.rc_context():
            yield


def styled(func: Callable[..., Figure]) -> Callable[..., Figure]:
    """Build the figure inside `house_style` (artists keep the style after the block)."""

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with house_style():
            return func(*args, **kwargs)

    return wrapper


def wrap(text: str, width: int = 24) -> str:
    return textwrap.fill(text, width=width, break_long_words=False)


def unsur_label(row: dict) -> str:
    name = row.get("name") or UNSUR_NAMES.get(row["code"], row["code"])
    return wrap(f"{row['code']}  {name}", 30)


def band_edges(scale: str) -> list[tuple[str, str, float, float]]:
    """(mutu, kinerja, low, high) of each band on the konversi (25..100) or 1..4 scale."""
    div = 1 if scale == "konversi" else KONVERSI
    edges = []
    for i, band in enumerate(BANDS):
        low = float(band.low) / div if i else (25.0 / div)
        high = float(BANDS[i + 1].low) / div if i + 1 < len(BANDS) else 100.0 / div
        edges.append((band.mutu, band.kinerja, low, high))
    return edges


def shade_bands(ax, scale: str) -> None:
    """Light vertical band per mutu, named on a secondary axis above the plot."""
    centres, names = [], []
    for mutu, kinerja, low, high in band_edges(scale):
        ax.axvspan(low, high, color=BAND_FILL[mutu], zorder=0, lw=0)
        centres.append((low + high) / 2)
        names.append(f"{mutu}\n{kinerja}")
    top = ax.secondary_xaxis("top")
    top.set_xticks(centres, names, fontsize=7, linespacing=1.1)
    top.tick_params(length=0, pad=2)
    for label, (mutu, *_rest) in zip(top.get_xticklabels(), band_edges(scale), strict=True):
        label.set_color(BAND_TEXT[mutu])
        label.set_fontweight("bold")
    top.spines["top"].set_visible(False)


def value_label(
    ax, x: float, y: float, text: str, *, inside_from: float, pad: float, **kwargs: Any
):
    """Label a bar end: beside it, or inside it (white) when the bar nearly fills the axis."""
    if x >= inside_from:
        return ax.text(x - pad, y, text, ha="right", va="center", color="white", zorder=4, **kwargs)
    return ax.text(x + pad, y, text, ha="left", va="center", zorder=4, bbox=LABEL_BOX, **kwargs)


def clear_of_line(fig: Figure, ax, labels: list, line_x: float | None, pad: float) -> None:
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


def konversi_axis(ax) -> None:
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


def why_absent(ikm: dict, field: str, default: str) -> str:
    """Why a field has no data (ikm.json `kolom_opsional`, from the ingest)."""
    status = ikm.get("kolom_opsional", {}).get(field)
    return {
        "tidak_ditemukan": "kolom tidak ditemukan dalam file ekspor",
        "tidak_ditanyakan": "tidak ditanyakan dalam formulir",
    }.get(status or "", default)


def new_figure(height_cm: float) -> Figure:
    return Figure(figsize=(WIDTH, height_cm * CM), layout="constrained")


# --------------------------------------------------------------------------------------------
# Files
# --------------------------------------------------------------------------------------------


@styled
def placeholder(message: str) -> Figure:
    """A small figure that says why a chart is missing (the report still finds its file)."""
    fig = new_figure(3)
    fig.text(0.5, 0.5, wrap(message, 70), ha="center", va="center", fontsize=9, color=MUTED)
    return fig


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
