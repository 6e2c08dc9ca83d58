"""Assemble one pandoc-markdown document from an executed notebook: markdown chunks with their
shortcodes and inline values, and each cell's outputs (text, ``output: asis`` markdown, figures
with caption and alt text, tables with caption), images copied into the render's folder."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from skm.render.errors import RenderError
from skm.render.kernel import SETUP_CODE, Exec, KernelSession, execute, params_code
from skm.render.qmd import Chunk, QmdDocument, prose_segments
from skm.report import markdown as _md

__all__ = ["Assembler", "assemble", "localize_images", "plain"]

_LABEL_RE = re.compile(r"^(?:fig|tbl)-[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?$")
_INLINE_RE = re.compile(r"(?<!`)`\{python\}[ \t]+([^`\n]+?)[ \t]*`(?!`)")
_SHORTCODE_RE = re.compile(r"\{\{<\s*(/\*)?\s*(.*?)\s*(\*/)?\s*>\}\}", re.DOTALL)
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
_CODE_SPAN_RE = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)")


class Assembler:
    """Turns executed chunks into one pandoc-markdown body."""

    def __init__(self, qmd: Path, workdir: Path):
        self.qmd = qmd
        self.workdir = workdir
        self.figdir = workdir / "figures"
        self.figdir.mkdir(exist_ok=True)
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
        for out in outputs:  # streams joined by kernel.execute
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
            attr = f"{{#{tbl_label}}}" if tbl_label else ""
            caption = " ".join(p for p in (_caption(tcap), attr) if p)
            body = _attach_table_caption(body, f": {caption}")
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
        """``![caption](path){#label crossref-alt="..."}``: crossref.lua numbers the caption
        and makes crossref-alt the alt text, references in it resolved (a numbered figure
        without an alt text is described by its numbered caption)."""
        caption = _caption(cap)
        alt = chunk.options.get("fig-alt")
        if alt is None and not label:
            alt = plain(caption)
        attrs = [f"#{label}"] if label else []
        if alt is not None:
            attrs.append(f"crossref-alt={_md.attribute(alt)}")
        return f"![{caption}]({path}){{{' '.join(attrs)}}}" if attrs else f"![{caption}]({path})"


# An image in the assembled markdown: caption (escaped brackets allowed), then the target.
_IMAGE_RE = re.compile(r"(!\[(?:\\.|[^\]\\])*\]\(\s*)<?([^)\s>]+)>?(\s*\))")
_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,5}$")


def localize_images(markdown: str, workdir: Path, base: Path | None = None) -> str:
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


def _caption(text: Any) -> str:
    """A caption on one line (crossref.lua puts "Gambar 3.1" before a labelled one)."""
    return "" if text is None else " ".join(str(text).split())


def _true(value: Any) -> bool:
    return value is True or (isinstance(value, str) and value.lower() in ("true", "fenced"))


def _false(value: Any) -> bool:
    return value is False or (isinstance(value, str) and value.lower() == "false")


def _join(value: Any) -> str:
    return "".join(value) if isinstance(value, list) else str(value)


def _clean_text(text: str) -> str:
    """Strip ANSI colour codes (nbconvert's strip_ansi) and control characters from
    stream/plain output."""
    from nbconvert.filters import strip_ansi

    return _CONTROL_RE.sub("\ufffd", strip_ansi(text))


def _fence(text: str, info: str) -> str:
    longest = max((len(m) for m in re.findall(r"`{3,}", text)), default=2)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}{info}\n{text}\n{ticks}"


def _join_blocks(parts: list[str]) -> str:
    return "\n\n".join(p.strip("\n") for p in parts if p.strip())


def plain(markdown_text: str) -> str:
    """Rough plain text of short inline markdown (captions used as alt text)."""
    s = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown_text)
    s = re.sub(r"\\(.)", r"\1", s)
    return re.sub(r"[*_`]", "", s)


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
            return _md.pagebreak()
        if name == "meta" and len(words) == 2:
            value: Any = meta
            for key in words[1].split("."):
                if not isinstance(value, dict) or key not in value:
                    raise RenderError(f"{qmd}:{at}: {{{{< meta {words[1]} >}}}}: no such key")
                value = value[key]
            return _md.escape(value)
        raise RenderError(f"{qmd}:{at}: unsupported shortcode {m.group(0)!r}")

    # Inline code spans stay literal (line by line: a code span cannot cross a line here).
    out = []
    current_line = 0
    for current_line, line_text in enumerate(text.split("\n")):
        last = 0
        for span in _CODE_SPAN_RE.finditer(line_text):
            out.append(_SHORTCODE_RE.sub(repl, line_text[last : span.start()]) + span.group(0))
            last = span.end()
        out.append(_SHORTCODE_RE.sub(repl, line_text[last:]) + "\n")
    return "".join(out)[:-1]


def _prepare_markdown(
    chunk: Chunk, meta: dict[str, Any], qmd: Path
) -> tuple[list[str | int], list[tuple[str, int]]]:
    """Process shortcodes and find the inline expressions of a markdown chunk.

    Returns the chunk as pieces, text or the index of an inline expression whose value goes
    there, and the inline expressions as (expression, qmd line), in order. Fenced code blocks
    are left alone.
    """
    exprs: list[tuple[str, int]] = []
    pieces: list[str | int] = []
    line = chunk.line
    for n, (is_prose, part) in enumerate(prose_segments(chunk.text)):
        if n:
            pieces.append("\n")
        if not is_prose:
            pieces.append(part)
            line += part.count("\n") + 1
            continue
        last = 0
        for m in _INLINE_RE.finditer(part):
            pieces.append(
                _shortcodes(part[last : m.start()], meta, qmd, line + part.count("\n", 0, last))
            )
            pieces.append(len(exprs))
            exprs.append((m.group(1), line + part.count("\n", 0, m.start())))
            last = m.end()
        pieces.append(_shortcodes(part[last:], meta, qmd, line + part.count("\n", 0, last)))
        line += part.count("\n") + 1
    return pieces, exprs


def _inline_text(value: str) -> str:
    """An inline value as inserted into the markdown: as-is, but on one line.

    A line break (also an escaped one, backslash-newline) becomes a space, so that a value
    can never end the paragraph, heading or table row it is written in.
    """
    return re.sub(r"[ \t]*\\?(?:\r\n|[\r\n\u2028\u2029])\s*", " ", value)


def assemble(
    doc: QmdDocument,
    params: dict,
    base: Path,
    workdir: Path,
    epoch: int,
    result: dict[str, Any],
    session: KernelSession | None = None,
) -> tuple[str, Assembler]:
    """Execute the notebook (in `session`'s kernel, or a fresh one) and return its
    pandoc-markdown body (cross references are left to crossref.lua) and the assembler (which
    holds what cells wrote to stderr)."""
    qmd = doc.path
    cells: list[Exec] = [Exec("setup", SETUP_CODE)]
    params_cell = params_code(dict(params or {}))
    has_param_cell = any(
        c.kind == "code" and "parameters" in (c.options.get("tags") or []) for c in doc.chunks
    )
    if not has_param_cell:
        cells.append(Exec("params", params_cell))
    # ("md", (pieces, index of its inline cell or None)) or ("code", index of its cell)
    order: list[tuple[str, Any]] = []
    for chunk in doc.chunks:
        if chunk.kind == "markdown":
            pieces, exprs = _prepare_markdown(chunk, doc.meta, qmd)
            inline_cell = None
            if exprs:
                source = "__skm_inline__(" + repr([e for e, _ in exprs]) + ")"
                cells.append(Exec("inline", source, chunk, exprs))
                inline_cell = len(cells) - 1
            order.append(("md", (pieces, inline_cell)))
        else:
            if not _false(chunk.options.get("eval", True)):
                cells.append(Exec("code", chunk.text, chunk))
            else:
                cells.append(Exec("noeval", "", chunk))
            order.append(("code", len(cells) - 1))
            if "parameters" in (chunk.options.get("tags") or []):
                cells.append(Exec("params", params_cell))

    cells.append(Exec("controls", "__skm_controls__()"))
    runnable = [c for c in cells if c.role != "noeval"]
    result.update(execute(runnable, base, epoch, qmd, session))
    for out in cells[-1].outputs:
        removed = out.get("data", {}).get("application/vnd.skm.controls+json")
        if removed:
            result["removed_controls"] = result.get("removed_controls", 0) + removed["removed"]

    assembler = Assembler(qmd, workdir)
    blocks: list[str] = []
    for kind, ref in order:
        if kind == "md":
            pieces, inline_cell = ref
            values = _inline_values(cells[inline_cell]) if inline_cell is not None else []
            blocks.append("".join(values[p] if isinstance(p, int) else p for p in pieces))
        else:
            cell = cells[ref]
            blocks.append(assembler.cell(cell.chunk, cell.outputs, ref))
    return _CONTROL_RE.sub("\ufffd", _join_blocks(blocks)), assembler


def _inline_values(cell: Exec) -> list[str]:
    """The values of an inline cell's expressions, as inserted into the markdown."""
    for out in cell.outputs:
        values = out.get("data", {}).get("application/vnd.skm.inline+json")
        if values:
            return [_inline_text(v) for v in values["values"]]
    return []
