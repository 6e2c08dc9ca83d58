"""The recap across units: ranking on exact values, the two province figures."""

from fractions import Fraction

import pandas as pd
from skm.domain import UNSUR_CODES, round_half_up
from skm.rekap import build, ranking_table
from skm.scoring import score


def unit_ikm(unit: str, rows: list[list[int]]) -> dict:
    df = pd.DataFrame(rows, columns=list(UNSUR_CODES), dtype="Int64")
    settings = {"unit": unit, "year": 2024, "name": f"Unit {unit}", "short_name": unit,
                "timezone": "WIB", "period": {"start": "2024-01-01", "end": "2024-12-31"},
                "population": 1000, "demografi": {}, "layanan": []}
    quality = {"n_raw": len(rows), "n_rejected": 0}
    return score(df, quality, settings)


def test_mean_of_units_and_pooled_differ_by_weighting():
    small = unit_ikm("kecil", [[4] * 9] * 2)  # 100.00 from 2 respondents
    large = unit_ikm("besar", [[3] * 9] * 8)  # 75.00 from 8 respondents
    rekap = build(2024, [large, small], {"rusak": "file X: kolom hilang"}, ["kecil", "lain"],
                  ["kecil", "besar", "rusak"])
    assert [u["unit"] for u in rekap["units"]] == ["kecil", "besar"]
    assert rekap["province"]["mean_of_units"]["display"] == "87.50"
    pooled = Fraction(2 * 4 + 8 * 3, 10) * 25
    assert rekap["province"]["pooled"]["display"] == str(round_half_up(pooled, 2)) == "80.00"
    assert rekap["failed"] == [{"unit": "rusak", "reason": "file X: kolom hilang"}]
    assert rekap["missing"] == ["lain"]
    assert "Unit kecil" in ranking_table(rekap)
