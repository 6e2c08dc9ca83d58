"""The seeded generator: the shipped sample reproduces byte for byte and hits the published tables."""

from __future__ import annotations

import datetime as dt
import re
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

import synth
from skm.domain import DEFAULT_LABELS, UNSUR_CODES, classify
from skm.ingest.settings import validate_yaml

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "data" / "raw" / "biro-umum"
CONFIG = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))

SUMS = {
    2022: [225, 227, 221, 229, 223, 223, 234, 221, 257],
    2023: [288, 291, 281, 290, 281, 287, 297, 284, 308],
}
PII_HEADERS = {"Nama", "Alamat Email", "Nomor HP"}


def norm(text: str) -> str:
    """Case- and white-space-insensitive form of a label or header."""
    return " ".join(str(text).split()).casefold()


HEADER_FIELD = {norm(k): v for k, v in CONFIG["columns"].items()}
LABEL_SCORE = {
    code: {norm(label): score for score, label in enumerate(DEFAULT_LABELS[code], start=1)}
    for code in UNSUR_CODES
}


def read_export(path: Path) -> pd.DataFrame:
    """An export as text, columns renamed to pipeline fields (PII columns dropped)."""
    first = path.read_text(encoding="utf-8-sig").splitlines()[0]
    sep = ";" if ";" in first else ","
    raw = pd.read_csv(path, sep=sep, encoding="utf-8-sig", dtype=str, keep_default_na=False)
    unknown = [c for c in raw.columns if norm(c) not in HEADER_FIELD and c not in PII_HEADERS]
    assert not unknown, f"headers not in config.yaml: {unknown}"
    return raw.drop(columns=list(PII_HEADERS)).rename(columns=lambda c: HEADER_FIELD[norm(c)])


def scored(df: pd.DataFrame) -> pd.DataFrame:
    """U1..U9 labels -> scores 1..4 (raises KeyError on an unknown or blank label)."""
    return pd.DataFrame({c: [LABEL_SCORE[c][norm(v)] for v in df[c]] for c in UNSUR_CODES})


def year_frame(year: int) -> pd.DataFrame:
    files = sorted((SAMPLE / str(year)).glob("*.csv"))
    return pd.concat([read_export(f) for f in files], ignore_index=True)


def parse_timestamps(values: pd.Series) -> pd.Series:
    """Naive local times from either export style."""
    if values.str.contains("GMT").all():
        return pd.to_datetime(
            values.str.replace(r" GMT\+8$", "", regex=True), format="%Y/%m/%d %I:%M:%S %p"
        )
    return pd.to_datetime(values, format="%d/%m/%Y %H:%M:%S")


def demographic_label(field: str, value: str) -> str:
    """The config.yaml label a form value stands for."""
    for cat in CONFIG["demografi"][field]:
        if norm(value) in {norm(cat["label"]), *(norm(a) for a in cat.get("alias", []))}:
            return cat["label"]
    raise AssertionError(f"{field} value {value!r} matches no category")


# --- the shipped sample ------------------------------------------------------------------------


def test_shipped_sample_reproduces_byte_for_byte(tmp_path):
    written = synth.write_sample(tmp_path)
    assert len(written) == 11  # 7 data files + 4 placeholder photos
    for path in written:
        rel = path.relative_to(tmp_path)
        shipped = ROOT / "data" / "raw" / rel
        assert shipped.exists(), f"{rel} is not shipped: run tools/make_sample_data.py"
        assert shipped.read_bytes() == path.read_bytes(), f"{rel} differs from the generator"


@pytest.mark.parametrize("year", [2022, 2023])
def test_sample_sums_are_the_published_ones(year):
    df = year_frame(year)
    assert len(df) == {2022: 68, 2023: 85}[year]
    scores = scored(df)  # every cell maps: no blank, no unknown label
    assert scores.sum().tolist() == SUMS[year]
    assert scores.isin([1, 2, 3, 4]).all().all()


@pytest.mark.parametrize("year", [2022, 2023])
def test_sample_columns_are_mapped_by_header_not_position(year):
    for path in (SAMPLE / str(year)).glob("*.csv"):
        cols = list(read_export(path).columns)
        assert cols.index("U9") < cols.index("U8")
        assert set(UNSUR_CODES) | {"timestamp", "layanan", "saran"} <= set(cols)


def test_sample_answers_vary_in_case_and_spacing():
    df = year_frame(2023)
    raw = [v for c in UNSUR_CODES for v in df[c]]
    canonical = {label for labels in DEFAULT_LABELS.values() for label in labels}
    odd = [v for v in raw if v not in canonical]
    assert 0 < len(odd) < 0.1 * len(raw)


def test_sample_2023_demographics_are_exact():
    df = year_frame(2023)
    expected = {
        "jenis_kelamin": {"Laki-laki": 61, "Perempuan": 24},
        "pendidikan": {"SLTP": 1, "SLTA": 45, "S1": 35, "S2": 3, "S3": 1},
        "pekerjaan": {"PNS": 24, "TNI": 1, "Swasta": 2, "Wirausaha": 47, "Lainnya": 11},
    }
    for field, counts in expected.items():
        got = df[field].map(lambda v, f=field: demographic_label(f, v)).value_counts().to_dict()
        assert got == counts, field
    usia = df["usia"].astype(int)
    assert usia.between(18, 65).all()


@pytest.mark.parametrize("year", [2022, 2023])
def test_sample_timestamps(year):
    df = year_frame(year)
    ts = parse_timestamps(df["timestamp"])
    assert ts.is_unique
    assert ts.min() >= pd.Timestamp(f"{year}-02-01") and ts.max() < pd.Timestamp(f"{year}-05-01")
    assert (ts.dt.day_of_week < 5).all()
    assert ts.dt.hour.between(8, 15).all()
    assert set(ts.dt.month) == {2, 3, 4}


def test_sample_2023_files_split_by_month_with_excel_resave():
    feb_mar = SAMPLE / "2023" / "Form Responses 1.csv"
    april = SAMPLE / "2023" / "Tanggapan Formulir April.csv"
    assert not feb_mar.read_bytes().startswith(b"\xef\xbb\xbf")
    assert april.read_bytes().startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in april.read_bytes()
    for path, months in ((feb_mar, {2, 3}), (april, {4})):
        ts = parse_timestamps(read_export(path)["timestamp"])
        assert set(ts.dt.month) == months
        assert (ts.dt.day > 12).any()  # day-first is decidable from the column itself
    assert re.fullmatch(r"\d{2}/\d{2}/2023 \d{1,2}:\d{2}:\d{2}", read_export(april)["timestamp"][0])


def test_sample_2022_uses_forms_timestamps():
    first = read_export(SAMPLE / "2022" / "Form Responses 1.csv")["timestamp"]
    assert first.str.fullmatch(r"2022/\d{2}/\d{2} \d{1,2}:\d{2}:\d{2} [AP]M GMT\+8").all()


def test_sample_suggestions_and_pii():
    df = year_frame(2023)
    saran = df["saran"][df["saran"].str.strip() != ""]
    assert 0.2 <= len(saran) / len(df) <= 0.4
    assert saran.str.contains(r"08\d{2}-\d{4}-\d{4}").sum() == 1
    assert saran.str.contains(r"[\w.]+@[\w.]+\.\w+").sum() == 1
    raw = pd.read_csv(SAMPLE / "2023" / "Form Responses 1.csv", dtype=str)
    assert raw["Alamat Email"].str.endswith("@example.com").all()


@pytest.mark.parametrize(
    "path,schema",
    [("unit.yaml", "unit"), ("2022/survei.yaml", "survei"), ("2023/survei.yaml", "survei")],
)
def test_sample_yaml_is_valid_and_marked_synthetic(path, schema):
    data = validate_yaml(SAMPLE / path, schema)
    assert (SAMPLE / path).read_text(encoding="utf-8").startswith("# Data sintetis")
    if schema == "unit":
        assert data["population"] == 550 and data["timezone"] == "WITA"
        # only the value the report published for 2023, a year with raw data (reconciliation)
        assert [(h["year"], h["ikm_konversi"]) for h in data["history"]] == [(2023, 84.37)]
        assert 3 <= len(data["layanan"]) <= 4


def test_sample_2023_survei_matches_the_report():
    data = validate_yaml(SAMPLE / "2023" / "survei.yaml", "survei")
    assert data["period"] == {"start": "2023-02-01", "end": "2023-04-30"}
    # every activity is a date range (working days from the calendar), none typed by hand
    assert [r.get("hari_kerja") for r in data["schedule"]] == [None] * 4
    assert all(r["mulai"] <= r["selesai"] for r in data["schedule"])
    assert (data["schedule"][1]["mulai"], data["schedule"][1]["selesai"]) == (
        "2023-02-01",
        "2023-04-30",
    )
    assert data["signatory"]["nip"] == "19670719 199303 2 006"
    assert data["complaints"] == [
        "Penyediaan air minum di ruang tunggu",
        "Ruangan yang kurang sejuk",
    ]
    assert len(data["weaknesses"]) == 2


def test_sample_layanan_come_from_unit_yaml():
    layanan = set(validate_yaml(SAMPLE / "unit.yaml", "unit")["layanan"])
    for year in (2022, 2023):
        assert set(year_frame(year)["layanan"]) <= layanan


# --- the library -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "n,total", [(10, 10), (10, 40), (68, 221), (68, 257), (85, 288), (1, 3), (500, 1100)]
)
def test_counts_for_sum_is_exact(n, total):
    counts = synth.counts_for_sum(n, total, np.random.default_rng(0))
    assert counts.sum() == n and counts @ np.arange(1, 5) == total and (counts >= 0).all()


@settings(max_examples=200, deadline=None)
@given(n=st.integers(1, 300), frac=st.floats(0, 1), seed=st.integers(0, 2**32 - 1))
def test_counts_for_sum_property(n, frac, seed):
    total = n + round(frac * 3 * n)
    counts = synth.counts_for_sum(n, total, np.random.default_rng(seed))
    assert counts.sum() == n and counts @ np.arange(1, 5) == total and (counts >= 0).all()


def test_counts_for_sum_rejects_impossible():
    with pytest.raises(ValueError):
        synth.counts_for_sum(10, 41, np.random.default_rng(0))


def test_make_responses_is_deterministic():
    a = synth.make_responses(200, rng=7, saran_pii=True)
    b = synth.make_responses(200, rng=7, saran_pii=True)
    c = synth.make_responses(200, rng=8, saran_pii=True)
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    assert list(a.columns) == list(synth.TIDY_COLUMNS)


def test_make_responses_shape_is_realistic():
    df = synth.make_responses(2000, rng=1)
    scores = df[list(UNSUR_CODES)].to_numpy()
    shares = np.bincount(scores.ravel(), minlength=5)[1:] / scores.size
    assert shares[2] + shares[3] > 0.8 and shares[0] < 0.02  # mostly 3s and 4s, rare 1s
    corr = np.corrcoef(scores.T)[np.triu_indices(9, 1)]
    assert corr.mean() > 0.2  # answers hang together within a respondent
    assert df["timestamp"].is_monotonic_increasing and df["timestamp"].is_unique


def test_write_and_read_back(tmp_path):
    df = synth.make_responses(50, [150] * 9, rng=3, start="2024-07-01", end="2024-07-31")
    synth.write_forms_csv(df, tmp_path / "forms.csv", utc_offset=7, rng=0)
    synth.write_sheets_csv(df, tmp_path / "sheets.csv", sep=";", bom=True, rng=0)
    for name in ("forms.csv", "sheets.csv"):
        back = read_export(tmp_path / name)
        assert scored(back).sum().tolist() == [150] * 9
    assert "GMT+7" in (tmp_path / "forms.csv").read_text(encoding="utf-8")


def test_make_large_is_vectorised():
    start = time.perf_counter()
    df = synth.make_large(1_000_000, seed=1)
    assert time.perf_counter() - start < 30
    assert len(df) == 1_000_000 and df["timestamp"].is_unique
    assert df["timestamp"].dt.year.eq(2024).all()


def test_make_province(tmp_path):
    units = synth.make_province(tmp_path, n_units=200, total_responses=8_000, seed=5)
    assert len(units) == 200
    total, mutu = 0, []
    for unit in units:
        validate_yaml(tmp_path / unit / "unit.yaml", "unit")
        validate_yaml(tmp_path / unit / "2024" / "survei.yaml", "survei")
        df = read_export(tmp_path / unit / "2024" / "responses.csv")
        total += len(df)
        nrr = scored(df).mean()
        mutu.append(classify(float(nrr.mean()) * 25).mutu)
    assert total == 8_000
    spread = pd.Series(mutu).value_counts()
    assert {"A", "B", "C"} <= set(spread.index) and spread["B"] > spread.get("C", 0)
    names = [validate_yaml(tmp_path / u / "unit.yaml", "unit")["name"] for u in units]
    assert len(set(names)) == len(names)


def test_make_province_too_few_responses(tmp_path):
    with pytest.raises(ValueError):
        synth.make_province(tmp_path, n_units=10, total_responses=100)


def test_office_timestamps_bounds():
    ts = synth.office_timestamps(500, dt.date(2023, 2, 1), "2023-02-28", np.random.default_rng(0))
    ts = pd.to_datetime(ts)
    assert ts.min() >= pd.Timestamp("2023-02-01 08:00") and ts.max() < pd.Timestamp("2023-03-01")
    assert ((ts.hour * 3600 + ts.minute * 60 + ts.second) < synth.OFFICE_CLOSE).all()
