"""Render a Quarto-format notebook (``.qmd``) to HTML, DOCX and PDF without the Quarto CLI.

The renderer implements the small part of Quarto that the SKM reports use, with three tools
that install from PyPI: a Jupyter kernel driven by nbclient, pandoc (``pypandoc-binary``) and
Typst (the ``typst`` wheel). Nothing is downloaded at run time and no LaTeX is involved.

Pipeline (:func:`render_qmd`):

1. Parse the ``.qmd``: YAML front matter, markdown chunks and ```` ```{python} ```` cells with
   ``#| key: value`` option lines. After the cell tagged ``parameters`` a cell assigning the
   ``params`` is injected (papermill style).
2. Execute every cell in order in one fresh kernel started from the current interpreter
   (no user kernelspec needed), ``MPLBACKEND=Agg``; matplotlib figures left open by a cell
   are captured as PNG. Inline expressions `` `{python} expr` `` are evaluated in document
   order by hidden cells and their ``str()`` is inserted as-is (markdown).
3. Build one pandoc-markdown document: cell outputs (``output: asis`` stdout is raw markdown),
   figures (``label: fig-*``, ``fig-cap``, ``fig-alt``), tables (``label: tbl-*``, ``tbl-cap``),
   ``{{< pagebreak >}}`` (source markdown only), and cross references ``@fig-x``/``@tbl-x``
   resolved to "Gambar 3.1"/"Tabel 3.1" (numbered per ``# BAB III`` chapter, "L5.1" under
   ``# Lampiran 5``, plain "1, 2, ..." elsewhere).
4. Run pandoc (citations off) to a self-contained HTML file, a DOCX on an A4 reference
   document, and Typst source compiled to PDF with the fonts shipped in ``skm/render/fonts`` only.

Supported cell options: ``echo`` (default false), ``eval``, ``include``, ``output``
(true/false/asis), ``warning`` (default false: stderr is logged, not printed), ``label``,
``fig-cap``, ``fig-alt``, ``tbl-cap``, ``tags``. Supported front matter: ``title``,
``subtitle``, ``author``, ``date`` (``today`` = the ``source_date_epoch`` day), ``lang``
(default ``id-ID``), ``toc`` (default true), ``toc-depth`` (default 2), ``toc-title``, and
``cover``: ``agency``, ``unit``, ``period``, ``year``, ``address``, ``logo`` (``logo`` may
also be given at the top level; a path relative to the notebook's folder).

The same inputs give byte-identical HTML, DOCX and PDF (``SOURCE_DATE_EPOCH`` is passed to
pandoc, Typst and the kernel). Outputs are written to temporary files next to their final
paths and moved into place only when every requested format succeeded; temporary files that
a killed render left behind are removed when the same outputs are rendered again.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import functools
import glob
import html
import json
import logging
import math
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import unicodedata
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any

import yaml

from skm.render.fonts import FONTS_DIR
from skm.report import markdown as _md
from skm.report.markdown import pagebreak as _pagebreak_markdown

__all__ = [
    "FONTS_DIR",
    "MISSING_GLYPH",
    "PACKAGE_DIR",
    "TEMPLATES_DIR",
    "RenderError",
    "missing_glyphs",
    "parse_qmd",
    "render_qmd",
]

log = logging.getLogger(__name__)

PACKAGE_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = PACKAGE_DIR / "templates"

OUTPUT_FORMATS = ("html", "docx", "pdf", "md")
PANDOC_FROM = "markdown-citations"
FIGURE_WORD = "Gambar"
TABLE_WORD = "Tabel"
FIGURE_DPI = 150
MISSING_GLYPH = "\u25a1"  # WHITE SQUARE, covered by the shipped Noto Sans Symbols2
CELL_TIMEOUT = 600

# Typst warnings known to be harmless (matched against the warning message).
HARMLESS_TYPST_WARNINGS: tuple[re.Pattern[str], ...] = ()
# Pandoc warnings known to be harmless (matched against the whole warning line).
HARMLESS_PANDOC_WARNINGS: tuple[re.Pattern[str], ...] = ()

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

_MONTHS_ID = (
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
)

# Private-use characters as placeholders inside the assembled markdown.
_DEF_OPEN, _DEF_CLOSE = "\ue000", "\ue001"  # caption number of a labelled figure/table
_ALT_OPEN, _ALT_CLOSE = "\ue002", "\ue003"  # alt attribute of an image
_INL_OPEN, _INL_CLOSE = "\ue004", "\ue005"  # inline expression value

_LABEL = r"(?:fig|tbl)-[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?"
_LABEL_RE = re.compile(rf"^{_LABEL}$")
_REF_RE = re.compile(rf"\[@({_LABEL})\]|(?<![\w@\\])@({_LABEL})")
_DEF_RE = re.compile(f"{_DEF_OPEN}([^{_DEF_CLOSE}]*){_DEF_CLOSE}")
_ALT_RE = re.compile(f"{_ALT_OPEN}(\\d+){_ALT_CLOSE}")
# A table caption written in markdown by a cell (several tables from one cell), Quarto style:
# ": Caption {#tbl-label}" (or "Table: ...") right before or after a pipe table.
_MD_TABLE_CAPTION_RE = re.compile(
    rf"^(:|Table:)[ \t]+(?!{_DEF_OPEN})(.*?)[ \t]*\{{#((?=tbl-){_LABEL})\}}[ \t]*$"
)
_INL_RE = re.compile(f"{_INL_OPEN}(\\d+){_INL_CLOSE}")
_FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_CELL_INFO_RE = re.compile(r"^\s*\{\s*python\s*\}\s*$")
_OTHER_ENGINE_RE = re.compile(
    r"^\s*\{\s*(python|r|ojs|julia|bash|sql|mermaid|dot)\b[^}]*\}\s*$", re.IGNORECASE
)
_INLINE_RE = re.compile(r"(?<!`)`\{python\}[ \t]+([^`\n]+?)[ \t]*`(?!`)")
_SHORTCODE_RE = re.compile(r"\{\{<\s*(/\*)?\s*(.*?)\s*(\*/)?\s*>\}\}", re.DOTALL)
_ANSI_RE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CHAPTER_RE = re.compile(r"^(BAB|LAMPIRAN)\s+([0-9]+|[IVXLCDM]+)\b", re.IGNORECASE)


class RenderError(Exception):
    """A document could not be rendered; the message says where (file:line) and why."""


# --------------------------------------------------------------------------- parsing


@dataclass
class Chunk:
    """A piece of the .qmd body: markdown text or a python cell."""

    kind: str  # "markdown" or "code"
    text: str  # markdown text, or the cell's code (option lines included)
    line: int  # 1-based line in the .qmd of the chunk's first text line
    options: dict[str, Any] = field(default_factory=dict)

    @property
    def code(self) -> str:
        """The cell's code without its ``#|`` option lines."""
        lines = self.text.split("\n")
        i = 0
        while i < len(lines) and lines[i].startswith("#|"):
            i += 1
        return "\n".join(lines[i:]).strip("\n")


@dataclass
class QmdDocument:
    """A parsed .qmd: front matter and body chunks."""

    path: Path
    meta: dict[str, Any]
    chunks: list[Chunk]


def _parse_options(lines: list[str], where: str) -> dict[str, Any]:
    """Parse ``#| key: value`` option lines (YAML) at the top of a cell."""
    yaml_lines = []
    for line in lines:
        if not line.startswith("#|"):
            break
        yaml_lines.append(line[3:] if line.startswith("#| ") else line[2:])
    if not yaml_lines:
        return {}
    try:
        options = yaml.safe_load("\n".join(yaml_lines))
    except yaml.YAMLError as err:
        raise RenderError(f"{where}: invalid cell options: {err}") from None
    if options is None:
        return {}
    if not isinstance(options, dict):
        raise RenderError(f"{where}: cell options must be 'key: value' lines")
    return options


def parse_qmd(path: Path, text: str | None = None) -> QmdDocument:
    """Parse a .qmd file into front matter and markdown/code chunks."""
    path = Path(path)
    if text is None:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise RenderError(f"{path}: cannot read: {err}") from None
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.removeprefix("\ufeff")
    lines = text.split("\n")
    meta: dict[str, Any] = {}
    start = 0
    if lines and lines[0].rstrip() == "---":
        for i in range(1, len(lines)):
            if lines[i].rstrip() in ("---", "..."):
                try:
                    meta = yaml.safe_load("\n".join(lines[1:i])) or {}
                except yaml.YAMLError as err:
                    raise RenderError(f"{path}: invalid YAML front matter: {err}") from None
                if not isinstance(meta, dict):
                    raise RenderError(f"{path}: the front matter must be a YAML mapping")
                start = i + 1
                break
        else:
            raise RenderError(f"{path}:1: front matter has no closing '---'")

    chunks: list[Chunk] = []
    md_lines: list[str] = []
    md_start = start + 1
    i = start
    fence: tuple[str, int] | None = None  # open non-executable fence in markdown (char, len)

    def flush_markdown(next_line: int) -> None:
        nonlocal md_lines, md_start
        if any(s.strip() for s in md_lines):
            chunks.append(Chunk("markdown", "\n".join(md_lines), md_start))
        md_lines = []
        md_start = next_line

    while i < len(lines):
        line = lines[i]
        m = _FENCE_RE.match(line)
        if fence is not None:
            md_lines.append(line)
            if (
                m
                and m.group(1)[0] == fence[0]
                and len(m.group(1)) >= fence[1]
                and not m.group(2).strip()
            ):
                fence = None
            i += 1
            continue
        if m and m.group(1)[0] == "`" and _CELL_INFO_RE.match(m.group(2)):
            ticks = len(m.group(1))
            where = f"{path}:{i + 1}"
            body: list[str] = []
            j = i + 1
            while j < len(lines):
                close = _FENCE_RE.match(lines[j])
                if (
                    close
                    and close.group(1)[0] == "`"
                    and len(close.group(1)) >= ticks
                    and not close.group(2).strip()
                ):
                    break
                body.append(lines[j])
                j += 1
            else:
                raise RenderError(f"{where}: python cell has no closing fence")
            flush_markdown(j + 2)
            options = _parse_options(body, where)
            chunks.append(Chunk("code", "\n".join(body), i + 2, options))
            i = j + 1
            md_start = i + 1
            continue
        if m and m.group(1)[0] == "`" and _OTHER_ENGINE_RE.match(m.group(2)):
            raise RenderError(
                f"{path}:{i + 1}: unsupported cell '{line.strip()}': only ```{{python}} cells "
                "with '#| key: value' option lines are supported"
            )
        if m:
            fence = (m.group(1)[0], len(m.group(1)))
        md_lines.append(line)
        i += 1
    flush_markdown(i + 1)
    return QmdDocument(path=path, meta=meta, chunks=chunks)


def _prose_segments(text: str) -> list[tuple[bool, str]]:
    """Split markdown into (is_prose, text) parts; fenced code blocks are not prose."""
    parts: list[tuple[bool, str]] = []
    buf: list[str] = []
    fence: tuple[str, int] | None = None
    for line in text.split("\n"):
        m = _FENCE_RE.match(line)
        if fence is None and m:
            if buf:
                parts.append((True, "\n".join(buf)))
            buf = [line]
            fence = (m.group(1)[0], len(m.group(1)))
        elif (
            fence is not None
            and m
            and m.group(1)[0] == fence[0]
            and len(m.group(1)) >= fence[1]
            and not m.group(2).strip()
        ):
            buf.append(line)
            parts.append((False, "\n".join(buf)))
            buf = []
            fence = None
        else:
            buf.append(line)
    if buf:
        parts.append((fence is None, "\n".join(buf)))
    return parts


# --------------------------------------------------------------------------- kernel code

_SETUP_CODE = f"""
def __skm_setup__():
    import io, sys, warnings
    from IPython import get_ipython
    from IPython.display import display

    warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")
    ip = get_ipython()

    def figure_png(fig):
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi={FIGURE_DPI}, bbox_inches="tight",
                    metadata={{"Software": None}})
        fig._skm_shown = True
        return buf.getvalue()

    ip.display_formatter.formatters["image/png"].for_type_by_name(
        "matplotlib.figure", "Figure", figure_png)

    # Image(filename="x.png") with an x.svg next to it (skm.report.figures.save) also carries the SVG:
    # the HTML shows the vector figure, the PDF and DOCX keep the PNG.
    from IPython.display import Image
    png_bundle = Image._repr_mimebundle_

    def with_svg_twin(self, include=None, exclude=None):
        bundle = png_bundle(self, include, exclude)
        name = str(getattr(self, "filename", None) or "")
        if isinstance(bundle, tuple) and name.lower().endswith(".png"):
            import pathlib
            twin = pathlib.Path(name[:-4] + ".svg")
            if twin.is_file():
                bundle[0]["image/svg+xml"] = twin.read_text(encoding="utf-8")
        return bundle

    Image._repr_mimebundle_ = with_svg_twin

    def flush_figures(result=None):
        plt = sys.modules.get("matplotlib.pyplot")
        if plt is None:
            return
        try:
            for num in plt.get_fignums():
                fig = plt.figure(num)
                if not getattr(fig, "_skm_shown", False):
                    display(fig)
        finally:
            plt.close("all")

    ip.events.register("post_run_cell", flush_figures)


def __skm_inline__(exprs):
    from IPython import get_ipython
    from IPython.display import display

    ns = get_ipython().user_ns
    values = []
    for index, expr in enumerate(exprs):
        try:
            value = eval(compile(expr, "<inline expression>", "eval"), ns)
            markdown = getattr(value, "_repr_markdown_", None)
            text = markdown() if callable(markdown) else value
            if isinstance(text, tuple):
                text = text[0]
            values.append(str(text))
        except BaseException as err:
            display({{"application/vnd.skm.inline-error+json":
                     {{"index": index, "error": type(err).__name__ + ": " + str(err)}}}},
                    raw=True)
            return
    display({{"application/vnd.skm.inline+json": {{"values": values}}}}, raw=True)


def __skm_controls__():
    import sys
    from IPython.display import display

    markdown = sys.modules.get("skm.report.markdown")
    removed = markdown.removed_controls() if markdown is not None else 0
    display({{"application/vnd.skm.controls+json": {{"removed": removed}}}}, raw=True)


__skm_setup__()
del __skm_setup__
"""


def _py_literal(value: Any, name: str) -> str:
    """Return Python source for a parameter value (papermill-style injection)."""
    if value is None or isinstance(value, (bool, int)):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "float('nan')"
        if math.isinf(value):
            return "float('inf')" if value > 0 else "float('-inf')"
        return repr(value)
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, PurePath):
        return repr(str(value))
    if isinstance(value, (_dt.date, _dt.datetime)):
        return repr(value.isoformat())
    if isinstance(value, (list, tuple)):
        return "[" + ", ".join(_py_literal(v, name) for v in value) + "]"
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            if not isinstance(k, (str, int)):
                raise RenderError(f"parameter {name!r}: dict keys must be str or int")
            items.append(f"{k!r}: {_py_literal(v, name)}")
        return "{" + ", ".join(items) + "}"
    raise RenderError(
        f"parameter {name!r}: unsupported type {type(value).__name__} "
        "(use str, int, float, bool, None, Path, date, list or dict)"
    )


def _params_code(params: dict[str, Any]) -> str:
    lines = ["# Parameters injected by skm.render.core"]
    for name, value in params.items():
        if (
            not isinstance(name, str)
            or not name.isidentifier()
            or name.startswith("__")
            or name in ("True", "False", "None")
            or _is_keyword(name)
        ):
            raise RenderError(f"parameter name {name!r} is not a valid Python identifier")
        lines.append(f"{name} = {_py_literal(value, name)}")
    return "\n".join(lines)


def _is_keyword(name: str) -> bool:
    import keyword

    return keyword.iskeyword(name)


# --------------------------------------------------------------------------- execution


@dataclass
class _Exec:
    """A notebook cell to run and what it stands for."""

    role: str  # "setup", "params", "code", "inline"
    source: str
    chunk: Chunk | None = None
    exprs: list[tuple[str, int]] = field(default_factory=list)  # inline: (expr, qmd line)
    outputs: list[dict[str, Any]] = field(default_factory=list)
    execution_count: int | None = None


def _kernel_env(workdir: Path, source_date_epoch: int) -> dict[str, str]:
    return {
        "MPLBACKEND": "Agg",
        "PYTHONHASHSEED": "0",
        "SOURCE_DATE_EPOCH": str(source_date_epoch),
        "IPYTHONDIR": str(workdir / "ipython"),
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
        "PYTHONUNBUFFERED": "1",
    }


def _execute(
    cells: list[_Exec], cwd: Path, workdir: Path, source_date_epoch: int, qmd: Path
) -> dict[str, float]:
    """Run the cells in one fresh kernel; fill in their outputs. Returns stage timings."""
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import AsyncKernelManager
    from nbclient import NotebookClient
    from nbclient.exceptions import CellExecutionError, DeadKernelError

    kernel_dir = workdir / "kernels" / "skm-python"
    kernel_dir.mkdir(parents=True)
    spec = {
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "skm (current interpreter)",
        "language": "python",
        "env": _kernel_env(workdir, source_date_epoch),
    }
    (kernel_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
    ksm = KernelSpecManager(kernel_dirs=[str(workdir / "kernels")])
    km = AsyncKernelManager(kernel_name="skm-python", kernel_spec_manager=ksm)

    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell(c.source) for c in cells]
    client = NotebookClient(
        nb,
        km=km,
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        allow_errors=False,
        shutdown_kernel="immediate",
        record_timing=False,
        resources={"metadata": {"path": str(cwd)}},
    )
    kernel_log = workdir / "kernel.log"
    timings = {"kernel": 0.0, "execute": 0.0}
    t0 = t1 = t2 = time.perf_counter()
    with open(kernel_log, "wb") as log_file:
        try:
            with client.setup_kernel(stdout=log_file, stderr=log_file, cleanup_kc=True):
                t1 = t2 = time.perf_counter()
                for index, cell in enumerate(cells):
                    try:
                        client.execute_cell(nb.cells[index], index)
                    except CellExecutionError:
                        cell.outputs = [_to_plain(o) for o in nb.cells[index].outputs]
                        cell.execution_count = nb.cells[index].get("execution_count")
                        raise RenderError(_cell_error_message(cell, qmd)) from None
                    cell.outputs = [_to_plain(o) for o in nb.cells[index].outputs]
                    cell.execution_count = nb.cells[index].get("execution_count")
                    if cell.role == "inline":
                        _check_inline(cell, qmd)
                t2 = time.perf_counter()
        except RenderError:
            raise
        except (DeadKernelError, RuntimeError, TimeoutError) as err:
            tail = kernel_log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RenderError(f"{qmd}: the Jupyter kernel failed: {err}\n{tail}") from None
    t3 = time.perf_counter()
    timings["kernel"] = (t1 - t0) + (t3 - t2)
    timings["execute"] = t2 - t1
    return timings


def _to_plain(node: Any) -> Any:
    """nbformat NotebookNode -> plain dict/list."""
    if isinstance(node, dict):
        return {k: _to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_to_plain(v) for v in node]
    return node


def _check_inline(cell: _Exec, qmd: Path) -> None:
    for out in cell.outputs:
        data = out.get("data", {})
        err = data.get("application/vnd.skm.inline-error+json")
        if err:
            expr, line = cell.exprs[err["index"]]
            raise RenderError(f"{qmd}:{line}: inline expression `{expr}` failed: {err['error']}")


def _cell_error_message(cell: _Exec, qmd: Path) -> str:
    """A short message for a failed cell: where, which source line, what error."""
    error = next((o for o in cell.outputs if o.get("output_type") == "error"), None)
    ename = error.get("ename", "Error") if error else "Error"
    evalue = error.get("evalue", "") if error else ""
    frames = [_ANSI_RE.sub("", t) for t in (error.get("traceback", []) if error else [])]
    chunk = cell.chunk
    label = f" ({chunk.options['label']})" if chunk and chunk.options.get("label") else ""
    if chunk is None:
        where = f"{qmd}: {cell.role} cell"
        return f"{where} failed: {ename}: {evalue}"
    lineno = None
    count = cell.execution_count
    pattern = re.compile(rf"In\[{count}\], line (\d+)" if count else r"In\[\d+\], line (\d+)")
    for frame in frames:
        m = pattern.search(frame)
        if m:
            lineno = int(m.group(1))
            break
    if lineno is None and ename in ("SyntaxError", "IndentationError"):
        m = re.search(r"line (\d+)", "\n".join(frames))
        lineno = int(m.group(1)) if m else None
    src_lines = chunk.text.split("\n")
    msg = f"{qmd}:{chunk.line}: python cell{label} failed"
    if lineno is not None and 1 <= lineno <= len(src_lines):
        msg = (
            f"{qmd}:{chunk.line + lineno - 1}: python cell{label} failed at\n    "
            f"{src_lines[lineno - 1].strip()}\n"
        )
    msg = msg.rstrip() + f"\n{ename}: {evalue}"
    # The deepest frame helps when the error is raised inside a library function.
    if len(frames) > 2:
        last = frames[-2].strip().split("\n")
        if last and not last[0].startswith(("Cell In", "---")):
            arrow = next((x.strip() for x in last if x.lstrip().startswith("-")), "")
            msg += f"\n  raised in {last[0].strip()}"
            if arrow:
                msg += f"\n    {arrow}"
    return msg


# --------------------------------------------------------------------------- assembly


class _Assembler:
    """Turns executed chunks into one pandoc-markdown body."""

    def __init__(self, qmd: Path, workdir: Path):
        self.qmd = qmd
        self.workdir = workdir
        self.figdir = workdir / "figures"
        self.figdir.mkdir(exist_ok=True)
        self.alts: list[str] = []
        self.stderr: list[str] = []
        self.labels: dict[str, int] = {}

    def _label(self, chunk: Chunk, kind: str) -> str | None:
        label = chunk.options.get("label")
        if label is None:
            return None
        label = str(label)
        if not _LABEL_RE.match(label):
            if label.startswith(("fig-", "tbl-")):
                raise RenderError(f"{self.qmd}:{chunk.line}: invalid label {label!r}")
            return None
        if not label.startswith(kind + "-"):
            return None
        if label in self.labels:
            raise RenderError(
                f"{self.qmd}:{chunk.line}: duplicate label {label!r} "
                f"(first used at line {self.labels[label]})"
            )
        self.labels[label] = chunk.line
        return label

    def cell(self, chunk: Chunk, outputs: list[dict[str, Any]], index: int) -> str:
        """Markdown for one code cell."""
        opts = chunk.options
        if _false(opts.get("include", True)):
            return ""
        parts: list[str] = []
        if _true(opts.get("echo", False)):
            code = chunk.code
            parts.append(_fence(code, "python"))
        output_opt = opts.get("output", True)
        if _false(output_opt) or _false(opts.get("eval", True)):
            return "\n\n".join(parts)
        asis = output_opt == "asis"
        fig_label = self._label(chunk, "fig")
        tbl_label = self._label(chunk, "tbl")
        images: list[str] = []
        texts: list[str] = []
        for out in _merge_streams(outputs):
            otype = out.get("output_type")
            if otype == "stream":
                text = _clean_text(out.get("text", ""))
                if out.get("name") == "stderr":
                    self.stderr.append(f"{self.qmd}:{chunk.line}: {text.strip()}")
                    if _true(opts.get("warning", False)):
                        texts.append(_fence(text.rstrip("\n"), ""))
                    continue
                texts.append(text if asis else _fence(text.rstrip("\n"), ""))
            elif otype in ("display_data", "execute_result"):
                data = out.get("data", {})
                if any(k.startswith("application/vnd.skm.") for k in data):
                    continue
                path = self._image(data, index, len(images) + 1)
                if path is not None:
                    images.append(path)
                elif "text/markdown" in data:
                    texts.append(_join(data["text/markdown"]))
                elif "text/plain" in data:
                    if otype == "execute_result" and (fig_label or opts.get("fig-cap")):
                        continue  # e.g. "Text(0, 0.5, 'NRR')" from the last plotting call
                    plain = _clean_text(_join(data["text/plain"]))
                    texts.append(plain if asis else _fence(plain.rstrip("\n"), ""))
                elif "text/html" in data:
                    texts.append(_fence(_join(data["text/html"]), "{=html}"))
        body = _join_blocks(texts)
        cap = opts.get("fig-cap")
        if fig_label or cap is not None:
            if fig_label and len(images) != 1:
                raise RenderError(
                    f"{self.qmd}:{chunk.line}: cell {fig_label} produced {len(images)} images; "
                    "a labelled figure cell must produce exactly one"
                )
            figs = [
                self._figure_md(p, chunk, fig_label if k == 0 else None, cap)
                for k, p in enumerate(images)
            ]
            image_md = "\n\n".join(figs)
        else:
            image_md = "\n\n".join(self._figure_md(p, chunk, None, None) for p in images)
        tcap = opts.get("tbl-cap")
        if tbl_label or tcap is not None:
            if not re.search(r"^\s*(\||\+[-=]|-{3,})", body, re.MULTILINE):
                raise RenderError(
                    f"{self.qmd}:{chunk.line}: cell {tbl_label or ''} has tbl-cap but printed "
                    "no markdown table (print one with '#| output: asis')"
                )
            caption = _caption(tbl_label, tcap)
            attr = f" {{#{tbl_label}}}" if tbl_label else ""
            body = _attach_table_caption(body, f": {caption}{attr}")
        parts.extend(p for p in (body, image_md) if p.strip())
        return "\n\n".join(parts)

    def _image(self, data: dict[str, Any], index: int, k: int) -> str | None:
        import base64

        for mime, ext in (("image/png", "png"), ("image/jpeg", "jpg"), ("image/svg+xml", "svg")):
            if mime in data:
                name = f"cell{index:03d}-{k}.{ext}"
                payload = data[mime]
                if mime == "image/svg+xml":
                    content = _join(payload).encode("utf-8")
                else:
                    content = base64.b64decode(_join(payload))
                (self.figdir / name).write_bytes(content)
                if mime != "image/svg+xml" and "image/svg+xml" in data:  # the HTML's twin
                    (self.figdir / f"cell{index:03d}-{k}.svg").write_text(
                        _join(data["image/svg+xml"]), encoding="utf-8"
                    )
                return f"figures/{name}"
        return None

    def _figure_md(self, path: str, chunk: Chunk, label: str | None, cap: Any) -> str:
        opts = chunk.options
        alt = opts.get("fig-alt")
        caption = _caption(label, cap) if (label or cap is not None) else ""
        if alt is None:
            alt = _plain(caption) if caption else ""
        self.alts.append(str(alt))
        attrs = []
        if label:
            attrs.append(f"#{label}")
        attrs.append(f'alt="{_ALT_OPEN}{len(self.alts) - 1}{_ALT_CLOSE}"')
        return f"![{caption}]({path}){{{' '.join(attrs)}}}"


# An image in the assembled markdown: caption (escaped brackets allowed), then the target.
_IMAGE_RE = re.compile(r"(!\[(?:\\.|[^\]\\])*\]\(\s*)<?([^)\s>]+)>?(\s*\))")
_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,5}$")


def _localize_images(markdown: str, workdir: Path, base: Path | None = None) -> str:
    """Copy every image file into ``workdir/images/`` under a plain name and point at it.

    Typst runs with its root in ``workdir``, so it can read only files inside it; a plain
    ASCII name (``images/001.png``) also keeps a folder with spaces or non-ASCII letters out
    of every writer (Typst looked for ``%20``) and out of the DOCX (pandoc writes the path
    into the image description). Targets are percent-decoded (:func:`skm.report.markdown.image`
    encodes them). A relative target is looked up in ``workdir``, then in ``base`` (the
    resource folder), and only a file inside that folder is taken. URLs are left alone.
    """
    from urllib.parse import unquote

    copies: dict[str, str] = {}
    workdir_real = workdir.resolve()
    base_real = base.resolve() if base is not None else None

    def replace(m: re.Match[str]) -> str:
        target = m.group(2)
        if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", target):
            return m.group(0)  # a URL (http:, data:): not a local file
        name = unquote(target)
        src = Path(name)
        if not src.is_absolute():
            if (workdir / src).is_file() and (workdir / src).resolve().is_relative_to(workdir_real):
                return m.group(0)
            if base_real is None:
                return m.group(0)
            src = (base_real / src).resolve()
            if not src.is_relative_to(base_real):
                return m.group(0)
        if not src.is_file():
            return m.group(0)
        key = str(src.resolve())
        if key not in copies:
            suffix = src.suffix.lower() if _SAFE_SUFFIX.match(src.suffix) else ""
            copy = f"images/{len(copies) + 1:03d}{suffix}"
            (workdir / "images").mkdir(exist_ok=True)
            shutil.copyfile(src, workdir / copy)
            copies[key] = copy
        return m.group(1) + copies[key] + m.group(3)

    return _IMAGE_RE.sub(replace, markdown)


def _attach_table_caption(body: str, caption_line: str) -> str:
    """Put the caption line right after the first pipe/grid table in ``body``.

    Text printed after the table (e.g. a note on rounding) stays below it. If no pipe or
    grid table is found, the caption goes at the end.
    """
    lines = body.split("\n")
    start = next((i for i, line in enumerate(lines) if re.match(r"^\s*(\||\+[-=])", line)), None)
    if start is None:
        return body.rstrip("\n") + f"\n\n{caption_line}\n"
    end = start
    while end < len(lines) and lines[end].strip():
        end += 1
    return "\n".join(lines[:end] + ["", caption_line, ""] + lines[end:]).rstrip("\n") + "\n"


def _caption(label: str | None, text: Any) -> str:
    number = f"{_DEF_OPEN}{label}{_DEF_CLOSE}" if label else ""
    body = "" if text is None else " ".join(str(text).split())
    return " ".join(p for p in (number, body) if p)


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "fenced"))


def _false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")


def _join(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _merge_streams(outputs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Join consecutive stream outputs of the same name (stdout or stderr).

    The kernel cuts a cell's stdout into messages at timing-dependent points; treating each
    message as a block put blank lines at random places (a tight list became loose).
    """
    merged: list[dict[str, Any]] = []
    for out in outputs:
        prev = merged[-1] if merged else None
        if (
            out.get("output_type") == "stream"
            and prev is not None
            and prev.get("output_type") == "stream"
            and prev.get("name") == out.get("name")
        ):
            merged[-1] = {**prev, "text": _join(prev.get("text", "")) + _join(out.get("text", ""))}
        else:
            merged.append(out)
    return merged


def _clean_text(text: str) -> str:
    """Strip ANSI colour codes and control characters from stream/plain output."""
    return _CONTROL_RE.sub("\ufffd", _ANSI_RE.sub("", text))


def _fence(text: str, info: str) -> str:
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text}\n{ticks}"


def _join_blocks(parts: list[str]) -> str:
    return "\n\n".join(p.strip("\n") for p in parts if p.strip())


def _plain(markdown_text: str) -> str:
    """Rough plain text of short inline markdown (captions used as alt text)."""
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown_text)
    s = re.sub(r"\\(.)", r"\1", s)
    return re.sub(r"[*_`]", "", s)


def _roman_to_int(s: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    s = s.upper()
    for i, ch in enumerate(s):
        v = values[ch]
        total += -v if i + 1 < len(s) and values[s[i + 1]] > v else v
    return total


def _chapter_prefix(heading: str) -> str | None:
    """'BAB III Hasil' -> '3'; 'Lampiran 5 ...' -> 'L5'; anything else -> None."""
    text = re.sub(r"\s*\{[^}]*\}\s*$", "", heading).strip().strip("*_")
    m = _CHAPTER_RE.match(text)
    if not m:
        return None
    number = m.group(2)
    n = int(number) if number.isdigit() else _roman_to_int(number)
    return f"L{n}" if m.group(1).upper() == "LAMPIRAN" else str(n)


def _mask_code_spans(line: str) -> tuple[str, list[str]]:
    """Replace inline code spans by placeholders so references inside stay untouched."""
    spans: list[str] = []

    def keep(m: re.Match[str]) -> str:
        spans.append(m.group(0))
        return f"\ue006{len(spans) - 1}\ue007"

    return re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", keep, line), spans


def _unmask(line: str, spans: list[str]) -> str:
    return re.sub("\ue006(\\d+)\ue007", lambda m: spans[int(m.group(1))], line)


def resolve_crossrefs(body: str, alts: list[str], source: Path) -> str:
    """Number labelled figures/tables per chapter and resolve ``@fig-``/``@tbl-`` refs.

    Tables get their label from a cell's ``label``/``tbl-cap`` options or, for several tables
    printed by one cell, from a Quarto caption line ``: Caption {#tbl-label}`` in its output.
    The chapter comes from the latest level-1 heading: ``# BAB III ...`` gives "3.1, 3.2",
    ``# Lampiran 5 ...`` (or a lower-level ``## Lampiran 5 ...`` heading) gives "L5.1", any
    other heading gives plain "1, 2, ..." (counted across all such parts). ``alts`` are the
    image alt texts referenced by placeholders; references in them become plain text.
    """
    numbers: dict[str, str] = {}
    counters: Counter[tuple[str, str | None]] = Counter()
    prefix: str | None = None
    lines = body.split("\n")
    code = [False] * len(lines)
    fence: tuple[str, int] | None = None
    for i, line in enumerate(lines):
        m = _FENCE_RE.match(line)
        if fence is not None:
            code[i] = True
            if (
                m
                and m.group(1)[0] == fence[0]
                and len(m.group(1)) >= fence[1]
                and not m.group(2).strip()
            ):
                fence = None
            continue
        if m:
            fence = (m.group(1)[0], len(m.group(1)))
            code[i] = True
            continue
        c = _MD_TABLE_CAPTION_RE.match(line)
        if c:
            label = c.group(3)
            line = lines[i] = f"{c.group(1)} {_caption(label, c.group(2))} {{#{label}}}"
        h = re.match(r"^(#{1,6})[ \t]+(.*)$", line)
        if h and len(h.group(1)) == 1:
            prefix = _chapter_prefix(h.group(2))
        elif h:  # "## Lampiran 2. ..." under "# LAMPIRAN" numbers its own tables too
            sub = _chapter_prefix(h.group(2))
            if sub and sub.startswith("L"):
                prefix = sub
        for d in _DEF_RE.finditer(line):
            label = d.group(1)
            kind = label[:3]
            counters[(kind, prefix)] += 1
            n = counters[(kind, prefix)]
            numbers[label] = f"{prefix}.{n}" if prefix else str(n)

    def name(label: str) -> str:
        word = FIGURE_WORD if label.startswith("fig-") else TABLE_WORD
        return f"{word} {numbers[label]}"

    unresolved: list[str] = []

    def ref(m: re.Match[str], link: bool = True) -> str:
        label = m.group(1) or m.group(2)
        if label not in numbers:
            unresolved.append(label)
            return m.group(0)
        return f"[{name(label)}](#{label})" if link else name(label)

    out = []
    for i, line in enumerate(lines):
        if not code[i]:
            masked, spans = _mask_code_spans(line)
            masked = _REF_RE.sub(ref, masked)
            line = _unmask(masked, spans)
        line = _DEF_RE.sub(lambda m: name(m.group(1)), line)
        out.append(line)
    body = "\n".join(out)

    def alt(m: re.Match[str]) -> str:
        text = _DEF_RE.sub(lambda d: name(d.group(1)), alts[int(m.group(1))])
        text = _REF_RE.sub(lambda r: ref(r, link=False), text)
        return _md.escape(text, newlines="space")

    body = _ALT_RE.sub(alt, body)
    if unresolved:
        refs = ", ".join("@" + x for x in dict.fromkeys(unresolved))
        raise RenderError(f"{source}: unresolved cross reference(s): {refs}")
    return body


# --------------------------------------------------------------------------- shortcodes


def _shortcodes(text: str, meta: dict[str, Any], qmd: Path, line: int) -> str:
    """Replace Quarto shortcodes in source markdown (not in cell outputs)."""

    def repl(m: re.Match[str]) -> str:
        if m.group(1) and m.group(3):  # {{</* x */>}} -> literal {{< x >}}
            return "{{< " + m.group(2) + " >}}"
        words = m.group(2).split()
        name = words[0] if words else ""
        at = line + current_line
        if name == "pagebreak" and len(words) == 1:
            return _pagebreak_markdown()
        if name == "meta" and len(words) == 2:
            value: Any = meta
            for key in words[1].split("."):
                if not isinstance(value, dict) or key not in value:
                    raise RenderError(f"{qmd}:{at}: {{{{< meta {words[1]} >}}}}: no such key")
                value = value[key]
            from skm.report.markdown import escape

            return escape(value)
        raise RenderError(f"{qmd}:{at}: unsupported shortcode {m.group(0)!r}")

    # Inline code spans stay literal (line by line: a code span cannot cross a line here).
    out = []
    current_line = 0
    for current_line, line_text in enumerate(text.split("\n")):
        masked, spans = _mask_code_spans(line_text)
        out.append(_unmask(_SHORTCODE_RE.sub(repl, masked), spans))
    return "\n".join(out)


# --------------------------------------------------------------------------- fonts


@functools.lru_cache(maxsize=1)
def font_coverage() -> frozenset[int]:
    """Code points covered by at least one of the shipped fonts."""
    from fontTools.ttLib import TTFont

    covered: set[int] = set()
    for font_path in sorted(FONTS_DIR.glob("*.[ot]tf")):
        with TTFont(font_path, lazy=True) as font:
            covered.update(font.getBestCmap() or {})
    return frozenset(covered)


def _glyph_kind(ch: str, covered: frozenset[int]) -> str:
    """'ok' (drawn by a shipped font), 'invisible' (format character, nothing to draw) or
    'missing' (no shipped font has it: shown as a square in the PDF)."""
    if ord(ch) < 0x80 or ord(ch) in covered:
        return "ok"
    if (
        unicodedata.category(ch) == "Cf"
        or 0xFE00 <= ord(ch) <= 0xFE0F
        or 0xE0100 <= ord(ch) <= 0xE01EF
    ):
        # Invisible format characters (ZWJ, variation selectors): no glyph is drawn.
        return "invisible"
    return "missing"  # including uncovered combining marks (Mn, Me)


def missing_glyphs(text: str) -> dict[str, int]:
    """Characters of ``text`` that no shipped font covers, with their counts (sorted).

    These are the characters the PDF shows as a visible square (``MISSING_GLYPH``); HTML and
    DOCX keep them. Documents use it to tell the reader what the PDF could not draw.
    """
    covered = font_coverage()
    return {
        ch: n for ch, n in sorted(Counter(text).items()) if _glyph_kind(ch, covered) == "missing"
    }


def replace_missing_glyphs(source: str) -> tuple[str, dict[str, int]]:
    """Replace characters no shipped font covers by a visible square; count them."""
    missing = missing_glyphs(source)
    if not missing:
        return source, {}
    table = dict.fromkeys(map(ord, missing), MISSING_GLYPH)
    return source.translate(table), missing


# --------------------------------------------------------------------------- pandoc / typst


def _pandoc_path() -> str:
    import pypandoc

    return pypandoc.get_pandoc_path()


def _check_pandoc(proc: subprocess.CompletedProcess[str], what: str, qmd: Path) -> None:
    problems = []
    for line in proc.stderr.splitlines():
        if "[WARNING]" in line and not any(p.search(line) for p in HARMLESS_PANDOC_WARNINGS):
            problems.append(line.strip())
    if proc.returncode != 0:
        raise RenderError(f"{qmd}: pandoc ({what}) failed:\n{proc.stderr.strip()[-3000:]}")
    if problems:
        raise RenderError(f"{qmd}: pandoc ({what}) warned:\n" + "\n".join(problems[:20]))


def _today_id(epoch: int) -> str:
    day = _dt.datetime.fromtimestamp(epoch, tz=_dt.UTC).date()
    return f"{day.day} {_MONTHS_ID[day.month - 1]} {day.year}"


def _document_meta(meta: dict[str, Any], toc_title: str, epoch: int) -> dict[str, Any]:
    doc = {k: v for k, v in meta.items() if k not in _QUARTO_ONLY_KEYS}
    doc.setdefault("lang", "id-ID")
    doc.setdefault("toc-title", toc_title)
    if str(doc.get("date", "")).strip().lower() in ("today", "now", "last-modified"):
        doc["date"] = _today_id(epoch)
    elif isinstance(doc.get("date"), (_dt.date, _dt.datetime)):
        d = doc["date"]
        doc["date"] = f"{d.day} {_MONTHS_ID[d.month - 1]} {d.year}"
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

    Returns:
        Wall-clock seconds per stage (``kernel``, ``execute``, ``pandoc_html``,
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

    result: dict[str, Any] = {
        k: 0.0 for k in ("kernel", "execute", "pandoc_html", "pandoc_docx", "pandoc_typst", "typst")
    }
    result["removed_controls"] = 0  # the kernel's count; this process's is added at the end
    temps: dict[str, Path] = {}
    with tempfile.TemporaryDirectory(prefix="skm-render-") as tmp:
        workdir = Path(tmp)
        try:
            body, assembler = _run_notebook(doc, params, base, workdir, epoch, result)
            result["stderr"] = assembler.stderr
            for line in assembler.stderr:
                log.info("cell stderr: %s", line)
            meta = _document_meta({**doc.meta, **escaped_meta}, toc_title, epoch)
            front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=True, width=10_000)
            body = _localize_images(body, workdir, base)
            markdown_text = f"---\n{front}---\n\n{body.strip()}\n"
            md_path = workdir / "document.md"
            md_path.write_text(markdown_text, encoding="utf-8")
            if "md" in finals:
                temps["md"] = _temp_sibling(finals["md"])
                temps["md"].write_text(markdown_text, encoding="utf-8")
            logo = _logo_path(doc.meta, base, qmd, given_logo, workdir)
            result["missing_glyphs"] = _run_pandoc_typst(
                qmd, md_path, workdir, base, finals, temps, meta, logo, epoch, result
            )
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


def _prepare_markdown(
    chunk: Chunk, meta: dict[str, Any], qmd: Path, first_id: int
) -> tuple[str, list[tuple[str, int]]]:
    """Process shortcodes and replace inline expressions by numbered placeholders.

    Returns the text and the inline expressions as (expression, qmd line), in order. Fenced
    code blocks are left alone.
    """
    exprs: list[tuple[str, int]] = []
    pieces: list[str] = []
    line = chunk.line
    for is_prose, part in _prose_segments(chunk.text):
        if not is_prose:
            pieces.append(part)
            line += part.count("\n") + 1
            continue
        segs: list[str] = []
        last = 0
        for m in _INLINE_RE.finditer(part):
            segs.append(
                _shortcodes(part[last : m.start()], meta, qmd, line + part.count("\n", 0, last))
            )
            segs.append(f"{_INL_OPEN}{first_id + len(exprs)}{_INL_CLOSE}")
            exprs.append((m.group(1), line + part.count("\n", 0, m.start())))
            last = m.end()
        segs.append(_shortcodes(part[last:], meta, qmd, line + part.count("\n", 0, last)))
        pieces.append("".join(segs))
        line += part.count("\n") + 1
    return "\n".join(pieces), exprs


def _inline_text(value: str) -> str:
    """An inline value as inserted into the markdown: as-is, but on one line.

    A line break (also an escaped one, backslash-newline) becomes a space, so that a value
    can never end the paragraph, heading or table row it is written in.
    """
    return re.sub(r"[ \t]*\\?(?:\r\n|[\r\n\u2028\u2029])\s*", " ", value)


def _run_notebook(
    doc: QmdDocument, params: dict, base: Path, workdir: Path, epoch: int, result: dict[str, Any]
) -> tuple[str, _Assembler]:
    """Execute the notebook and return the assembled, cross-referenced markdown body."""
    qmd = doc.path
    cells: list[_Exec] = [_Exec("setup", _SETUP_CODE)]
    params_code = _params_code(dict(params or {}))
    has_param_cell = any(
        c.kind == "code" and "parameters" in (c.options.get("tags") or []) for c in doc.chunks
    )
    if not has_param_cell:
        cells.append(_Exec("params", params_code))
    md_pieces: list[str] = []  # markdown chunks with inline placeholders
    inline_values: dict[int, str] = {}
    next_id = 0
    order: list[tuple[str, Any]] = []  # ("md", piece), ("inline", (cell, ids)), ("code", cell)
    for chunk in doc.chunks:
        if chunk.kind == "markdown":
            text, exprs = _prepare_markdown(chunk, doc.meta, qmd, next_id)
            if exprs:
                ids = list(range(next_id, next_id + len(exprs)))
                next_id += len(exprs)
                source = "__skm_inline__(" + repr([e for e, _ in exprs]) + ")"
                cells.append(_Exec("inline", source, chunk, exprs))
                order.append(("inline", (len(cells) - 1, ids)))
            md_pieces.append(text)
            order.append(("md", len(md_pieces) - 1))
        else:
            if not _false(chunk.options.get("eval", True)):
                cells.append(_Exec("code", chunk.text, chunk))
            else:
                cells.append(_Exec("noeval", "", chunk))
            order.append(("code", len(cells) - 1))
            if "parameters" in (chunk.options.get("tags") or []):
                cells.append(_Exec("params", params_code))

    cells.append(_Exec("controls", "__skm_controls__()"))
    runnable = [c for c in cells if c.role != "noeval"]
    timings = _execute(runnable, base, workdir, epoch, qmd)
    result.update(timings)
    for out in cells[-1].outputs:
        removed = out.get("data", {}).get("application/vnd.skm.controls+json")
        if removed:
            result["removed_controls"] = result.get("removed_controls", 0) + removed["removed"]

    for kind, ref in order:
        if kind == "inline":
            index, ids = ref
            for out in cells[index].outputs:
                values = out.get("data", {}).get("application/vnd.skm.inline+json")
                if values:
                    for inline_id, value in zip(ids, values["values"]):
                        inline_values[inline_id] = _inline_text(value)

    assembler = _Assembler(qmd, workdir)
    blocks: list[str] = []
    for kind, ref in order:
        if kind == "md":
            blocks.append(_INL_RE.sub(lambda m: inline_values[int(m.group(1))], md_pieces[ref]))
        elif kind == "code":
            cell = cells[ref]
            blocks.append(assembler.cell(cell.chunk, cell.outputs, ref))
    body = _join_blocks(blocks)
    body = _CONTROL_RE.sub("\ufffd", body)
    body = resolve_crossrefs(body, assembler.alts, qmd)
    return body, assembler


def _run_pandoc_typst(
    qmd: Path,
    md_path: Path,
    workdir: Path,
    base: Path,
    finals: dict[str, Path],
    temps: dict[str, Path],
    meta: dict[str, Any],
    logo: Path | None,
    epoch: int,
    result: dict[str, Any],
) -> dict[str, int]:
    """Run the pandoc passes (in parallel) and Typst; fill ``temps`` with finished files."""
    pandoc = _pandoc_path()
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    toc = meta.get("toc", True) is not False
    depth = str(meta.get("toc-depth", 2))
    common = [
        pandoc,
        str(md_path),
        "--from",
        PANDOC_FROM,
        "--resource-path",
        os.pathsep.join([str(workdir), str(base)]),
    ]
    toc_args = ["--toc", "--toc-depth", depth] if toc else []
    jobs: dict[str, list[str]] = {}
    if "html" in finals:
        temps["html"] = _temp_sibling(finals["html"])
        args = (
            common
            + [
                "--to",
                "html5",
                "--standalone",
                "--embed-resources",
                "--template",
                str(TEMPLATES_DIR / "template.html"),
                "--css",
                str(TEMPLATES_DIR / "style.css"),
                "--lua-filter",
                str(TEMPLATES_DIR / "html.lua"),
                "--output",
                str(temps["html"]),
            ]
            + toc_args
        )
        if logo is not None:
            args += ["--variable", f"skm-logo-src={html.escape(logo.name, quote=True)}"]
        jobs["html"] = args
    if "docx" in finals:
        temps["docx"] = _temp_sibling(finals["docx"])
        docx_meta = workdir / "docx-meta.yaml"
        docx_meta.write_text(
            yaml.safe_dump(_docx_meta(meta, logo, int(depth) if toc else None), allow_unicode=True),
            encoding="utf-8",
        )
        jobs["docx"] = common + [
            "--to",
            "docx",
            "--reference-doc",
            str(TEMPLATES_DIR / "reference.docx"),
            "--lua-filter",
            str(TEMPLATES_DIR / "docx.lua"),
            "--metadata-file",
            str(docx_meta),
            "--output",
            str(temps["docx"]),
        ]  # docx.lua writes the daftar isi after its cover (skm-toc-depth)
    typ_path = workdir / "document.typ"
    if "pdf" in finals:
        jobs["typst"] = (
            common
            + [
                "--to",
                "typst",
                "--standalone",
                "--template",
                str(TEMPLATES_DIR / "template.typ"),
                "--lua-filter",
                str(TEMPLATES_DIR / "typst.lua"),
                "--output",
                str(typ_path),
            ]
            + toc_args
        )

    procs = {}
    started = {}
    for name, args in jobs.items():
        started[name] = time.perf_counter()
        procs[name] = subprocess.Popen(
            args,
            cwd=workdir,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
        )
    finished: dict[str, subprocess.CompletedProcess[str]] = {}
    try:
        pending = dict(procs)
        while pending:
            for name, proc in list(pending.items()):
                if proc.poll() is not None:
                    out, err = proc.communicate()
                    result[f"pandoc_{name}"] = time.perf_counter() - started[name]
                    finished[name] = subprocess.CompletedProcess(
                        proc.args, proc.returncode, out, err
                    )
                    del pending[name]
            if pending:
                time.sleep(0.005)
    finally:
        for proc in procs.values():
            if proc.poll() is None:
                proc.kill()
                proc.wait()
    for name in jobs:
        _check_pandoc(finished[name], name, qmd)
    if "docx" in temps:
        fix_docx_tables(temps["docx"])
        _finish_docx(temps["docx"], meta, int(depth) if toc else None)

    missing: dict[str, int] = {}
    if "pdf" in finals:
        t0 = time.perf_counter()
        source = typ_path.read_text(encoding="utf-8")
        source, missing = replace_missing_glyphs(source)
        if missing:
            log.warning(
                "%s: %d character(s) not covered by the shipped fonts, shown as %s: %s",
                qmd,
                sum(missing.values()),
                MISSING_GLYPH,
                " ".join(f"U+{ord(c):04X}" for c in missing),
            )
        typ_path.write_text(source, encoding="utf-8")
        temps["pdf"] = _temp_sibling(finals["pdf"])
        temps["pdf"].write_bytes(_compile_typst(typ_path, logo, epoch, qmd))
        result["typst"] = time.perf_counter() - t0
    return missing


_TR_OPEN = re.compile(rb"<w:tr>(<w:trPr>|<w:trPr */>)?")
# A body paragraph right after a table (bookmarks between them are not text).
_AFTER_TABLE = re.compile(
    rb"(</w:tbl>\s*(?:<w:bookmark(?:Start|End)\b[^>]*/>\s*)*"
    rb'<w:p><w:pPr><w:pStyle w:val="(?:BodyText|FirstParagraph|PengantarDaftar)" */>)'
)
_SPACE_ABOVE = b'<w:spacing w:before="160" />'  # 8 pt, half a line of body text
# A body paragraph right after a tight list (its items have almost no space below).
_AFTER_LIST = re.compile(
    rb'(<w:pStyle w:val="Compact" */><w:numPr>(?:(?!</w:p>).)*</w:p>\s*'
    rb'<w:p><w:pPr><w:pStyle w:val="(?:BodyText|FirstParagraph|PengantarDaftar)" */>)',
    re.DOTALL,
)
_TABLE_WIDTH = re.compile(rb"(<w:tblPr>(?:<w:tblStyle [^>]*/>)?<w:tblW [^>]*/>)(?!<w:jc )")


def fix_docx_tables(path: Path) -> int:
    """Make a DOCX's tables lay out like the PDF's, in Word and in LibreOffice.

    - Every table row is marked "do not split across pages" (``w:cantSplit``). Pandoc leaves
      rows splittable; LibreOffice then breaks a row that ends at the foot of a page and
      repeats the header over an empty remnant on the next page.
    - A body paragraph that follows a table or a tight list gets space above it; otherwise
      it touches the table's bottom border or the last item.
    - Tables are centred, as in the PDF (a table sized to its content is narrower than the
      page).

    The archive is rewritten with the same entries, order, timestamps and compression, so the
    file stays reproducible. Returns the number of rows marked.
    """
    with zipfile.ZipFile(path) as src:
        entries = [(info, src.read(info)) for info in src.infolist()]
    marked = 0

    def mark(match: re.Match[bytes]) -> bytes:
        nonlocal marked
        marked += 1
        open_trpr = match.group(1) == b"<w:trPr>"
        return b"<w:tr><w:trPr><w:cantSplit />" + (b"" if open_trpr else b"</w:trPr>")

    out = []
    for info, data in entries:
        if info.filename == "word/document.xml":
            data = _TR_OPEN.sub(mark, data)
            data = _AFTER_TABLE.sub(lambda m: m.group(1) + _SPACE_ABOVE, data)
            data = _AFTER_LIST.sub(lambda m: m.group(1) + _SPACE_ABOVE, data)
            data = _TABLE_WIDTH.sub(rb'\1<w:jc w:val="center" />', data)
        out.append((info, data))
    tmp = path.with_name(path.name + ".rows")
    with zipfile.ZipFile(tmp, "w") as dst:
        for info, data in out:
            dst.writestr(info, data, compress_type=info.compress_type)
    os.replace(tmp, path)
    return marked


def _docx_meta(
    meta: dict[str, Any], logo: Path | None = None, toc_depth: int | None = None
) -> dict[str, Any]:
    """Metadata only the DOCX pass needs: the cover logo and the daftar isi's depth (docx.lua
    writes both)."""
    # the logo's name only: pandoc runs in the render folder, and the DOCX keeps the path
    # it was given (as the picture's description)
    extra: dict[str, Any] = {"skm-logo": logo.name} if logo is not None else {}
    if toc_depth is not None:
        extra["skm-toc-depth"] = toc_depth
    return extra


def _finish_docx(path: Path, meta: dict[str, Any], toc_depth: int | None) -> None:
    """skm.render.docx.finish_docx with the title and authors of the document properties."""
    from skm.render.docx import finish_docx

    cover = meta.get("cover") if isinstance(meta.get("cover"), dict) else {}
    authors = meta.get("author") or [cover[k] for k in ("agency", "unit") if cover.get(k)]
    if isinstance(authors, str):
        authors = [authors]
    finish_docx(
        path,
        toc_depth=toc_depth,
        title=_plain(str(meta.get("title") or "")),
        creator="; ".join(_plain(str(a)) for a in authors),
    )


@functools.lru_cache(maxsize=1)
def _typst_fonts() -> Any:
    import typst

    return typst.Fonts(
        include_system_fonts=False, include_embedded_fonts=False, font_paths=[str(FONTS_DIR)]
    )


def _compile_typst(typ_path: Path, logo: Path | None, epoch: int, qmd: Path) -> bytes:
    import typst

    # The root is the render's own folder: no document can read a file outside it (the logo
    # and every image are copied in, fonts come from the shipped set).
    inputs = {"skm-logo": logo.name} if logo is not None else {}
    try:
        pdf, warnings = typst.compile_with_warnings(
            str(typ_path),
            root=str(typ_path.parent),
            font_paths=_typst_fonts(),
            ignore_system_fonts=True,
            sys_inputs=inputs,
            timestamp=epoch,
            format="pdf",
        )
    except typst.TypstError as err:
        raise RenderError(f"{qmd}: typst failed: {_typst_message(err)}") from None
    bad = [
        w
        for w in warnings
        if not any(p.search(getattr(w, "message", str(w))) for p in HARMLESS_TYPST_WARNINGS)
    ]
    if bad:
        raise RenderError(f"{qmd}: typst warned:\n" + "\n".join(_typst_message(w) for w in bad))
    if not isinstance(pdf, bytes):
        raise RenderError(f"{qmd}: typst returned no PDF")
    return pdf


def _typst_message(diag: Any) -> str:
    message = getattr(diag, "message", None) or str(diag)
    detail = getattr(diag, "diagnostic", "") or ""
    hints = getattr(diag, "hints", None) or []
    text = message
    if detail and detail != message:
        text += "\n" + detail[-1500:]
    if hints:
        text += "\n" + "\n".join(f"hint: {h}" for h in hints)
    return text
