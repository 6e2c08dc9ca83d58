"""Snakemake shim: the realisation of a year's RTL and its report (rule render_tindak_lanjut).

rtl.yaml + realisasi.yaml + this year's and next year's ikm.json -> tindak_lanjut.json (the
realisation with its dampak; next year's Laporan shows it too), then the Laporan Hasil Tindak
Lanjut (PDF, DOCX, HTML). Each `<name>_path` parameter the notebook declares is the job's
input or output of that name.
"""

import re
from pathlib import Path

from skm.audit.provenance import document_epoch
from skm.contracts import read_ikm, read_settings
from skm.io import read_json, write_json
from skm.render import KernelSession, render_qmd
from skm.report.cover import cover_metadata
from skm.report.tindak_lanjut import prepare
from skm.shim import log_render, notebook_paths, step

snakemake = globals()["snakemake"]
TITLE = "Laporan Hasil Tindak Lanjut Survei Kepuasan Masyarakat"

with step(snakemake.log[0]) as log:
    inp, out = snakemake.input, snakemake.output
    settings = read_settings(inp.settings)
    epoch = document_epoch(settings)
    # Jupyter starts while the realisation is worked out.
    with KernelSession(Path(inp.notebook).parent, epoch) as kernel:
        nxt = read_ikm(inp.ikm_next[0]) if inp.ikm_next else None
        tl = prepare(
            inp.rtl,
            inp.realisasi,
            read_ikm(inp.ikm),
            nxt,
            inp.rtl_next[0] if inp.rtl_next else None,
        )
        for w in tl["warnings"]:
            log.warning("%s: %s", inp.rtl, w)
        for w in tl["notes"]:  # the notes are markdown for the documents; the log: plain text
            log.warning("%s: %s", inp.realisasi, re.sub(r"\\(.)", r"\1", w))
        for w in tl["timing"]:
            log.warning("%s: %s", inp.realisasi, w)
        write_json(tl, out.tl)
        log.info(
            "Realisasi tindak lanjut %s%% (%d dari %d rencana).",
            tl["pct"],
            tl["n_done"],
            tl["n_planned"],
        )
        timings = render_qmd(
            Path(inp.notebook),
            {fmt: Path(out[fmt]) for fmt in ("pdf", "docx", "html")},
            notebook_paths(inp.notebook, inp, out),
            source_date_epoch=epoch,
            metadata=cover_metadata(settings, TITLE, read_json(out.tl)),
            kernel=kernel,
        )
        log_render(log, "Laporan Hasil Tindak Lanjut", timings)
