"""`skm init`: draft a new unit's settings from one export, so a unit can start alone.

`draft_unit` reads an export (CSV, XLSX, or a zip of them), recognises its columns by header
text and by answer content, and writes a draft ``data/raw/<unit>/unit.yaml`` and the year
folder holding a copy of the export. It never moves or changes the export, never overwrites a
file, and tells in Indonesian what it recognised and what the unit's staff must still add
(with the exact YAML line).

How columns are recognised, per column of every table in the export:

- the header is normalised (`skm.ingest.settings.normalise_text`, then question numbering such as
  ``1.``/``8)``/``a.`` and a trailing ``*`` removed) and compared with config.yaml's
  ``columns`` (exact), with the same texts by fuzzy ratio (rapidfuzz `token_sort_ratio`:
  close wording, words reordered, ``Anda`` for ``Saudara``) and with keywords per field
  (``persyaratan``, ``sarana``, ``pengaduan`` ...);
- the content decides what a column can be: timestamps (`skm.ingest.timestamps.parse_timestamps`),
  answers of an unsur (the labels of `skm.domain.DEFAULT_LABELS`, also lettered or numbered:
  ``a. Tidak sesuai``, ``4 - Sangat sesuai``, ``Sangat sesuai (4)``, or the digits 1..4),
  demographic categories (config.yaml ``demografi``), personal data (the patterns of
  `skm.ingest.redact`), free text;
- a field is given to the best compatible column (each column and each field once); equal
  candidates are never decided by position: they are reported.

Sarana (U9) and pengaduan (U8) have labels of their own, so their columns are told apart by
content whatever their headers; persyaratan (U1) and produk (U5) share their labels and need
the header; a linear-scale column (digits only) needs the header too.

The pieces: `known` (fields, keywords, patterns), `tables` (reading the export), `content` (what a
column can be), `recognise` (fields given to columns), `unit_yaml` (the draft's text), `init`
(`draft_unit`, `report`).
"""

from skm.ingest.draft.content import Content, header_key, header_scores
from skm.ingest.draft.init import check_unit_name, draft_unit, report, unit_name_from
from skm.ingest.draft.recognise import Column, Draft, known_headers, recognise
from skm.ingest.draft.tables import Table, read_tables
from skm.ingest.draft.unit_yaml import custom_label_lines, unit_yaml_text
from skm.ingest.values import split_ticked

__all__ = [
    "Column",
    "Content",
    "Draft",
    "Table",
    "check_unit_name",
    "custom_label_lines",
    "draft_unit",
    "header_key",
    "header_scores",
    "known_headers",
    "read_tables",
    "recognise",
    "report",
    "split_ticked",
    "unit_name_from",
    "unit_yaml_text",
]
