"""The report's figures, in one house style (``workflow/matplotlibrc``), from ikm.json.

Every function takes the parsed ikm.json dict and returns a matplotlib ``Figure`` (made without
pyplot, so nothing global is left behind); `save_all` writes the PNG files the report shows.
Printed numbers come from the ``display`` strings of ikm.json (already rounded half-up once, in
`skm.scoring.ikm`) and are only re-formatted with a comma decimal here; values computed here
(answer shares) are rounded with `skm.domain.round_half_up` first. PNG (PDF, DOCX) and SVG
(HTML) output is byte-identical between runs: fixed dpi, no software/date metadata, fixed SVG
id salt.

Modules: `style` (house style, shared helpers, `save`), `unit` (one unit-year's figures and
`save_all`), `trend` (trend and recap).
"""

from skm.report.figures.style import (
    DPI,
    RC_FILE,
    REKAP_NAMED_MAX_CM,
    house_style,
    placeholder,
    save,
)
from skm.report.figures.trend import fig_rekap, fig_tren
from skm.report.figures.unit import (
    fig_ikm_layanan,
    fig_jawaban_unsur,
    fig_nrr_unsur,
    fig_responden,
    save_all,
)

__all__ = [
    "DPI",
    "RC_FILE",
    "REKAP_NAMED_MAX_CM",
    "fig_ikm_layanan",
    "fig_jawaban_unsur",
    "fig_nrr_unsur",
    "fig_rekap",
    "fig_responden",
    "fig_tren",
    "house_style",
    "placeholder",
    "save",
    "save_all",
]
