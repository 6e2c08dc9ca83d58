"""Snakemake shim: the Laporan SKM of a unit-year and what it rests on (rule render_laporan).

1. The year's photos copied without their metadata (EXIF, GPS) as PNG into foto/.
2. provenance.json: the SHA-256 of the raw files the documents show and the unit-year's
   effective settings (settings.json), never config.yaml; the software versions.
3. The Laporan SKM (PDF, DOCX, HTML), then the infographic (A4 PDF, 1080 x 1350 PNG), their
   notebooks executed in turn by one Jupyter kernel. Each `<name>_path` parameter a notebook
   declares is the job's input or output of that name ("" when an optional one is absent).
"""

from pathlib import Path

from skm.audit.provenance import RUN_COMMAND, document_epoch, input_hashes, versions
from skm.contracts import read_settings
from skm.ingest.images import clean_photos
from skm.io import write_json
from skm.render import KernelSession, render_qmd
from skm.report import infografis
from skm.report.cover import cover_metadata
from skm.shim import log_render, notebook_paths, render_timings, step

snakemake = globals()["snakemake"]
TITLE = "Laporan Survei Kepuasan Masyarakat"

with step(snakemake.log[0]) as log:
    inp, out = snakemake.input, snakemake.output
    settings = read_settings(inp.settings)
    epoch = document_epoch(settings)
    # Jupyter starts while the photos are cleaned and the inputs hashed.
    with KernelSession(Path(inp.notebook).parent, epoch) as kernel:
        foto = Path(out.foto)
        foto.mkdir(parents=True, exist_ok=True)
        clean_photos(list(inp.dokumentasi), foto)
        log.info("%d foto disalin tanpa metadata (EXIF, GPS).", len(inp.dokumentasi))

        hashed = [
            *inp.exports,
            *inp.unit_yaml,
            *inp.survei_yaml,
            *inp.plans,
            inp.settings,
            *inp.trend_inputs,
            *inp.photos,
        ]
        write_json(
            {"inputs": input_hashes(hashed), "versions": versions(), "command": RUN_COMMAND},
            out.provenance,
        )
        log.info("Sidik SHA-256 %d berkas masukan dicatat.", len(hashed))

        timings = render_qmd(
            Path(inp.notebook),
            {fmt: Path(out[fmt]) for fmt in ("pdf", "docx", "html")},
            notebook_paths(inp.notebook, inp, out),
            source_date_epoch=epoch,
            metadata=cover_metadata(settings, TITLE),
            kernel=kernel,
        )
        log_render(log, "Laporan SKM", timings)

        timings = infografis.render(
            Path(inp.notebook_infografis),
            notebook_paths(inp.notebook_infografis, inp, out),
            {"pdf": Path(out.infografis_pdf), "png": Path(out.infografis_png)},
            source_date_epoch=epoch,
            logo=infografis.logo_path(settings),
            kernel=kernel,
        )
        log.info("Infografis: %s", render_timings(timings))
