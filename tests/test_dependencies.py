"""Dependencies are declared exactly as imported (pyproject.toml against the code).

Every third-party module the product imports (the package and the shims under workflow/, the
Snakefile and rules, the notebooks' Python cells, which run in the Jupyter kernel) must come
from a distribution in `[project] dependencies`; every module tests/, tools/ and bench/ import
from one in `dependencies` or the `test` extra. Conversely every declared distribution must be
imported somewhere, except the few that are used without an import (listed below, with why).
Import names are mapped to distributions by `importlib.metadata.packages_distributions()`.
"""

from __future__ import annotations

import ast
import functools
import importlib.metadata as md
import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

#: Declared distributions used without an import statement.
RUNTIME_ONLY = {
    # The Jupyter kernel the notebooks are executed in (started by name, `python3`).
    "ipykernel",
    # The workflow engine: run as the `snakemake` command (its imports are in the Snakefile).
    "snakemake",
    # pytest plugins, loaded by pytest through their entry points.
    "pytest-benchmark",
    # The SLURM executor, loaded by Snakemake (`--executor slurm`) in tests/test_slurm.py.
    "snakemake-executor-plugin-slurm",
    # The quality gates' command-line tools (.ci/run).
    "ruff",
    "snakefmt",
}


def _norm(name: str) -> str:
    """A distribution name in its normalised form (PEP 503)."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _name(requirement: str) -> str:
    """The normalised distribution name of a requirement (``"pandas>=3.1"``: ``pandas``)."""
    return _norm(re.match(r"[A-Za-z0-9._-]+", requirement.strip()).group(0))


@functools.cache
def _providers() -> dict[str, list[str]]:
    """{top-level module: distributions installing it} of the environment."""
    return md.packages_distributions()


def _declared() -> tuple[set[str], set[str]]:
    """(product dependencies, test extra) as normalised distribution names."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    product = {_name(r) for r in project["dependencies"]}
    test = {_name(r) for r in project["optional-dependencies"]["test"]}
    return product, test


_QMD_CELL = re.compile(r"^```\{python\}[^\n]*\n(.*?)^```", re.DOTALL | re.MULTILINE)
#: An import line of a Snakefile or .smk file (Snakemake syntax is not plain Python).
_SMK_IMPORT = re.compile(r"^\s*(?:from\s+([\w.]+)\s+import|import\s+([\w.]+))", re.MULTILINE)


def _imports_of_python(source: str) -> set[str]:
    """Top-level modules imported anywhere in `source` (also inside functions)."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


@functools.cache
def _imports(path: Path) -> frozenset[str]:
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".qmd":
        return frozenset().union(*(_imports_of_python(c) for c in _QMD_CELL.findall(text)))
    if path.suffix == ".smk" or path.name == "Snakefile":
        return frozenset((a or b).split(".")[0] for a, b in _SMK_IMPORT.findall(text))
    return frozenset(_imports_of_python(text))


def _files(*patterns: str) -> list[Path]:
    return sorted({p for pattern in patterns for p in ROOT.glob(pattern)})


PRODUCT_FILES = _files("workflow/**/*.py", "workflow/rules/*.smk", "Snakefile", "notebooks/*.qmd")
TEST_FILES = _files("tests/**/*.py", "tools/**/*.py", "bench/**/*.py")

#: Modules of this repository: the package, and the modules tests/, tools/ and bench/ import
#: from each other (on pytest's pythonpath).
FIRST_PARTY = {"skm"} | {p.stem for p in TEST_FILES}


def _third_party(files: list[Path]) -> dict[str, list[str]]:
    """{top-level module: files importing it} of the modules neither stdlib nor first-party."""
    out: dict[str, list[str]] = {}
    for path in files:
        for module in _imports(path):
            if module in sys.stdlib_module_names or module in FIRST_PARTY or module == "__future__":
                continue
            out.setdefault(module, []).append(path.relative_to(ROOT).as_posix())
    return out


def _undeclared(files: list[Path], declared: set[str]) -> list[str]:
    providers = _providers()
    problems = []
    for module, users in sorted(_third_party(files).items()):
        dists = {_norm(d) for d in providers.get(module, [])}
        if not dists & declared:
            given = ", ".join(sorted(dists)) or "no installed distribution"
            problems.append(f"{module} ({given}) imported by {', '.join(sorted(users))}")
    return problems


def _imported_distributions(files: list[Path]) -> set[str]:
    providers = _providers()
    return {_norm(d) for module in _third_party(files) for d in providers.get(module, [])}


def test_the_files_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in PRODUCT_FILES}
    assert {"Snakefile", "workflow/skm/domain.py", "notebooks/laporan-skm.qmd"} <= names
    assert "pandas" in _third_party(PRODUCT_FILES)
    assert "pytest" in _third_party(TEST_FILES)


def test_every_module_the_product_imports_is_a_declared_dependency():
    product, _ = _declared()
    assert _undeclared(PRODUCT_FILES, product) == []


def test_every_module_tests_and_tools_import_is_declared():
    product, test = _declared()
    assert _undeclared(TEST_FILES, product | test) == []


@pytest.mark.parametrize("extra", ["dependencies", "test"])
def test_every_declared_dependency_is_imported(extra):
    product, test = _declared()
    declared = product if extra == "dependencies" else test
    files = PRODUCT_FILES if extra == "dependencies" else PRODUCT_FILES + TEST_FILES
    unused = declared - _imported_distributions(files) - {_norm(n) for n in RUNTIME_ONLY}
    assert sorted(unused) == []
