"""The regulation's arithmetic: rounding, categories, Krejcie-Morgan, formatting."""

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

import artefacts
from skm import numfmt as nf
from skm.domain import classify, krejcie_morgan, round_half_up
from skm.scoring.ikm import ikm_from_sums


@pytest.mark.parametrize(
    ("konversi", "printed", "mutu"),
    [
        ("64.99", "64.99", "D"),
        ("65.00", "65.00", "C"),
        ("76.60", "76.60", "C"),
        ("76.605", "76.61", "B"),
        ("88.30", "88.30", "B"),
        ("88.305", "88.31", "A"),
        ("88.31", "88.31", "A"),
        ("100", "100.00", "A"),
        ("25", "25.00", "D"),
        ("64.994", "64.99", "D"),
        ("64.995", "65.00", "C"),
    ],
)
def test_boundaries(konversi, printed, mutu):
    assert str(round_half_up(konversi)) == printed
    assert classify(konversi).mutu == mutu


def test_half_up_not_half_even():
    # Binary floats make 41/40 x 25 = 25.62499...; exact arithmetic prints 25,63.
    assert nf.bulat(Fraction(41, 40) * 25) == "25,63"
    assert str(round_half_up(Fraction(41, 40) * 25)) == "25.63"
    assert str(round_half_up(0.125)) == "0.13"  # an exact binary half: up, not to even


def test_scoring_prints_the_exact_half_up_values():
    # 39 answers 1 and one answer 2 per unsur: NRR 41/40, konversi exactly 25.625.
    scored = artefacts.ikm(artefacts.answers([[1] * 9] * 39 + [[2] * 9]))
    assert scored["display"] == {"ikm": "1.025", "ikm_konversi": "25.63"}
    assert {u["display"]["konversi"] for u in scored["unsur"]} == {"25.63"}
    assert {u["display"]["nrr"] for u in scored["unsur"]} == {"1.03"}


@pytest.mark.parametrize(
    ("population", "required"),
    [(10, 10), (100, 80), (550, 226), (1000, 278), (10000, 370), (1000000, 384)],
)
def test_krejcie_morgan_table(population, required):
    assert krejcie_morgan(population) == required


def test_all_four_and_all_one():
    assert round_half_up(ikm_from_sums([4 * 7] * 9, [7] * 9) * 25) == Decimal("100.00")
    assert round_half_up(ikm_from_sums([7] * 9, [7] * 9) * 25) == Decimal("25.00")


def test_published_case_weight_one_ninth():
    sums = [105, 101, 100, 116, 102, 105, 106, 105, 115]
    konv = ikm_from_sums(sums, [29] * 9) * 25
    assert nf.bulat(konv) == "91,48"
    assert classify(konv).mutu == "A"
    # A tool multiplying by 0,11 instead of 1/9 reports about 1 % less.
    legacy = sum(Fraction(s, 29) for s in sums) * Fraction("0.11") * 25
    assert nf.bulat(legacy) == "90,56"


def test_original_report_reconciliation():
    sums = [288, 291, 281, 290, 281, 287, 297, 284, 308]
    assert nf.bulat(ikm_from_sums(sums, [85] * 9) * 25) == "85,20"
    legacy = sum(Fraction(s, 85) for s in sums) * Fraction("0.11") * 25
    assert nf.bulat(legacy) == "84,34"


@given(st.lists(st.integers(1, 4), min_size=9, max_size=9 * 30))
def test_ikm_always_within_25_and_100(scores):
    n = max(1, len(scores) // 9)
    cols = [scores[i::9][:n] for i in range(9)]
    cols = [c if c else [1] for c in cols]
    konv = ikm_from_sums([sum(c) for c in cols], [len(c) for c in cols]) * 25
    assert 25 <= konv <= 100
    assert classify(konv).mutu in "ABCD"


@pytest.mark.parametrize(
    ("func", "args", "expected"),
    [
        (nf.angka, ("85.20",), "85,20"),
        (nf.angka, (1234, 0), "1.234"),
        (nf.persen, ("71.76",), "71,76%"),
        (nf.tanggal, ("2023-05-11",), "11 Mei 2023"),
        (nf.daftar, (["a", "b", "c"],), "a, b, dan c"),
    ],
)
def test_indonesian_formatting(func, args, expected):
    assert func(*args) == expected


def test_formatting_refuses_unrounded_values():
    with pytest.raises(ValueError):
        nf.angka("76.605", 2)
