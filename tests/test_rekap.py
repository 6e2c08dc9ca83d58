"""The recap across units: ranking on exact values, the two province figures."""

from fractions import Fraction

import artefacts
from skm.domain import round_half_up
from skm.report.rekap import build, ranking_table, spread_note, spread_table


def unit_ikm(unit: str, rows: list[list[int]]) -> dict:
    """ikm.json of a WIB unit (1,000 service users) answering `rows` in 2024, by `score`."""
    unit_yaml = {"name": f"Unit {unit}", "short_name": unit, "timezone": "WIB", "population": 1000}
    settings = artefacts.settings(unit_yaml, unit=unit, year=2024, demografi={})
    return artefacts.ikm(artefacts.answers(rows), settings)


def test_mean_of_units_and_pooled_differ_by_weighting():
    small = unit_ikm("kecil", [[4] * 9] * 2)  # 100.00 from 2 respondents
    large = unit_ikm("besar", [[3] * 9] * 8)  # 75.00 from 8 respondents
    rekap = build(
        2024,
        [large, small],
        {"rusak": "file X: kolom hilang"},
        ["kecil", "lain"],
        ["kecil", "besar", "rusak"],
    )
    assert [u["unit"] for u in rekap["units"]] == ["kecil", "besar"]
    assert rekap["province"]["mean_of_units"]["display"] == "87.50"
    pooled = Fraction(2 * 4 + 8 * 3, 10) * 25
    assert rekap["province"]["pooled"]["display"] == str(round_half_up(pooled, 2)) == "80.00"
    assert rekap["failed"] == [{"unit": "rusak", "reason": "file X: kolom hilang"}]
    assert rekap["missing"] == ["lain"]
    assert "Unit kecil" in ranking_table(rekap)


def test_sebaran_counts_every_unit_once_and_marks_uncertain_ones():
    units = [
        unit_ikm(f"u{i}", rows)
        for i, rows in enumerate(
            [
                [[4] * 9] * 30,  # 100,00: A
                [[4] * 9] * 10,  # 100,00: A
                [[3] * 9] * 30,  # 75,00: C
                [[4] * 9] * 2 + [[3] * 9] * 2,  # 87,50: B, 4 respondents: uncertain
            ]
        )
    ]
    rekap = build(2024, units, {}, [], [u["unit"] for u in units])
    by_mutu = {r["mutu"]: r for r in rekap["sebaran"]}
    assert [r["mutu"] for r in rekap["sebaran"]] == ["A", "B", "C", "D"]
    assert {m: r["n"] for m, r in by_mutu.items()} == {"A": 2, "B": 1, "C": 1, "D": 0}
    assert by_mutu["B"]["uncertain"] == 1 and by_mutu["A"]["uncertain"] == 0
    assert by_mutu["A"]["pct"] == "50.00" and by_mutu["D"]["pct"] == "0.00"
    table = spread_table(rekap)
    assert "| A | Sangat baik | 2 | 50,00% | 0 |" in table
    assert "**4**" in table
    assert spread_note(rekap) == ""


def test_sebaran_notes_rounding_when_shares_do_not_add_up():
    units = [
        unit_ikm("a", [[4] * 9] * 5),
        unit_ikm("b", [[4] * 9, [3] * 9]),
        unit_ikm("c", [[3] * 9] * 5),
    ]
    rekap = build(2024, units, {}, [], ["a", "b", "c"])
    assert [r["pct"] for r in rekap["sebaran"]] == ["33.33", "33.33", "33.33", "0.00"]
    assert spread_note(rekap).endswith("jumlahnya 99,99%.")
