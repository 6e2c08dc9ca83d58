"""Figures: the files the report needs, Indonesian number format, one house style, same bytes."""

from __future__ import annotations

import copy
import json
import re
import runpy
from decimal import Decimal
from fractions import Fraction
from itertools import pairwise
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from matplotlib.text import Text
from PIL import Image

import artefacts
import synth
from skm import numfmt as nf
from skm.contracts import read_ikm
from skm.domain import UNSUR_CODES
from skm.domain import round_half_up as rhu
from skm.report import figures
from skm.scoring import tren
from skm.scoring.tables import read_responses

ROOT = Path(__file__).resolve().parents[1]

#: Answer counts per unsur of the shipped 2023 sample (sums 288, 291, 281, 290, 281, 287, 297,
#: 284, 308 over 85 complete responses, as the original report's Lampiran 2).
COUNTS_2023 = {
    "U1": (0, 4, 44, 37),
    "U2": (0, 3, 43, 39),
    "U3": (0, 6, 47, 32),
    "U4": (0, 3, 44, 38),
    "U5": (1, 8, 40, 36),
    "U6": (1, 5, 40, 39),
    "U7": (0, 3, 37, 45),
    "U8": (0, 9, 38, 38),
    "U9": (1, 1, 27, 56),
}


def _category(label: str, count: int, n: int, matched: bool = True) -> dict:
    pct = rhu(Fraction(100 * count, n), 2)
    return {
        "label": label,
        "count": count,
        "pct": float(pct),
        "display_pct": str(pct),
        "matched": matched,
    }


@pytest.fixture
def ikm() -> dict:
    """ikm.json of the shipped 2023 sample, written by the real ingest and scoring."""
    return artefacts.sample_ikm(2023)


def texts(fig) -> list[str]:
    """Every string drawn on a figure (tick labels, value labels, legends)."""
    fig.draw_without_rendering()  # tick labels are formatted at draw time
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def test_fixture_matches_the_published_sums(ikm):
    assert [u["sum"] for u in ikm["unsur"]] == list(synth.SAMPLE_SUMS[2023])
    assert ikm["display"]["ikm_konversi"] == "85.20"


# --- number formatting ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "value,expected",
    [
        ("3.39", "3,39"),
        ("85.20", "85,20"),
        ("0.376", "0,376"),
        ("100.00", "100,00"),
        ("85", "85"),
        ("1234", "1.234"),
        ("12345.5", "12.345,5"),
        ("-3.5", "-3,5"),
        (Decimal("76.61"), "76,61"),
    ],
)
def test_figure_labels_print_decimals_as_written(value, expected):
    assert nf.desimal(value) == expected


@pytest.mark.parametrize(
    "value,places,expected",
    [
        (Fraction(4 * 100, 85), 0, "5%"),
        (Fraction(25, 2), 0, "13%"),  # half-up, not to even
        (Fraction(61 * 100, 85), 2, "71,76%"),
        (Fraction(76605, 1000), 2, "76,61%"),
        (0, 0, "0%"),
    ],
)
def test_persen_bulat_rounds_half_up_once(value, places, expected):
    assert nf.persen_bulat(value, places) == expected


# --- figure content ------------------------------------------------------------------------


def test_nrr_unsur_labels_bands_and_ikm(ikm):
    fig = figures.fig_nrr_unsur(ikm)
    drawn = texts(fig)
    assert "3,39 (B)" in drawn and "3,62 (A)" in drawn and "3,31 (B)" in drawn
    assert not any(t in drawn for t in ("3.39 (B)", "3.62 (A)"))
    assert {"D\nTidak baik", "C\nKurang baik", "B\nBaik", "A\nSangat baik"} <= set(drawn)
    assert "IKM 3,408 (konversi 85,20, mutu B)" in drawn
    assert "3,5" in drawn and "3.5" not in drawn  # axis ticks use the comma too
    ax = fig.axes[0]
    assert ax.get_xlim() == (1, 4)
    assert not ax.spines["top"].get_visible() and not ax.spines["right"].get_visible()


def test_jawaban_unsur_percentages(ikm):
    drawn = texts(figures.fig_jawaban_unsur(ikm))
    assert "66%" in drawn  # U9: 56 of 85 = 65,88 %
    assert "11%" in drawn  # U5: 1 + 8 of 85 on the left
    assert {"Nilai 1", "Nilai 2", "Nilai 3", "Nilai 4"} <= set(drawn)


def test_jawaban_falls_back_to_responses(ikm):
    no_counts = copy.deepcopy(ikm)
    for row in no_counts["unsur"]:
        del row["counts"]
    responses = pd.DataFrame(
        {
            code: [
                s for s, c in zip((1, 2, 3, 4), COUNTS_2023[code], strict=True) for _ in range(c)
            ]
            for code in UNSUR_CODES
        }
    )
    with_counts = texts(figures.fig_jawaban_unsur(ikm))
    assert texts(figures.fig_jawaban_unsur(no_counts, responses)) == with_counts


def test_responden_counts_and_indonesian_percentages(ikm):
    drawn = texts(figures.fig_responden(ikm, "jenis_kelamin"))
    assert "61 (71,76%)" in drawn and "24 (28,24%)" in drawn
    drawn = texts(figures.fig_responden(ikm, "pendidikan"))
    assert "0 (0,00%)" in drawn and "SD ke bawah" in drawn  # zero categories are still shown


def test_responden_marks_unmatched_values(ikm):
    odd = copy.deepcopy(ikm)
    odd["demografi"]["pekerjaan"]["categories"].append(_category("Guru honorer", 3, 85, False))
    drawn = texts(figures.fig_responden(odd, "pekerjaan"))
    assert "Guru honorer" in drawn
    assert any("di luar kategori" in t for t in drawn)


def test_ikm_layanan_shows_n_and_bands(ikm):
    drawn = texts(figures.fig_ikm_layanan(ikm))
    assert "89,20 (A)\nn = 9" in drawn and "85,48 (B)\nn = 31" in drawn
    assert "IKM unit 85,20 (mutu B, n = 85)" in drawn
    assert {"65", "76,61", "88,31"} <= set(drawn)


def test_missing_data_gives_a_note_not_an_error(ikm):
    bare = copy.deepcopy(ikm)
    bare["by_layanan"] = {}
    del bare["demografi"]["jenis_kelamin"]
    assert any("tidak tersedia" in t for t in texts(figures.fig_ikm_layanan(bare)))
    assert any("tidak tersedia" in t for t in texts(figures.fig_responden(bare, "jenis_kelamin")))


def test_unsur_without_answers_is_drawn_as_such(ikm):
    gap = copy.deepcopy(ikm)
    gap["unsur"][3].update(
        n=0, nrr=None, mutu=None, display={}, counts={"1": 0, "2": 0, "3": 0, "4": 0}
    )
    assert "tidak ada jawaban" in texts(figures.fig_nrr_unsur(gap))
    assert "tidak ada jawaban" in texts(figures.fig_jawaban_unsur(gap))


def test_full_bar_label_moves_inside(ikm):
    top = copy.deepcopy(ikm)
    top["unsur"][8].update(nrr=4.0, mutu="A", display={"nrr": "4.00"})
    label = next(t for t in figures.fig_nrr_unsur(top).findobj(Text) if t.get_text() == "4,00 (A)")
    assert label.get_ha() == "right" and label.get_position()[0] < 4


# --- files ---------------------------------------------------------------------------------


EXPECTED = {
    "nrr_unsur.png",
    "jawaban_unsur.png",
    "ikm_layanan.png",
    "responden_jenis_kelamin.png",
    "responden_pendidikan.png",
    "responden_pekerjaan.png",
    "responden_usia.png",
}


def test_save_all_writes_every_figure_16_cm_wide(ikm, tmp_path):
    written = figures.save_all(ikm, None, tmp_path / "figures")
    # The sample's form asks the layanan: its respondents get a figure as well.
    assert {p.name for p in written} == EXPECTED | {"responden_layanan.png"}
    for path in written:
        with Image.open(path) as img:
            width_cm = img.size[0] / figures.DPI * 2.54
            assert 15.5 < width_cm < 16.5, path.name
            assert "Software" not in img.info


def test_save_all_is_byte_identical_between_runs(ikm, tmp_path):
    first = figures.save_all(ikm, None, tmp_path / "a")
    second = figures.save_all(ikm, None, tmp_path / "b")
    for a, b in zip(first, second, strict=True):
        assert a.read_bytes() == b.read_bytes(), a.name


def test_save_all_always_writes_the_files_the_report_shows(ikm, tmp_path):
    bare = copy.deepcopy(ikm)
    bare["by_layanan"] = {}
    bare["demografi"] = {}
    names = {p.name for p in figures.save_all(bare, None, tmp_path)}
    assert names == EXPECTED - {"responden_usia.png"}


def test_house_style_is_the_repo_matplotlibrc(ikm):
    assert figures.RC_FILE == ROOT / "workflow" / "matplotlibrc"
    rc = figures.RC_FILE.read_text(encoding="utf-8")
    assert "backend: agg" in rc and "axes.spines.top: False" in rc


FIGURES = {
    "nrr_unsur": lambda ikm: figures.fig_nrr_unsur(ikm),
    "jawaban_unsur": lambda ikm: figures.fig_jawaban_unsur(ikm, None),
    "responden": lambda ikm: figures.fig_responden(ikm, "jenis_kelamin"),
    "ikm_layanan": lambda ikm: figures.fig_ikm_layanan(ikm),
    "tren": lambda ikm: figures.fig_tren(tren.build([ikm], [], ikm["year"])),
    "rekap": lambda ikm: figures.fig_rekap(_rekap(3, "Dinas Sosial")),
    "placeholder": lambda ikm: figures.placeholder("Data tidak tersedia."),
}


@pytest.mark.parametrize("name", FIGURES)
def test_figures_draw_their_text_in_the_shipped_noto_sans(ikm, tmp_path, name):
    # The SVG twin draws every glyph as a path named after the font it came from
    # ('NotoSans-Regular-…'): a figure drawn outside the house style would name matplotlib's
    # default DejaVuSans glyphs instead.
    fig = FIGURES[name](ikm)
    figures.save(fig, tmp_path / "nrr.png", svg=True)
    svg = (tmp_path / "nrr.svg").read_text(encoding="utf-8")
    fonts = set(re.findall(r'<path id="([A-Za-z]+(?:-[A-Za-z]+)*)-[0-9a-f]+"', svg))
    assert fonts and all(f.startswith("NotoSans") for f in fonts), fonts


def _scored_sample(folder: Path) -> tuple[dict, pd.DataFrame]:
    """ikm.json and responses.csv of the 2023 sample, written in `folder` by the real code."""
    paths = artefacts.write_sample(folder, 2023)
    return read_ikm(paths["ikm"]), read_responses(paths["responses"])


def test_ikm_json_from_the_real_scoring(tmp_path):
    ikm, responses = _scored_sample(tmp_path / "processed")
    names = {p.name for p in figures.save_all(ikm, responses, tmp_path / "figures")}
    assert EXPECTED - {"responden_usia.png"} <= names
    assert "responden_layanan.png" in names
    assert "3,39 (B)" in texts(figures.fig_nrr_unsur(ikm))


def test_snakemake_shim(tmp_path):
    """The analyse_responses job: ikm.json (as score writes it), figures, trend, workbook."""
    paths = artefacts.write_sample(tmp_path / "in", 2023)
    ikm = read_ikm(paths["ikm"])
    out = tmp_path / "out"
    smk = SimpleNamespace(
        input=SimpleNamespace(
            responses=str(paths["responses"]),
            rejected=str(paths["rejected"]),
            quality=str(paths["quality"]),
            settings=str(paths["settings"]),
            ikms=[],
            unit_yaml=[],
        ),
        output=SimpleNamespace(
            ikm=str(out / "ikm.json"),
            figdir=str(out / "figures"),
            tren=str(out / "tren.json"),
            tren_png=str(out / "tren.png"),
            tren_svg=str(out / "tren.svg"),
            xlsx=str(out / "olah.xlsx"),
        ),
        log=[str(tmp_path / "analyse.log")],
        wildcards=SimpleNamespace(unit=ikm["unit"], year=str(ikm["year"])),
    )
    out.mkdir()
    runpy.run_path(
        str(ROOT / "workflow" / "scripts" / "analyse_responses.py"),
        init_globals={"snakemake": smk},
    )
    assert (out / "ikm.json").read_bytes() == paths["ikm"].read_bytes()
    assert (out / "figures" / "nrr_unsur.png").exists()
    assert (out / "tren.png").exists() and (out / "tren.svg").exists()
    assert (out / "olah.xlsx").stat().st_size > 0
    tren = json.loads((out / "tren.json").read_text(encoding="utf-8"))
    assert [r["year"] for r in tren["rows"]] == [ikm["year"]]
    log = (tmp_path / "analyse.log").read_text(encoding="utf-8")
    assert "gambar ditulis di" in log and "Lembar olah data ditulis" in log


def _rekap(n_units: int, name: str) -> dict:
    from skm.report.rekap import build

    units = []
    for i in range(n_units):
        rows = [[4] * 9] * (i % 5 + 1) + [[3] * 9] * 4
        settings = artefacts.settings(
            {"name": f"{name} {i}", "short_name": f"u{i}", "population": 1000},
            unit=f"u{i}",
            year=2024,
            demografi={},
        )
        units.append(artefacts.ikm(artefacts.answers(rows), settings))
    return build(2024, units, {}, [], [u["unit"] for u in units])


@pytest.mark.parametrize(
    "n_units,name",
    [
        (3, "Dinas Sosial"),
        (12, "Dinas Kependudukan dan Pencatatan Sipil Kota Samarinda"),
        (26, "Dinas Kependudukan dan Pencatatan Sipil Kota Samarinda"),
        (40, "Dinas Kependudukan dan Pencatatan Sipil Kota Samarinda"),
        (40, "Dinas Sosial"),
    ],
)
def test_recap_chart_names_units_without_overlap(n_units, name):
    fig = figures.fig_rekap(_rekap(n_units, name))
    fig.draw_without_rendering()
    ax = fig.axes[0]
    boxes = sorted(
        (t.get_window_extent() for t in ax.get_yticklabels() if t.get_text()), key=lambda b: b.y0
    )
    assert len(boxes) in (0, n_units)
    for lower, upper in pairwise(boxes):
        assert lower.y1 <= upper.y0, "unit names on the recap chart overlap"
    height_cm = fig.get_figheight() * 2.54
    assert height_cm <= figures.REKAP_NAMED_MAX_CM or not boxes
    if n_units <= 12 or name == "Dinas Sosial":
        assert len(boxes) == n_units  # named whenever they fit on the page
