"""Parse a Quarto-format notebook (``.qmd``): YAML front matter, markdown chunks and
```` ```{python} ```` cells with ``#| key: value`` option lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from skm.render.errors import RenderError

__all__ = ["Chunk", "QmdDocument", "parameter_names", "parse_qmd", "prose_segments"]

FENCE_RE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_CELL_INFO_RE = re.compile(r"^\s*\{\s*python\s*\}\s*$")
_OTHER_ENGINE_RE = re.compile(
    r"^\s*\{\s*(python|r|ojs|julia|bash|sql|mermaid|dot)\b[^}]*\}\s*$", re.IGNORECASE
)


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
        m = FENCE_RE.match(line)
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
                close = FENCE_RE.match(lines[j])
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


def parameter_names(doc: QmdDocument) -> list[str]:
    """The names the notebook's ``parameters`` cell assigns, in order (none without one)."""
    import ast

    for chunk in doc.chunks:
        if chunk.kind == "code" and "parameters" in (chunk.options.get("tags") or []):
            try:
                tree = ast.parse(chunk.code)
            except SyntaxError as err:
                raise RenderError(f"{doc.path}:{chunk.line}: parameters cell: {err}") from None
            return [
                target.id
                for node in tree.body
                if isinstance(node, ast.Assign)
                for target in node.targets
                if isinstance(target, ast.Name)
            ]
    return []


def prose_segments(text: str) -> list[tuple[bool, str]]:
    """Split markdown into (is_prose, text) parts; fenced code blocks are not prose."""
    parts: list[tuple[bool, str]] = []
    buf: list[str] = []
    fence: tuple[str, int] | None = None
    for line in text.split("\n"):
        m = FENCE_RE.match(line)
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
