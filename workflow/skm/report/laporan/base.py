"""The artefacts one unit-year's documents read, loaded once (the data every part of `Laporan` uses)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from skm import numfmt as nf
from skm.contracts import read_ikm, read_quality, read_settings
from skm.domain import PROFILE_FIELDS
from skm.report.markdown import escape
from skm.scoring.tables import read_rejected, read_responses

#: Titles of the respondent-profile fields in the laporan's tables ('Jenis Kelamin').
FIELD_TITLES = {field: name.title() for field, name in PROFILE_FIELDS.items()}


#: Bounds of the appendices that grow with the unit (Lampiran 5 saran, Lampiran 6 rejected
#: rows; the respondent matrix has `matrix_fits`): past them a document says where the rest
#: is, so a render's memory does not grow with the number of responses (README).
APPENDIX_ROWS = 1_000
APPENDIX_CHARS = 300_000


@dataclass
class LaporanData:
    """Everything one unit-year's documents read, loaded once."""

    ikm: dict
    quality: dict
    settings: dict
    responses: pd.DataFrame
    rejected: pd.DataFrame
    figdir: Path
    #: The folder the settings' relative paths (unit_dir, year_dir) start from.
    root: Path = Path(".")
    #: Bounds of the appendices (APPENDIX_ROWS, APPENDIX_CHARS by default).
    appendix_rows: int = APPENDIX_ROWS
    appendix_chars: int = APPENDIX_CHARS

    @classmethod
    def load(
        cls, ikm: str, quality: str, settings: str, responses: str, rejected: str, figdir: str
    ) -> LaporanData:
        """Read the artefacts of one unit-year (each checked by its contract)."""
        values = read_settings(settings)
        return cls(
            ikm=read_ikm(ikm),
            quality=read_quality(quality),
            settings=values,
            responses=read_responses(responses),
            rejected=read_rejected(rejected),
            figdir=Path(figdir),
            root=_project_root(Path(settings), values),
        )

    # -- small accessors -------------------------------------------------------------------
    @property
    def survey(self) -> dict:
        """The unit's survei.yaml content (may be empty)."""
        return self.settings.get("survei", {})

    @property
    def name(self) -> str:
        """Full unit name, escaped for markdown."""
        return escape(self.ikm["name"])

    @property
    def year(self) -> str:
        """The survey year."""
        return str(self.ikm["year"])

    @property
    def ikm_konversi(self) -> str:
        """'85,20'."""
        return nf.angka(self.ikm["display"]["ikm_konversi"])

    @property
    def mutu(self) -> str:
        """'B'."""
        return self.ikm["mutu"]

    @property
    def kinerja(self) -> str:
        """'Baik'."""
        return self.ikm["kinerja"]

    @property
    def n(self) -> int:
        """Number of scored responses."""
        return int(self.ikm["n_valid"])

    def figure(self, name: str) -> str:
        """Path of a figure the plot_figures rule drew."""
        return str(self.figdir / name)


def _project_root(settings_file: Path, settings: dict) -> Path:
    """The folder `settings`' relative year_dir is relative to (the workflow's working
    directory): the nearest parent of settings.json holding it, else the current one."""
    year_dir = settings.get("year_dir")
    if year_dir and not Path(year_dir).is_absolute():
        for parent in settings_file.resolve().parents:
            if (parent / year_dir).is_dir():
                return parent
    return Path(".")
