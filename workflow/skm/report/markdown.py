"""Helpers that notebooks use to emit safe pandoc markdown.

Everything a notebook prints with ``#| output: asis`` is read by pandoc as markdown, so text
that comes from data (unit names, respondents' complaints and suggestions, file names) must be
escaped first: :func:`escape` makes any string literal, whatever it contains (HTML, Markdown,
raw attributes, Quarto shortcodes, citations, Typst or LaTeX code). :func:`table` builds a
pipe table whose cells are escaped unless they are wrapped in :class:`Raw`, and
:func:`pagebreak` is the raw-block equivalent of Quarto's ``{{< pagebreak >}}`` for HTML, DOCX
and PDF (Typst).

Example, in a notebook cell with ``#| output: asis``::

    from skm.report.markdown import escape, table
    print(table([[escape(unit), "4,21"]], headers=["Unit", "NRR"], align="lr"))
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from pathlib import Path, PurePath

__all__ = [
    "Raw",
    "attribute",
    "bold",
    "clean",
    "escape",
    "front_matter",
    "image",
    "italic",
    "metadata",
    "pagebreak",
    "removed_controls",
    "table",
]

# Every ASCII punctuation character: pandoc's `all_symbols_escapable` extension (on in pandoc
# markdown) makes a backslash before any of them produce the character itself.
_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")

# Line breaks: CR LF, CR, LF and the Unicode line and paragraph separators. (The other
# characters Python's str.splitlines() knows are C0/C1 controls, removed below.)
_NEWLINES = re.compile(r"\r\n|[\n\r\u2028\u2029]")
# White space at either end of a line: any Unicode space but the no-break space (U+00A0, which
# every writer keeps as itself). Typst reads U+3000 and the other wide spaces as white space,
# so a line "\u3000+ x" would start a list there: pandoc's Typst writer escapes a "+" only at
# the very start of a line.
_EDGE_SPACE = re.compile(r"^[^\S\u00a0]+|[^\S\u00a0]+$")

# Removed from every text that enters a document: C0 controls other than tab and newline, DEL,
# C1 controls, the bidirectional embedding/override/isolate controls (which can make a text
# read differently from what it says), lone surrogates and the non-characters U+FFFE/U+FFFF
# (invalid in XML, hence in DOCX). Each removal is counted (removed_controls()).
_REMOVED = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff\ufffe\uffff]"
)

_removed_total = 0


def clean(text: object) -> str:
    """``text`` as a string without the characters no document may carry.

    Removes C0 controls except tab and line breaks, DEL, C1 controls, the bidi controls
    U+202A..U+202E and U+2066..U+2069, lone surrogates and U+FFFE/U+FFFF; every removed
    character is counted in :func:`removed_controls`. ``None`` becomes an empty string.
    """
    global _removed_total
    if text is None:
        return ""
    s = str(text)
    s, n = _REMOVED.subn("", s)
    _removed_total += n
    return s


def removed_controls(reset: bool = False) -> int:
    """How many characters :func:`clean` removed in this process (optionally reset to 0)."""
    global _removed_total
    n = _removed_total
    if reset:
        _removed_total = 0
    return n


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

    Control and bidi characters are removed and counted (:func:`clean`); tabs become
    spaces; white space at either end of a line is dropped (leading spaces could start an
    indented code block, a leading U+3000 a Typst list). Any other Unicode text (emoji,
    Arabic, Chinese, combining marks, full-width forms) passes through unchanged.

    This is the one escaping path for text from outside the code: body text, table cells,
    captions, attribute values (:func:`attribute`), images (:func:`image`) and the front
    matter a caller passes to the renderer (:func:`metadata`) all go through it.
    """
    if newlines not in ("break", "space"):
        raise ValueError("newlines must be 'break' or 'space'")
    s = clean(text).replace("\t", " ")
    lines = _NEWLINES.split(s)
    lines = [_EDGE_SPACE.sub("", line) for line in lines]
    # Leading and trailing line breaks would leave a dangling backslash: drop them.
    while len(lines) > 1 and not lines[-1]:
        lines.pop()
    while len(lines) > 1 and not lines[0]:
        lines.pop(0)
    out = []
    for line in lines:
        out.append("".join("\\" + ch if ch in _PUNCTUATION else ch for ch in line))
    if newlines == "space":
        return " ".join(part for part in out if part) if len(out) > 1 else out[0]
    # A hard line break is a backslash at the end of a line; a line that is empty after
    # stripping still ends with that backslash, so no blank line (paragraph break) appears.
    return "\\\n".join(out)


def attribute(text: object) -> str:
    """``text`` as a quoted pandoc attribute value (``key=<result>``), read back literally.

    Inside a quoted attribute value pandoc reads a backslash before ASCII punctuation as that
    character and decodes HTML entities; :func:`escape` puts a backslash before each of them
    (a trailing backslash, a quote, ``&amp;``, ``}``), so the value cannot end early.
    """
    # An attribute keeps runs of spaces (text does not): one space, as the text shows it. A
    # value that starts with white space (also U+00A0) is not read as a quoted value.
    return '"' + re.sub(" {2,}", " ", escape(text, newlines="space")).strip() + '"'


def image(
    path: str | PurePath, caption: object, alt: object = None, width: str | None = None
) -> Raw:
    """Markdown of an image file with a literal caption and alt text (both escaped).

    ``path`` is percent-encoded, so a folder or file name with spaces, parentheses, quotes or
    non-ASCII letters cannot end the link or be read as markup; the renderer decodes it and
    copies the file into its own folder under a plain name. ``width`` is a size such as
    ``"70%"`` or ``"8cm"`` (from code, never from data).
    """
    from urllib.parse import quote

    target = quote(Path(path).as_posix(), safe="/")
    attrs = []
    if alt is not None:
        attrs.append(f"fig-alt={attribute(alt)}")
    if width is not None:
        if not _SIZE.match(width):
            raise ValueError(f"invalid image width {width!r}")
        attrs.append(f"width={width}")
    suffix = "{" + " ".join(attrs) + "}" if attrs else ""
    return Raw(f"![{escape(caption, newlines='space')}]({target}){suffix}")


_SIZE = re.compile(r"^\d+(\.\d+)?(%|cm|mm|in|pt)$")


def metadata(value: object) -> object:
    """Front matter from data (a unit's name, its parent agency) made literal for pandoc.

    Pandoc reads every string of the YAML front matter as Markdown: each string (in nested
    dicts and lists too) goes through :func:`escape` on one line; numbers, booleans and None
    stay as they are.
    """
    if isinstance(value, dict):
        return {str(k): metadata(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [metadata(v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    return escape(value, newlines="space")


def front_matter(meta: dict) -> str:
    """``meta`` as the YAML of a pandoc front matter (or ``--metadata-file``), every string
    double-quoted.

    PyYAML writes a string plain when YAML 1.1 would not read it as another type, but pandoc's
    YAML reader reads more plain words as other types: ``y``/``n`` (any case) as booleans,
    ``1e3`` as the number 1000. A unit named "Y" would lose its name on the cover. Quoted, a
    string is always a string (and pandoc still reads it as Markdown: :func:`metadata` makes
    text from data literal first). Numbers, booleans and None are written as they are.
    """
    import yaml

    class _Dumper(yaml.SafeDumper):
        pass

    def _quoted(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
        return dumper.represent_scalar("tag:yaml.org,2002:str", value, style='"')

    _Dumper.add_representer(str, _quoted)
    return yaml.dump(meta, Dumper=_Dumper, allow_unicode=True, sort_keys=True, width=10_000)


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
