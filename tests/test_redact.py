"""Redaction of phone numbers, e-mail addresses and NIK in free-text suggestions."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from skm.redact import PLACEHOLDER, redact, redact_series


@pytest.mark.parametrize(
    "text",
    [
        "hubungi 081234567890 ya",
        "0812-3456-7890",
        "0812 3456 7890",
        "0812.3456.789",
        "WA +62 812-3456-7890",
        "+6281234567890",
        "(+62) 812 3456 7890",
        "62 812 3456 789",
        "wa.me/6281234567890",
        "telp (0541) 123456",
        "(0541)123456",
        "021-1234567",
        "021 123 4567",
        "0541.123.456",
        "kantor 0211234567",
        "+62 541 123456",
        "email budi.santoso@gmail.com",
        "BUDI_S+skm@Kaltim.Go.Id",
        "NIK 6472051234560001",
        "NIK 6472 0512 3456 0001",
        "nik 6472.0512.3456.0001",
        "6472-0512-3456-0001",
    ],
)
def test_personal_data_is_replaced(text: str) -> None:
    out, count = redact(text)
    assert count == 1
    assert PLACEHOLDER in out
    assert not re.search(r"\d{3}", out)
    assert "@" not in out


@pytest.mark.parametrize(
    "text",
    [
        "antrian tahun 2023 ke 2024",
        "tanggal 01-02-2023",
        "tanggal 05/02/2023 pukul 09.30",
        "jam 09.30-12.00",
        "nomor antrian 123",
        "biaya Rp 50.000 terlalu mahal",
        "ruang 3, lantai 2",
        "skor 62 8 orang",
        "lapor.go.id agar disosialisasikan",
        "Pelayanan sudah baik, pertahankan",
        "",
    ],
)
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact(text) == (text, 0)


def test_counts_every_replacement() -> None:
    out, count = redact("0812-3456-7890 atau 0813 1111 2222, email a@b.co, NIK 6472051234560001")
    assert count == 4
    assert out == f"{PLACEHOLDER} atau {PLACEHOLDER}, email {PLACEHOLDER}, NIK {PLACEHOLDER}"


def test_series_keeps_missing_and_counts_per_cell() -> None:
    series = pd.Series(["bagus", None, "hub 0812 3456 7890", "hub 0812 3456 7890", "x@y.co.id"],
                       dtype="str")
    out, total = redact_series(series)
    assert total == 3
    assert out.isna().tolist() == [False, True, False, False, False]
    assert out.tolist()[0] == "bagus"
    assert out.tolist()[2] == f"hub {PLACEHOLDER}"
    assert out.tolist()[4] == PLACEHOLDER


def test_series_without_candidates_is_untouched() -> None:
    series = pd.Series(["a", "b", None], dtype="str")
    out, total = redact_series(series)
    assert total == 0
    assert out.equals(series)


@settings(max_examples=50, deadline=None)
@given(
    prefix=st.sampled_from(["08", "+62 8", "62 8", "+628"]),
    digits=st.text(alphabet="0123456789", min_size=8, max_size=10),
    sep=st.sampled_from(["", " ", "-", "."]),
    before=st.text(alphabet="abc ,.", max_size=10),
)
def test_any_mobile_number_disappears(prefix: str, digits: str, sep: str, before: str) -> None:
    grouped = sep.join(digits[i:i + 4] for i in range(0, len(digits), 4))
    number = f"{prefix}{grouped}"
    out, count = redact(f"{before} {number} terima kasih")
    assert count >= 1
    assert digits[-4:] not in out
