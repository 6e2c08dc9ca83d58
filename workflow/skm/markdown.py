"""Helpers that notebooks use to emit safe pandoc markdown.

Everything a notebook prints with ``#| output: asis`` is read by pandoc as markdown, so text
that comes from data (unit names, respondents' complaints and suggestions, file names) must be
escaped first: :func:`escape` makes any string literal, whatever it contains (HTML, Markdown,
raw attributes, Quarto shortcodes, citations, Typst or LaTeX code). :func:`table` builds a
pipe table whose cells are escaped unless they are wrapped in :class:`Raw`, and
:func:`pagebreak` is the raw-block equivalent of Quarto's ``{{< pagebreak >}}`` for HTML, DOCX
and PDF (Typst).

Example, in a notebook cell with ``#| output: asis``::

    from skm.markdown import escape, table
    print(table([[escape(unit), "4,21"]], headers=["Unit", "NRR"], align="lr"))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

__all__ = ["Raw", "bold", "escape", "italic", "pagebreak", "table"]

# Every ASCII punctuation character: pandoc's `all_symbols_escapable` extension (on in pandoc
# markdown) makes a backslash before any of them produce the character itself.
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

# Line terminators Python's str.splitlines() knows, plus CR LF.
_NEWLINES = re.compile(r"\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]")

# C0/C1 control characters (other than tab/newline, handled above), lone surrogates and the
# non-characters U+FFFE/U+FFFF: invalid in XML (DOCX) and meaningless in a report.
_INVALID = re.compile("[\x00-\x08\x0e-\x1b\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")

_REPLACEMENT = "\ufffd"


class Raw(str):
    """A string that is already pandoc markdown: :func:`table` inserts it without escaping.

    Use it for cells that carry deliberate formatting, e.g. ``Raw("**" + escape(name) + "**")``.
    The caller is responsible for its safety (escape any data inside it).
    """

    __slots__ = ()


def escape(text: object, *, newlines: str = "break") -> str:
    """Return ``text`` as pandoc markdown that renders as exactly that text.

    Every ASCII punctuation character gets a backslash, so nothing in the text can be
    interpreted: no HTML (``<script>``), no emphasis, links, spans or raw attributes
    (``[x]{.y}``, ``\\`x\\`{=typst}``), no Quarto shortcodes (``{{< include ... >}}``), no
    ``@`` citations or cross references, no math, no Typst (``#read(...)``) or LaTeX
    (``\\input{...}``) code, no list, heading, table or block-quote markers at a line start.

    Args:
        text: Anything; it is converted with ``str()`` (``None`` becomes an empty string).
        newlines: What a line break in ``text`` becomes: ``"break"`` (a hard line break,
            the default), or ``"space"`` (for table cells and other one-line contexts).

    Control characters, lone surrogates and U+FFFE/U+FFFF (invalid in XML) are replaced by
    U+FFFD; tabs become spaces; leading white space on a line is dropped (it could
    otherwise start an indented code block). Any other Unicode text (emoji, Arabic, Chinese,
    combining marks) passes through unchanged.
    """
    if newlines not in ("break", "space"):
        raise ValueError("newlines must be 'break' or 'space'")
    if text is None:
        return ""
    s = str(text)
    s = s.encode("utf-8", "surrogatepass").decode("utf-8", "replace")  # lone surrogates
    s = _INVALID.sub(_REPLACEMENT, s).replace("\t", " ")
    lines = _NEWLINES.split(s)
    # Leading and trailing line breaks would leave a dangling backslash: drop them.
    while len(lines) > 1 and not lines[-1].strip(" "):
        lines.pop()
    while len(lines) > 1 and not lines[0].strip(" "):
        lines.pop(0)
    out = []
    for line in lines:
        line = line.lstrip(" ")
        out.append("".join("\\" + ch if ch in _PUNCTUATION else ch for ch in line))
    if newlines == "space":
        return " ".join(part for part in out if part) if len(out) > 1 else out[0]
    # A hard line break is a backslash at the end of a line; a line that is empty after
    # stripping still ends with that backslash, so no blank line (paragraph break) appears.
    return "\\\n".join(out)


def bold(text: object) -> Raw:
    """Return ``text`` escaped and set in bold, as :class:`Raw` markdown."""
    inner = escape(text, newlines="space")
    return Raw(f"**{inner}**") if inner else Raw("")


def italic(text: object) -> Raw:
    """Return ``text`` escaped and set in italics, as :class:`Raw` markdown."""
    inner = escape(text, newlines="space")
    return Raw(f"*{inner}*") if inner else Raw("")


_ALIGN = {
    "l": "l",
    "left": "l",
    "r": "r",
    "right": "r",
    "c": "c",
    "center": "c",
    "centre": "c",
    "d": "d",
    "default": "d",
    None: "d",
}


def _cell(value: object, raw: bool = False) -> str:
    """One table cell as single-line markdown (escaped unless :class:`Raw` or ``raw``)."""
    if raw or isinstance(value, Raw):
        s = _NEWLINES.sub(" ", str(value))
    else:
        s = escape(value, newlines="space")
    # A pipe inside a Raw cell would end the cell: escape it (escaped text already has \|).
    s = re.sub(r"(?<!\\)((?:\\\\)*)\|", r"\1\\|", s)
    return s.strip() or " "


def _display_len(s: str) -> int:
    """Rough rendered length of a cell: its length without escaping backslashes."""
    return len(s.replace("\\", ""))


def table(
    rows: Iterable[Sequence[object]],
    headers: Sequence[object],
    align: str | Sequence[str | None] | None = None,
    widths: Sequence[float] | None = None,
    *,
    raw: bool = False,
) -> str:
    """Return a pandoc pipe table.

    Args:
        rows: The body rows; each cell is converted with ``str()`` and escaped, unless it is a
            :class:`Raw` string (inserted as markdown). Newlines in cells become spaces.
        headers: The header cells (escaped the same way); the number of columns.
        align: Per column ``"l"``, ``"r"``, ``"c"`` or ``"d"`` (default), or the words
            ``"left"``, ``"right"``, ``"center"``; a string like ``"lrr"`` is accepted.
        widths: Relative column widths (any positive numbers, e.g. ``[1, 4, 1]``). With widths
            the table always spans the text width and long cells wrap. Without them pandoc
            sizes the columns itself; it switches to wrapping with widths proportional to the
            cell lengths as soon as a row is longer than 72 characters.
        raw: If true, every cell (header and body) is already markdown, as if wrapped in
            :class:`Raw`: the caller has escaped any data in it (e.g. with :func:`escape`).
            Only newlines (to spaces) and unescaped ``|`` (escaped) are changed.

    The result ends with a newline and is surrounded by nothing: print it between blank lines
    (``print(table(...))`` in an ``output: asis`` cell is enough, the renderer separates
    outputs with blank lines). A caption comes from the cell's ``tbl-cap`` option or, when a
    cell prints several tables, from a line ``: Caption {#tbl-label}`` after each of them.
    """
    header_cells = [_cell(h, raw) for h in headers]
    ncol = len(header_cells)
    if ncol == 0:
        raise ValueError("a table needs at least one column")
    body = []
    for i, row in enumerate(rows):
        cells = [_cell(v, raw) for v in row]
        if len(cells) != ncol:
            raise ValueError(f"row {i} has {len(cells)} cells, the header has {ncol}")
        body.append(cells)

    if align is None:
        aligns = ["d"] * ncol
    else:
        aligns = [_ALIGN.get(a.lower() if isinstance(a, str) else a) for a in align]
        if len(aligns) != ncol or None in aligns:
            raise ValueError(f"align must give one of l/r/c/d for each of the {ncol} columns")

    if widths is not None:
        if len(widths) != ncol or any(not w > 0 for w in widths):
            raise ValueError(f"widths must be {ncol} positive numbers")
        total = float(sum(widths))
        # A separator line longer than pandoc's 72 columns makes the widths count.
        dashes = [max(3, round(120 * w / total)) for w in widths]
    else:
        # Relative widths (used by pandoc once a row is longer than 72 characters): the
        # column's text length, but at least its longest word (which cannot wrap).
        dashes = []
        for j in range(ncol):
            column = [header_cells[j]] + [r[j] for r in body]
            longest = max(_display_len(c) for c in column)
            word = max((_display_len(w) for c in column for w in c.split()), default=0)
            dashes.append(max(3, word + 2, min(longest, 50)))

    def sep(n: int, a: str) -> str:
        if a == "l":
            return ":" + "-" * (n - 1)
        if a == "r":
            return "-" * (n - 1) + ":"
        if a == "c":
            return ":" + "-" * (n - 2) + ":"
        return "-" * n

    lines = ["| " + " | ".join(header_cells) + " |"]
    lines.append("|" + "|".join(sep(n, a) for n, a in zip(dashes, aligns)) + "|")
    lines.extend("| " + " | ".join(cells) + " |" for cells in body)
    return "\n".join(lines) + "\n"


def pagebreak() -> str:
    """Return raw blocks that start a new page in DOCX and PDF (CSS page break in HTML).

    The same blocks are what the renderer substitutes for ``{{< pagebreak >}}``. Print the
    result from an ``output: asis`` cell; it is surrounded by blank lines.
    """
    return (
        "\n\n```{=openxml}\n"
        '<w:p><w:r><w:br w:type="page"/></w:r></w:p>\n'
        "```\n\n"
        "```{=typst}\n"
        "#pagebreak(weak: true)\n"
        "```\n\n"
        "```{=html}\n"
        '<div class="page-break" aria-hidden="true"></div>\n'
        "```\n\n"
    )
