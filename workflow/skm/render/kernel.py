"""The Jupyter side of the renderer: the code run in the kernel (figure capture, inline
expressions, the parameters cell) and the execution of a notebook's cells in one request to a
Jupyter kernel (nbclient), several notebooks in one kernel (KernelSession)."""

from __future__ import annotations

import contextlib
import datetime as _dt
import json
import keyword
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path, PurePath
from typing import Any, Self

from skm.render.errors import RenderError
from skm.render.qmd import Chunk

__all__ = [
    "CELL_TIMEOUT",
    "FIGURE_DPI",
    "SETUP_CODE",
    "Exec",
    "KernelSession",
    "execute",
    "params_code",
]

FIGURE_DPI = 150
CELL_TIMEOUT = 600  # seconds for one notebook's cells (they run in one request)
CELL_MARK = "application/vnd.skm.cell+json"  # where a cell's outputs start (__skm_cells__)

SETUP_CODE = f"""
def __skm_setup__():
    import io, sys, warnings
    from IPython import get_ipython
    from IPython.display import display

    warnings.filterwarnings("ignore", message=".*non-interactive.*cannot be shown")
    ip = get_ipython()
    if getattr(ip, "_skm_setup_done", False):  # a later notebook of a KernelSession
        return
    ip._skm_setup_done = True
    # the names of a fresh namespace (IPython's own), which RESET_CODE keeps
    ip._skm_fresh_names = {{k for k in ip.user_ns if not k.startswith(("__skm", "_i"))}}

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


# The cell that runs a notebook: every cell in one request. IPython runs each as its own cell
# (execution count, display hook, post_run_cell) after a marker that tells the client where
# the cell's outputs start; the first cell that fails ends the run with a marker of its own.
DRIVER_CODE = f"""
def __skm_cells__(sources):
    from IPython import get_ipython
    from IPython.display import display

    ip = get_ipython()
    for index, source in enumerate(sources):
        display({{"{CELL_MARK}": {{"index": index, "count": ip.execution_count}}}}, raw=True)
        if not ip.run_cell(source, store_history=True).success:
            display({{"{CELL_MARK}": {{"index": index, "failed": True}}}}, raw=True)
            return


globals().pop("__skm_cells__")(__skm_sources__)  # (the cells do not see it)
"""


def params_code(params: dict[str, Any]) -> str:
    """The cell that sets the notebook's parameters: one JSON literal, read by ``json.loads``.

    Values are str, int, float, bool, None, Path (as str), date/datetime (ISO text), and
    lists/dicts of those (dict keys are strings, as JSON's are). Each top-level key becomes a
    variable of the notebook, as in a papermill-style parameters cell.
    """
    for name in params:
        if (
            not isinstance(name, str)
            or not name.isidentifier()
            or name.startswith("__")
            or keyword.iskeyword(name)
            or name in ("True", "False", "None")
        ):
            raise RenderError(f"parameter name {name!r} is not a valid Python identifier")
    literal = json.dumps(
        {name: _jsonable(value, name) for name, value in params.items()}, ensure_ascii=False
    )
    return (
        "# Parameters injected by skm.render\n"
        f"globals().update(__import__('json').loads({literal!r}))"
    )


def _jsonable(value: Any, name: str) -> Any:
    """``value`` as JSON data (Path -> str, date -> ISO text, tuple -> list)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, PurePath):
        return str(value)
    if isinstance(value, (_dt.date, _dt.datetime)):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_jsonable(v, name) for v in value]
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            raise RenderError(f"parameter {name!r}: dict keys must be strings")
        return {k: _jsonable(v, name) for k, v in value.items()}
    raise RenderError(
        f"parameter {name!r}: unsupported type {type(value).__name__} "
        "(use str, int, float, bool, None, Path, date, list or dict)"
    )


# --------------------------------------------------------------------------- execution


@dataclass
class Exec:
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


# Run between two notebooks of a KernelSession: the next one starts from a fresh namespace
# with execution counts from 1, as in a fresh kernel; imported modules stay (that is the
# saving), and the text filter's count of removed control characters starts again.
RESET_CODE = """
def __skm_reset__():
    import sys
    from IPython import get_ipython

    ip = get_ipython()
    ns = ip.user_ns
    for name in [k for k in ns if k not in ip._skm_fresh_names]:
        del ns[name]
    ip.history_manager.reset(new_session=True)  # a new history session: counts from 1
    ip.execution_count = 1
    markdown = sys.modules.get("skm.report.markdown")
    if markdown is not None:
        markdown.removed_controls(reset=True)


__skm_reset__()
"""


class KernelSession:
    """One Jupyter kernel that executes several notebooks in turn, each in an empty namespace.

    The kernel process is started on entering and boots while the caller goes on (hashing
    inputs, copying photos); the first :meth:`run` waits for it. Every notebook of one session
    has the same working folder and ``SOURCE_DATE_EPOCH`` (those of the kernel's process).
    A later notebook reuses the modules the earlier ones imported: the kernel's start and
    the imports (pandas, the report package) are paid once per job, not once per document.
    """

    def __init__(self, cwd: Path, source_date_epoch: int) -> None:
        self.cwd = Path(cwd).resolve()
        self.epoch = int(source_date_epoch)
        self._notebooks = 0

    def __enter__(self) -> Self:
        import tempfile

        import nbformat
        from jupyter_client.kernelspec import KernelSpecManager
        from jupyter_client.manager import AsyncKernelManager
        from nbclient import NotebookClient

        self._tmp = tempfile.TemporaryDirectory(prefix="skm-kernel-")
        workdir = Path(self._tmp.name)
        kernel_dir = workdir / "kernels" / "skm-python"
        kernel_dir.mkdir(parents=True)
        spec = {
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "skm (current interpreter)",
            "language": "python",
            "env": _kernel_env(workdir, self.epoch),
        }
        (kernel_dir / "kernel.json").write_text(json.dumps(spec), encoding="utf-8")
        ksm = KernelSpecManager(kernel_dirs=[str(workdir / "kernels")])
        km = AsyncKernelManager(kernel_name="skm-python", kernel_spec_manager=ksm)
        self.kernel_log = workdir / "kernel.log"
        self._log_file = open(self.kernel_log, "wb")
        self.client = NotebookClient(
            nbformat.v4.new_notebook(),
            km=km,
            timeout=CELL_TIMEOUT,
            startup_timeout=120,
            allow_errors=False,
            shutdown_kernel="immediate",
            record_timing=False,
            resources={"metadata": {"path": str(self.cwd)}},
        )
        self._t_start = time.perf_counter()
        self._ready = False
        try:
            self.client.start_new_kernel(stdout=self._log_file, stderr=self._log_file)
        except BaseException:
            self.__exit__(None, None, None)
            raise
        # nbconvert (its package imports every exporter: 0.2 s) is needed once the cells have
        # run (_split): import it while the kernel boots and runs, off the documents' path.
        threading.Thread(target=_import_nbconvert, name="skm-nbconvert", daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            if getattr(self.client, "km", None) is not None:
                self.client._cleanup_kernel()
        finally:
            self._log_file.close()
            self._tmp.cleanup()

    def run(self, cells: list[Exec], cwd: Path, source_date_epoch: int, qmd: Path) -> dict:
        """Run one notebook's cells; fill in their outputs. Returns its stage timings."""
        import nbformat
        from nbclient.exceptions import DeadKernelError

        if Path(cwd).resolve() != self.cwd or int(source_date_epoch) != self.epoch:
            raise RenderError(
                f"{qmd}: a kernel session runs notebooks of one folder and one "
                f"SOURCE_DATE_EPOCH ({self.cwd}, {self.epoch})"
            )
        nb = nbformat.v4.new_notebook()
        sources = repr([c.source for c in cells])
        nb.cells = [nbformat.v4.new_code_cell(DRIVER_CODE.replace("__skm_sources__", sources))]
        client = self.client
        t0 = time.perf_counter()
        try:
            if not self._ready:
                t0 = self._t_start  # the boot, less what the caller did meanwhile
                client.nb = nb
                client.start_new_kernel_client()
                self._ready = True
            else:  # (nbclient stores an executed cell into its notebook at the cell's index)
                client.nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(RESET_CODE)])
                client.execute_cell(client.nb.cells[0], 0, store_history=False)
            client.nb = nb
            client.reset_execution_trackers()
            t1 = time.perf_counter()
            # One request runs every cell (DRIVER_CODE): a request per cell cost 13 ms a
            # trivial cell, one request 9 ms (the Laporan has about 60 cells).
            client.execute_cell(nb.cells[0], 0, store_history=False)
            failed = _split(cells, nb.cells[0].outputs)
            if failed is not None:
                raise RenderError(_cell_error_message(cells[failed], qmd))
            for cell in cells:
                if cell.role == "inline":
                    _check_inline(cell, qmd)
            t2 = time.perf_counter()
        except RenderError:
            raise
        except (DeadKernelError, RuntimeError, TimeoutError) as err:
            self._log_file.flush()
            tail = self.kernel_log.read_text(encoding="utf-8", errors="replace")[-2000:]
            raise RenderError(f"{qmd}: the Jupyter kernel failed: {err}\n{tail}") from None
        self._notebooks += 1
        return {"kernel": t1 - t0, "execute": t2 - t1}


def execute(
    cells: list[Exec],
    cwd: Path,
    source_date_epoch: int,
    qmd: Path,
    session: KernelSession | None = None,
) -> dict[str, float]:
    """Run the cells in `session`'s kernel, or in a fresh kernel of their own (started and shut
    down here); fill in their outputs. Returns stage timings."""
    if session is not None:
        return session.run(cells, cwd, source_date_epoch, qmd)
    with KernelSession(cwd, source_date_epoch) as own:
        timings = own.run(cells, cwd, source_date_epoch, qmd)
        t_done = time.perf_counter()
    timings["kernel"] += time.perf_counter() - t_done  # the shutdown
    return timings


def _import_nbconvert() -> None:
    # A failure here shows again, and is reported, where _split imports it.
    with contextlib.suppress(Exception):
        import nbconvert.preprocessors  # noqa: F401


def _split(cells: list[Exec], outputs: list[Any]) -> int | None:
    """Give each cell the outputs between its marker and the next one (consecutive stream
    messages joined into one: nbconvert's CoalesceStreamsPreprocessor; the kernel cuts stdout
    at timing-dependent points, and each message as a block of its own put blank lines at
    random places). Returns the index of the cell that failed, or None."""
    import nbformat
    from nbconvert.preprocessors import CoalesceStreamsPreprocessor

    coalesce = CoalesceStreamsPreprocessor()
    parts: dict[int, list[Any]] = {}
    current, failed = None, None
    for out in outputs:
        mark = (
            out.get("data", {}).get(CELL_MARK) if out.get("output_type") == "display_data" else None
        )
        if mark is None:
            if current is not None:
                parts[current].append(out)
        elif mark.get("failed"):
            failed = mark["index"]
        else:
            current = mark["index"]
            parts[current] = []
            cells[current].execution_count = mark["count"]
    for index, cell in enumerate(cells):
        # A cell node as nbformat.v4.new_code_cell makes it, without its schema check (0.9 ms
        # a cell, a tenth of a second a Laporan): the kernel's outputs are not a file read in.
        nb_cell = nbformat.from_dict(
            {"cell_type": "code", "metadata": {}, "execution_count": None, "source": cell.source}
        )
        nb_cell.outputs = parts.get(index, [])
        coalesce.preprocess_cell(nb_cell, {}, index)
        cell.outputs = [_to_plain(o) for o in nb_cell.outputs]
    if failed is None and len(parts) < len(cells):  # the kernel stopped without a marker
        failed = max(parts, default=0)
    return failed


def _to_plain(node: Any) -> Any:
    """nbformat NotebookNode -> plain dict/list."""
    if isinstance(node, dict):
        return {k: _to_plain(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_to_plain(v) for v in node]
    return node


def _check_inline(cell: Exec, qmd: Path) -> None:
    for out in cell.outputs:
        data = out.get("data", {})
        err = data.get("application/vnd.skm.inline-error+json")
        if err:
            expr, line = cell.exprs[err["index"]]
            raise RenderError(f"{qmd}:{line}: inline expression `{expr}` failed: {err['error']}")


def _cell_error_message(cell: Exec, qmd: Path) -> str:
    """A short message for a failed cell: where, which source line, what error."""
    from nbconvert.filters import strip_ansi

    error = next((o for o in cell.outputs if o.get("output_type") == "error"), None)
    ename = error.get("ename", "Error") if error else "Error"
    evalue = error.get("evalue", "") if error else ""
    frames = [strip_ansi(t) for t in (error.get("traceback", []) if error else [])]
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
