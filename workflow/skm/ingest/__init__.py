"""Ingest: what a unit hands over (exports, YAML settings, photos), read, checked and redacted.

The unit-year's ingest is `unit.ingest` / `unit.ingest_unit`; it returns a `result.IngestResult`
that `result.write_outputs` writes. The modules, in the order the data passes through them:

- `settings`: unit.yaml / survei.yaml / config.yaml merged and checked;
- `read` (`read_csv`, `read_xlsx`, `zips`, `export`): one downloaded file to `export.Export`s;
- `columns`: which column holds which field (`HeaderMap`);
- `timestamps`: the form's timestamps parsed (styles, day/month order, UTC offset);
- `values` (`arrays`): answers, categories and saran normalised once per distinct value;
- `rows`: one export's rows checked; problems become rejected.csv lines;
- `unit`: all exports of a unit-year together (duplicates, responses table), `quality`: the
  quality figures and the stops, `result`: what is handed over and written;
- `redact`, `images`: personal data out of text, file names and photos;
- `fields`: fields, limits and the shared message helpers;
- `draft` (`skm init`) and `check` (`skm check`): the CLI's views of the same reading.
"""
