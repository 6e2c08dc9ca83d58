"""ikm.json from small inline frames: NRR, blanks, ties, demographics, the interval."""

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest

import artefacts
from skm.domain import UNSUR_CODES
from skm.scoring.ikm import confidence_interval, score, unsur_table
from skm.scoring.ranking import lowest

DEMOGRAFI = {
    "jenis_kelamin": [{"label": "Laki-laki"}, {"label": "Perempuan"}],
    "pendidikan": [{"label": "SLTA"}, {"label": "S1"}, {"label": "S3"}],
}


def settings(population=550):
    """settings.json of a unit with `population` service users (demographics: DEMOGRAFI)."""
    return artefacts.settings({"population": population}, demografi=DEMOGRAFI)


def frame(rows, **extra):
    df = pd.DataFrame(rows, columns=list(UNSUR_CODES), dtype="Int64")
    for k, v in extra.items():
        df[k] = v
    return df


def quality(n):
    return artefacts.quality(n)


def test_blank_is_excluded_not_zero():
    df = frame([[4] * 9, [2] + [pd.NA] * 8, [3] * 9])
    rows = {r["code"]: r for r in unsur_table(df)}
    assert rows["U1"]["n"] == 3 and rows["U1"]["sum"] == 9
    assert rows["U2"]["n"] == 2 and rows["U2"]["nrr"] == 3.5
    assert rows["U2"]["display"]["konversi"] == "87.50"


def test_score_keys_and_values():
    df = frame(
        [[4, 3, 3, 4, 3, 3, 4, 3, 4], [3] * 9, [4] * 9, [2, 3, 3, 3, 3, 3, 3, 3, 3]],
        jenis_kelamin=["Laki-laki", "Laki-laki", "Perempuan", "Lainnya"],
        semester=[1, 1, 2, 2],
        triwulan=[1, 2, 3, 4],
    )
    res = score(df, quality(4), settings(population=10))
    sums = df[list(UNSUR_CODES)].sum()
    expected = sum(Fraction(int(s), 4) for s in sums) / 9 * 25
    assert res["ikm_konversi"] == pytest.approx(float(expected))
    assert res["sample"] == {"population": 10, "required": 10, "achieved": 4, "adequate": False}
    assert set(res["by_semester"]) == {"1", "2"} and res["by_triwulan"]["3"]["n"] == 1
    cats = {c["label"]: c for c in res["demografi"]["jenis_kelamin"]["categories"]}
    assert cats["Laki-laki"]["display_pct"] == "50.00"
    assert cats["Lainnya"]["matched"] is False
    assert "pendidikan" not in res["demografi"]


def test_gender_percentages_of_the_original_report():
    df = frame([[3] * 9] * 85, jenis_kelamin=["Laki-laki"] * 61 + ["Perempuan"] * 24)
    res = score(df, quality(85), settings())
    cats = res["demografi"]["jenis_kelamin"]["categories"]
    assert [c["display_pct"] for c in cats] == ["71.76", "28.24"]


def test_ties_are_grouped():
    sums = [225, 227, 221, 229, 223, 223, 234, 221, 257]
    rows = [{"code": c, "exact": {"nrr": [s, 68]}} for c, s in zip(UNSUR_CODES, sums)]
    groups = lowest(rows, 3)
    assert [[r["code"] for r in g] for g in groups] == [["U3", "U8"], ["U5", "U6"]]


def test_interval_equals_variance_of_respondent_means_without_blanks():
    rng = np.random.default_rng(1)
    data = rng.integers(1, 5, size=(40, 9))
    df = frame(data.tolist())
    unsur = unsur_table(df)
    se = confidence_interval(df, unsur, None)["se"]
    means = data.mean(axis=1) * 25
    assert se == pytest.approx(math.sqrt(means.var(ddof=1) / 40))
    se_fpc = confidence_interval(df, unsur, 100)["se"]
    assert se_fpc == pytest.approx(se * math.sqrt(60 / 99))
    assert confidence_interval(df, unsur, 40)["se"] == 0.0


def test_mutu_uncertain_when_interval_crosses_a_threshold():
    df = frame([[3] * 9] * 5 + [[4] * 9] * 5)
    res = score(df, quality(10), settings(population=100000))
    t = res["analisis_tambahan"]
    assert res["display"]["ikm_konversi"] == "87.50"
    assert t["mutu_certain"] is False and "88.31" in t["thresholds_crossed"]


@pytest.mark.parametrize("in_time_order", [False, True])
def test_fast_path_equals_the_general_pandas_path(in_time_order):
    """The numpy fast path of `score` (Int64 answers 1..4) gives exactly what the general
    pandas path gives for answers and text of other dtypes: same groups, counts, sums and the
    same floating-point interval. In time order the semester and triwulan groups are runs, added up run by run."""
    rng = np.random.default_rng(7)
    n = 3000
    data = rng.integers(1, 5, size=(n, 9)).astype(object)
    data[rng.random((n, 9)) < 0.1] = None
    df = frame(data.tolist())
    triwulan = rng.integers(1, 5, n)
    if in_time_order:
        triwulan = np.sort(triwulan)
    df["semester"] = np.where(triwulan <= 2, 1, 2)
    df["triwulan"] = triwulan
    layanan = np.asarray(["Perizinan", "Informasi", "Zebra", "Äpfel"], dtype=object)[
        rng.integers(0, 4, n)
    ]
    layanan[rng.random(n) < 0.05] = None
    df["layanan"] = pd.array(layanan, dtype="str")
    gender = np.asarray(["Laki-laki", "Perempuan", "Tidak diisi", "X"], dtype=object)[
        rng.integers(0, 4, n)
    ]
    gender[rng.random(n) < 0.1] = None
    df["jenis_kelamin"] = pd.array(gender, dtype="str")
    df["pendidikan"] = pd.array(["S1"] * n, dtype="str")
    fast = score(df, quality(n), settings(population=100_000))
    # As pandas reads a CSV without dtypes: blanks make the answers float, text is object.
    general = df.astype({code: "float64" for code in UNSUR_CODES})
    for name in ("layanan", "jenis_kelamin", "pendidikan"):
        general[name] = df[name].astype(object).where(df[name].notna(), None)
    slow = score(general, quality(n), settings(population=100_000))
    assert fast == slow
    assert set(fast["by_layanan"]) == {"Perizinan", "Informasi", "Zebra", "Äpfel"}
    cats = {c["label"]: c["count"] for c in fast["demografi"]["jenis_kelamin"]["categories"]}
    assert cats["Tidak diisi"] == int((gender == "Tidak diisi").sum() + pd.isna(gender).sum())


def test_out_of_scale_values_take_the_general_path():
    df = frame([[5] + [3] * 8, [0] + [4] * 8, [4] * 9], semester=[1, 1, 2], triwulan=[1, 2, 3])
    res = score(df, quality(3), settings(population=10))
    assert res["unsur"][0]["sum"] == 9 and res["unsur"][0]["n"] == 3
    assert res["by_semester"]["1"]["n"] == 2
