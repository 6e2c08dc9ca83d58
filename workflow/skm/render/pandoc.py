"""The pandoc passes: the assembled markdown read once, with crossref.lua (numbering and cross
references on the syntax tree), into pandoc's JSON syntax tree; then that tree written to HTML,
DOCX and Typst source in parallel, each pass with its writer's own filter (templates/html.lua,
docx.lua, typst.lua). The same outputs, byte for byte, as three passes that each read the
markdown, without reading it and running crossref.lua three times."""

from __future__ import annotations

import html
import os
import re
import subprocess
import time
from pathlib import Path
from typing import Any

from skm.render.errors import RenderError
from skm.report.markdown import front_matter

__all__ = ["PANDOC_FROM", "TEMPLATES_DIR", "pandoc_path", "run_passes"]

TEMPLATES_DIR = Path(__file__).resolve().parent / "templates"
# Citations on: "@fig-x" is a Cite element for crossref.lua (an escaped "\@" stays text);
# crossref.lua puts every other citation back as the text it was written as.
PANDOC_FROM = "markdown"
# Pandoc warnings known to be harmless (matched against the whole warning line).
HARMLESS_PANDOC_WARNINGS: tuple[re.Pattern[str], ...] = ()


def pandoc_path() -> str:
    """The pandoc binary of pypandoc-binary."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def crossref_args(crossref: Any) -> list[str]:
    """The front matter's ``crossref`` words as metadata for crossref.lua (``-M``)."""
    args = ["--lua-filter", str(TEMPLATES_DIR / "crossref.lua")]
    for key, value in (crossref or {}).items() if isinstance(crossref, dict) else ():
        args += ["--metadata", f"crossref-{key}={value}"]
    return args


def run_passes(
    qmd: Path,
    md_path: Path,
    base: Path,
    targets: dict[str, Path],
    meta: dict[str, Any],
    crossref: Any,
    docx_meta: dict[str, Any],
    logo: Path | None,
    epoch: int,
    result: dict[str, Any],
) -> None:
    """Read the markdown into a syntax tree (``pandoc_read``), then run the writer passes named
    in ``targets`` (``html``, ``docx``, ``typst``: the file each writes) in parallel, from the
    render's folder; record their times in ``result``."""
    workdir = md_path.parent
    env = dict(os.environ, SOURCE_DATE_EPOCH=str(epoch))
    toc = meta.get("toc", True) is not False
    toc_args = ["--toc", "--toc-depth", str(meta.get("toc-depth", 2))] if toc else []
    resources = ["--resource-path", os.pathsep.join([str(workdir), str(base)])]
    ast = workdir / "document.json"
    read = [
        *(pandoc_path(), str(md_path), "--from", PANDOC_FROM, *resources),
        *crossref_args(crossref),
        *("--to", "json", "--output", str(ast)),
    ]
    finished = _run_parallel({"read": read}, workdir, env, result)
    _check(finished["read"], "read", qmd)
    common = [pandoc_path(), str(ast), "--from", "json", *resources]
    jobs: dict[str, list[str]] = {}
    if "html" in targets:
        jobs["html"] = [
            *common,
            *("--to", "html5", "--standalone", "--embed-resources"),
            *("--template", str(TEMPLATES_DIR / "template.html")),
            *("--css", str(TEMPLATES_DIR / "style.css")),
            *("--lua-filter", str(TEMPLATES_DIR / "html.lua")),
            *("--output", str(targets["html"])),
            *toc_args,
        ]
        if logo is not None:
            jobs["html"] += ["--variable", f"skm-logo-src={html.escape(logo.name, quote=True)}"]
    if "docx" in targets:
        meta_file = workdir / "docx-meta.yaml"
        meta_file.write_text(front_matter(docx_meta), encoding="utf-8")
        jobs["docx"] = [
            *common,
            *("--to", "docx", "--reference-doc", str(TEMPLATES_DIR / "reference.docx")),
            *("--lua-filter", str(TEMPLATES_DIR / "docx.lua")),
            *("--metadata-file", str(meta_file)),
            *("--output", str(targets["docx"])),
        ]  # docx.lua writes the daftar isi after its cover (skm-toc-depth)
    if "typst" in targets:
        jobs["typst"] = [
            *common,
            *("--to", "typst", "--standalone", "--template", str(TEMPLATES_DIR / "template.typ")),
            *("--lua-filter", str(TEMPLATES_DIR / "typst.lua")),
            *("--output", str(targets["typst"])),
            *toc_args,
        ]
    finished = _run_parallel(jobs, workdir, env, result)
    for name in jobs:
        _check(finished[name], name, qmd)


def _run_parallel(
    jobs: dict[str, list[str]], cwd: Path, env: dict[str, str], result: dict[str, Any]
) -> dict[str, subprocess.CompletedProcess[str]]:
    procs = {}
    started = {}
    for name, args in jobs.items():
        started[name] = time.perf_counter()
        procs[name] = subprocess.Popen(
            args,
            cwd=cwd,
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
    return finished


def _check(proc: subprocess.CompletedProcess[str], what: str, qmd: Path) -> None:
    problems = []
    for line in proc.stderr.splitlines():
        if "[WARNING]" in line and not any(p.search(line) for p in HARMLESS_PANDOC_WARNINGS):
            problems.append(line.strip())
    unresolved = re.search(r"^unresolved cross reference\(s\): .*$", proc.stderr, re.MULTILINE)
    if unresolved:  # crossref.lua's error
        raise RenderError(f"{qmd}: {unresolved.group(0)}")
    if proc.returncode != 0:
        raise RenderError(f"{qmd}: pandoc ({what}) failed:\n{proc.stderr.strip()[-3000:]}")
    if problems:
        raise RenderError(f"{qmd}: pandoc ({what}) warned:\n" + "\n".join(problems[:20]))
