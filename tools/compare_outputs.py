"""Fingerprint the pipeline's outputs and compare two fingerprints (refactoring check).

    python tools/compare_outputs.py snapshot [ROOT] > before.json   # sha256 of every output
    python tools/compare_outputs.py compare before.json after.json  # exit 1 if any differ

Hashes every file under data/processed/ and reports/ (Snakemake's marker files excepted).
Two parts are expected to change with the code and are left out: manifest.json's ``code``
section (the commit and the code files' hashes) and provenance.json's ``versions`` (they change
only when a dependency is added or dropped: list such a change in the commit message).
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

SKIP_NAMES = {".snakemake_timestamp", ".gitkeep"}
#: file name -> top-level JSON keys left out of the fingerprint
VOLATILE_KEYS = {"manifest.json": ("code",), "provenance.json": ("versions",)}


def fingerprint(path: Path) -> str:
    data = path.read_bytes()
    keys = VOLATILE_KEYS.get(path.name)
    if keys:
        doc = json.loads(data)
        for key in keys:
            doc.pop(key, None)
        data = json.dumps(doc, sort_keys=True).encode()
    return hashlib.sha256(data).hexdigest()


def snapshot(root: Path) -> dict[str, str]:
    out = {}
    for top in ("data/processed", "reports"):
        for path in sorted((root / top).rglob("*")):
            if path.is_file() and path.name not in SKIP_NAMES:
                out[path.relative_to(root).as_posix()] = fingerprint(path)
    return out


def compare(before: dict[str, str], after: dict[str, str]) -> list[str]:
    lines = []
    for name in sorted(set(before) | set(after)):
        if name not in after:
            lines.append(f"missing  {name}")
        elif name not in before:
            lines.append(f"new      {name}")
        elif before[name] != after[name]:
            lines.append(f"differs  {name}")
    return lines


def main(argv: list[str]) -> int:
    if argv[:1] == ["snapshot"]:
        root = Path(argv[1]) if len(argv) > 1 else Path(".")
        json.dump(snapshot(root), sys.stdout, indent=1, sort_keys=True)
        print()
        return 0
    if argv[:1] == ["compare"] and len(argv) == 3:
        before, after = (json.loads(Path(p).read_text()) for p in argv[1:])
        lines = compare(before, after)
        print("\n".join(lines) if lines else f"identical: {len(after)} files")
        return 1 if lines else 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
