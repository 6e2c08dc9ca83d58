"""ikm.json from small inline frames: NRR, blanks, ties, demographics, the interval."""

import math
from fractions import Fraction

import numpy as np
import pandas as pd
import pytest
from skm.domain import UNSUR_CODES
from skm.scoring import confidence_interval, lowest, score, unsur_table

DEMOGRAFI = {
    "jenis_kelamin": [{"label": "Laki-laki"}, {"label": "Perempuan"}],
    "pendidikan": [{"label": "SLTA"}, {"label": "S1"}, {"label": "S3"}],
}


def settings(population=550):
    return {"unit": "u", "year": 2023, "name": "Unit", "short_name": "Unit",
            "timezone": "WITA", "period": {"start": "2023-01-01", "end": "2023-12-31"},
            "population": population, "demografi": DEMOGRAFI, "layanan": []}


def frame(rows, **extra):
    df = pd.DataFrame(rows, columns=list(UNSUR_CODES), dtype="Int64")
    for k, v in extra.items():
        df[k] = v
    return df


def quality(n):
    return {"n_raw": n, "n_rejected": 0, "funnel": {}, "item_nonresponse": {}}


def test_blank_is_excluded_not_zero():
    df = frame([[4] * 9, [2] + [pd.NA] * 8, [3] * 9])
    rows = {r["code"]: r for r in unsur_table(df)}
    assert rows["U1"]["n"] == 3 and rows["U1"]["sum"] == 9
    assert rows["U2"]["n"] == 2 and rows["U2"]["nrr"] == 3.5
    assert rows["U2"]["display"]["konversi"] == "87.50"


def test_score_keys_and_values():
    df = frame([[4, 3, 3, 4, 3, 3, 4, 3, 4], [3] * 9, [4] * 9, [2, 3, 3, 3, 3, 3, 3, 3, 3]],
               jenis_kelamin=["Laki-laki", "Laki-laki", "Perempuan", "Lainnya"],
               semester=[1, 1, 2, 2], triwulan=[1, 2, 3, 4])
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
