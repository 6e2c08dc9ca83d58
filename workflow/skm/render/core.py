"""Render a Quarto-format notebook (``.qmd``) to HTML, DOCX and PDF without the Quarto CLI.

The renderer implements the small part of Quarto that the SKM reports use, with three tools
that install from PyPI: a Jupyter kernel driven by nbclient, pandoc (``pypandoc-binary``) and
Typst (the ``typst`` wheel). Nothing is downloaded at run time and no LaTeX is involved.

Pipeline (:func:`render_qmd`):

1. Parse the ``.qmd`` (:mod:`skm.render.qmd`): YAML front matter, markdown chunks and
   ```` ```{python} ```` cells with ``#| key: value`` option lines. After the cell tagged
   ``parameters`` a cell setting the ``params`` from one JSON literal is injected.
2. Execute (:mod:`skm.render.kernel`) every cell in order in one fresh kernel started from the current interpreter
   (no user kernelspec needed), ``MPLBACKEND=Agg``; matplotlib figures left open by a cell
   are captured as PNG. Inline expressions `` `{python} expr` `` are evaluated in document
   order by hidden cells and their ``str()`` is inserted as-is (markdown).
3. Build one pandoc-markdown document (:mod:`skm.render.assemble`): cell outputs (``output: asis`` stdout is raw markdown),
   figures (``label: fig-*``, ``fig-cap``, ``fig-alt``), tables (``label: tbl-*``, ``tbl-cap``),
   ``{{< pagebreak >}}`` and ``{{< meta key >}}`` (source markdown only).
4. Run pandoc (:mod:`skm.render.pandoc`) to a self-contained HTML file, a DOCX on an A4
   reference document (finished by :mod:`skm.render.docx`), and Typst source compiled to PDF
   (:mod:`skm.render.typst`) with the fonts shipped in ``skm/render/fonts`` only. The first
   filter of every pass, ``templates/crossref.lua``, numbers the labelled figures and tables
   and resolves ``@fig-x``/``@tbl-x`` on pandoc's syntax tree, with the words of the front
   matter's ``crossref`` block (``fig-title: Gambar``, ``chapter-word: BAB``, ...): "Gambar 3.1"
   per ``# BAB III`` chapter, "L5.1" under ``# Lampiran 5``, plain "1, 2, ..." elsewhere.

Supported cell options: ``echo`` (default false), ``eval``, ``include``, ``output``
(true/false/asis), ``warning`` (default false: stderr is logged, not printed), ``label``,
``fig-cap``, ``fig-alt``, ``tbl-cap``, ``tags``. Supported front matter: ``title``,
``subtitle``, ``author``, ``date`` (``today`` = the ``source_date_epoch`` day), ``lang``
(default ``id-ID``), ``toc`` (default true), ``toc-depth`` (default 2), ``toc-title``, and
``crossref`` (the words above), ``cover``: ``agency``, ``unit``, ``period``, ``year``, ``address``, ``logo`` (``logo`` may
also be given at the top level; a path relative to the notebook's folder).

The same inputs give byte-identical HTML, DOCX and PDF (``SOURCE_DATE_EPOCH`` is passed to
pandoc, Typst and the kernel). Outputs are written to temporary files next to their final
paths and moved into place only when every requested format succeeded; temporary files that
a killed render left behind are removed when the same outputs are rendered again.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import glob
import logging
import os
import shutil
import tempfile
import time
from pathlib import Path
from typing import Any

from skm.numfmt import tanggal
from skm.render import docx
from skm.render.assemble import assemble, localize_images
from skm.render.errors import RenderError
from skm.render.kernel import KernelSession
from skm.render.pandoc import run_passes
from skm.render.qmd import parse_qmd
from skm.render.typst import typst_to_pdf
from skm.report import markdown as _md

__all__ = ["OUTPUT_FORMATS", "render_qmd"]

log = logging.getLogger(__name__)

OUTPUT_FORMATS = ("html", "docx", "pdf", "md")

# Front-matter keys that belong to Quarto/Jupyter, not to the document.
_QUARTO_ONLY_KEYS = {
    "format",
    "execute",
    "jupyter",
    "engine",
    "params",
    "crossref",
    "editor",
    "knitr",
    "filters",
    "freeze",
    "project",
    "number-sections",
}


#: The timed stages of a render (render_qmd's result), in the order they run.
STAGES = ("kernel", "execute", "pandoc_read", "pandoc_html", "pandoc_docx", "pandoc_typst", "typst")


def _document_meta(meta: dict[str, Any], toc_title: str, epoch: int) -> dict[str, Any]:
    doc = {k: v for k, v in meta.items() if k not in _QUARTO_ONLY_KEYS}
    doc.setdefault("lang", "id-ID")
    doc.setdefault("toc-title", toc_title)
    if str(doc.get("date", "")).strip().lower() in ("today", "now", "last-modified"):
        doc["date"] = tanggal(_dt.datetime.fromtimestamp(epoch, tz=_dt.UTC).date())
    elif isinstance(doc.get("date"), (_dt.date, _dt.datetime)):
        doc["date"] = tanggal(doc["date"])
    if "title" not in doc:
        doc["pagetitle"] = "Laporan"
    return doc


def _logo_path(
    meta: dict[str, Any], base: Path, qmd: Path, given: Any, workdir: Path
) -> Path | None:
    """The cover logo, copied into the render's folder as ``logo.<ext>`` (Typst reads no file
    outside that folder); None without a logo."""
    cover = meta.get("cover") if isinstance(meta.get("cover"), dict) else {}
    logo = given or cover.get("logo") or meta.get("logo")
    if not logo:
        return None
    path = (base / str(logo)).resolve()
    if not path.is_file():
        raise RenderError(f"{qmd}: berkas logo tidak ditemukan: {path}")
    from skm.ingest.settings import image_kind

    ext = image_kind(path)
    if ext is None:
        raise RenderError(
            f"{qmd}: berkas logo {path.name} bukan gambar PNG, JPEG atau GIF; ganti dengan "
            "gambar logo yang sah (kunci 'logo' di unit.yaml), lalu jalankan lagi"
        )
    copy = workdir / f"logo{ext}"
    shutil.copyfile(path, copy)
    return copy


def _remove_stale_temps(final: Path) -> None:
    """Delete temporary files that an interrupted render (a killed process) left next to
    ``final``: they are never a document, only clutter beside the published ones."""
    for stale in final.parent.glob(glob.escape(f".{final.name}.") + "*.part"):
        with contextlib.suppress(OSError):
            stale.unlink()


def _temp_sibling(final: Path) -> Path:
    """Create an empty temporary file next to ``final`` (normal permissions, umask applies)."""
    for _ in range(100):
        path = final.with_name(f".{final.name}.{os.urandom(6).hex()}.part")
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        os.close(fd)
        return path
    raise RenderError(f"cannot create a temporary file next to {final}")


def render_qmd(
    qmd: Path,
    outputs: dict[str, Path],
    params: dict,
    *,
    source_date_epoch: int,
    resource_dir: Path | None = None,
    toc_title: str = "Daftar Isi",
    metadata: dict | None = None,
    kernel: KernelSession | None = None,
) -> dict:
    """Render ``qmd`` to the requested formats.

    Args:
        qmd: The Quarto-format notebook.
        outputs: Output paths keyed by format: any of ``"html"``, ``"docx"``, ``"pdf"`` and
            ``"md"`` (the intermediate pandoc markdown, for debugging and tests).
        params: Values for the notebook's parameters cell (str, int, float, bool, None,
            Path, date, and lists/dicts of those).
        source_date_epoch: Seconds since the epoch used for every embedded timestamp; the
            same inputs and epoch give byte-identical outputs.
        resource_dir: Working directory of the kernel and base for relative paths (images,
            logo); defaults to the notebook's folder.
        toc_title: Title of the table of contents (front matter ``toc-title`` wins).
        metadata: Front-matter keys set by the caller (e.g. the title and ``cover`` of one
            unit-year); they replace the notebook's own.
        kernel: A running :class:`~skm.render.kernel.KernelSession` to execute the notebook
            in (several documents of one job share it); None starts a fresh kernel.

    Returns:
        Wall-clock seconds per stage (``kernel``, ``execute``, ``pandoc_read``, ``pandoc_html``,
        ``pandoc_docx``, ``pandoc_typst``, ``typst``; a stage not run is 0.0), plus
        ``missing_glyphs`` ({character: count} replaced by a square in the PDF) and
        ``stderr`` (what cells wrote to stderr, which is not printed by default).

    Raises:
        RenderError: with file:line and a short reason, for any failure. No output file is
            written or changed unless every requested format succeeded.
    """
    t_start = time.perf_counter()
    qmd = Path(qmd).resolve()
    unknown = set(outputs) - set(OUTPUT_FORMATS)
    if unknown:
        raise RenderError(f"unknown output format(s) {sorted(unknown)}; use {OUTPUT_FORMATS}")
    finals = {fmt: Path(p).resolve() for fmt, p in outputs.items()}
    for path in finals.values():
        if not path.parent.is_dir():
            raise RenderError(f"output folder does not exist: {path.parent}")
        _remove_stale_temps(path)
    base = Path(resource_dir).resolve() if resource_dir is not None else qmd.parent
    epoch = int(source_date_epoch)
    doc = parse_qmd(qmd)
    given_logo = None
    escaped_meta: dict[str, Any] = {}
    before = _md.removed_controls()
    if metadata:
        # Front matter from data (unit names, the agency) is escaped for pandoc, which reads
        # it as Markdown; {{< meta >}} shortcodes see the raw values (and escape them). The
        # logo is a path, taken apart first.
        metadata = dict(metadata)
        if isinstance(metadata.get("cover"), dict):
            metadata["cover"] = dict(metadata["cover"])
            given_logo = metadata["cover"].pop("logo", None)
        given_logo = metadata.pop("logo", None) or given_logo
        doc.meta.update(metadata)
        escaped_meta = _md.metadata(metadata)

    result: dict[str, Any] = {k: 0.0 for k in STAGES}
    result["removed_controls"] = 0  # the kernel's count; this process's is added at the end
    temps: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="skm-render-") as tmp:
        workdir = Path(tmp)
        try:
            logo = _logo_path(doc.meta, base, qmd, given_logo, workdir)
            body, assembler = assemble(doc, params, base, workdir, epoch, result, kernel)
            result["stderr"] = assembler.stderr
            for line in assembler.stderr:
                log.info("cell stderr: %s", line)
            meta = _document_meta({**doc.meta, **escaped_meta}, toc_title, epoch)
            front = _md.front_matter(meta)
            body = localize_images(body, workdir, base)
            markdown_text = f"---\n{front}---\n\n{body.strip()}\n"
            md_path = workdir / "document.md"
            md_path.write_text(markdown_text, encoding="utf-8")
            if "md" in finals:
                temps["md"] = _temp_sibling(finals["md"])
                temps["md"].write_text(markdown_text, encoding="utf-8")
            toc_depth = (
                int(meta.get("toc-depth", 2)) if meta.get("toc", True) is not False else None
            )
            targets = {fmt: _temp_sibling(finals[fmt]) for fmt in ("html", "docx") if fmt in finals}
            temps.update(targets)
            if "pdf" in finals:
                targets["typst"] = workdir / "document.typ"
            run_passes(
                qmd,
                md_path,
                base,
                targets,
                meta,
                doc.meta.get("crossref"),
                docx.pass_meta(meta, logo, toc_depth),
                logo,
                epoch,
                result,
            )
            if "docx" in temps:
                docx.finish(temps["docx"], meta, toc_depth)
            result["missing_glyphs"] = {}
            if "pdf" in finals:
                t0 = time.perf_counter()
                pdf, result["missing_glyphs"] = typst_to_pdf(targets["typst"], logo, epoch, qmd)
                temps["pdf"] = _temp_sibling(finals["pdf"])
                temps["pdf"].write_bytes(pdf)
                result["typst"] = time.perf_counter() - t0
        except BaseException:
            for path in temps.values():
                with contextlib.suppress(OSError):
                    path.unlink()
            raise
    for fmt, tmp_path in temps.items():
        os.replace(tmp_path, finals[fmt])
    result["removed_controls"] += _md.removed_controls() - before
    if result["removed_controls"]:
        log.warning(
            "%s: %d karakter kendali/bidi (C0, C1, U+202A-U+202E, U+2066-U+2069) dari data "
            "dihapus dari dokumen; periksa isian sumbernya",
            qmd.name,
            result["removed_controls"],
        )
    result["total"] = time.perf_counter() - t_start
    return result
