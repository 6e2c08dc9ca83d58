"""Timestamp parsing: Forms, Sheets, ISO and Excel styles, offsets, day/month order."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pytest

from skm.errors import SkmInputError
from skm.ingest.timestamps import (
    format_local,
    offset_text,
    parse_timestamp,
    parse_timestamps,
)


def local_text(values: list[str | None], offset: int = 8, **kwargs) -> list[str]:
    column = parse_timestamps(values, utc_offset_hours=offset, **kwargs)
    return list(format_local(column.local, offset))


@pytest.mark.parametrize(
    ("raw", "offset", "expected"),
    [
        # Google Forms CSV: converted from the form's offset to the unit's zone.
        ("2023/02/13 9:14:31 AM GMT+8", 8, "2023-02-13T09:14:31+08:00"),
        ("2023/02/13 9:14:31 AM GMT+8", 7, "2023-02-13T08:14:31+07:00"),
        ("2023/02/13 9:14:31 AM GMT+8", 9, "2023-02-13T10:14:31+09:00"),
        ("2023/02/13 12:04:31 AM GMT+8", 8, "2023-02-13T00:04:31+08:00"),
        ("2023/02/13 12:04:31 PM GMT+8", 8, "2023-02-13T12:04:31+08:00"),
        ("2023/02/13 11:59:59 PM GMT+7", 8, "2023-02-14T00:59:59+08:00"),
        ("2023/02/13 9:14:31 AM GMT-3:30", 8, "2023-02-13T20:44:31+08:00"),
        # Google Sheets, Indonesian locale: already local.
        ("13/02/2023 9:14:31", 8, "2023-02-13T09:14:31+08:00"),
        ("13/02/2023 9.14.31", 7, "2023-02-13T09:14:31+07:00"),
        ("13/02/2023  9:14", 8, "2023-02-13T09:14:00+08:00"),
        ("13/02/2023, 9:14:31", 8, "2023-02-13T09:14:31+08:00"),
        ("13-02-2023", 8, "2023-02-13T00:00:00+08:00"),
        # ISO, with or without an offset.
        ("2023-02-13 09:14:31", 8, "2023-02-13T09:14:31+08:00"),
        ("  2023-02-13 09:14:31  ", 8, "2023-02-13T09:14:31+08:00"),
        ("2023-02-13T09:14:31", 8, "2023-02-13T09:14:31+08:00"),
        ("2023-02-13T09:14:31+07:00", 8, "2023-02-13T10:14:31+08:00"),
        ("2023-02-13T01:14:31Z", 8, "2023-02-13T09:14:31+08:00"),
        ("2023-02-13 09:14:31.250", 8, "2023-02-13T09:14:31+08:00"),
        ("2023-02-13 09:14:31 WIB", 8, "2023-02-13T10:14:31+08:00"),
        ("2023-02-13 09:14:31 WIT", 8, "2023-02-13T08:14:31+08:00"),
    ],
)
def test_styles_and_offsets(raw: str, offset: int, expected: str) -> None:
    assert local_text([raw], offset) == [expected]


@pytest.mark.parametrize(
    "raw",
    [
        None,
        "",
        "   ",
        "kemarin",
        "31/02/2023 10:00:00",
        "2023/02/13 13:14:31 PM GMT+8",
        "2023/02/13 0:14:31 AM GMT+8",
        "2023-02-13 24:00:00",
        "2023-02-13 09:60:00",
        "2023/02/13 9:14:31 AM GMT+15",
        "2023-13-01 09:00:00",
        "13/13/2023 09:00",
        "1899-01-01",
        "2023-02-13 PM",
        "13/02/23 9:14",
    ],
)
def test_unreadable_values_are_nat(raw: str | None) -> None:
    column = parse_timestamps([raw], utc_offset_hours=8)
    assert not column.ok[0]
    assert list(format_local(column.local, 8)) == [""]


@pytest.mark.parametrize(
    ("values", "setting", "order", "rule_word", "first"),
    [
        (
            ["13/02/2023 9:00", "03/02/2023 9:00"],
            "month_first",
            "day_first",
            "disimpulkan",
            "2023-02-13",
        ),
        (
            ["02/13/2023 9:00", "03/02/2023 9:00"],
            "day_first",
            "month_first",
            "disimpulkan",
            "2023-02-13",
        ),
        (
            ["03/02/2023 9:00", "04/02/2023 9:00"],
            "day_first",
            "day_first",
            "pengaturan",
            "2023-02-03",
        ),
        (
            ["03/02/2023 9:00", "04/02/2023 9:00"],
            "month_first",
            "month_first",
            "pengaturan",
            "2023-03-02",
        ),
        (["2023/02/03 9:00:00 AM GMT+8"], "month_first", None, "tidak ambigu", "2023-02-03"),
    ],
)
def test_day_month_order(values, setting, order, rule_word, first) -> None:
    column = parse_timestamps(values, utc_offset_hours=8, date_order=setting)
    assert column.date_order == order
    assert rule_word in column.date_order_rule
    assert str(column.local[0])[:10] == first


def test_second_value_decides_the_whole_column() -> None:
    """One value over 12 fixes the order for the ambiguous values of the same column."""
    column = parse_timestamps(
        ["03/02/2023 9:00", "25/02/2023 9:00"], utc_offset_hours=8, date_order="month_first"
    )
    assert [str(v)[:10] for v in column.local] == ["2023-02-03", "2023-02-25"]


def test_contradictory_order_names_file_column_and_rows() -> None:
    with pytest.raises(SkmInputError) as info:
        parse_timestamps(
            ["01/02/2023 9:00", "13/02/2023 9:00", "02/14/2023 9:00"],
            utc_offset_hours=8,
            rows=[2, 3, 4],
            file="ekspor.csv",
            column="Stempel waktu",
        )
    message = str(info.value)
    assert "ekspor.csv" in message
    assert "Stempel waktu" in message
    assert "baris 3 ('13/02/2023 9:00')" in message
    assert "baris 4 ('02/14/2023 9:00')" in message
    assert "bertentangan" in message


def test_style_is_the_dominant_one() -> None:
    column = parse_timestamps(
        ["13/02/2023 9:00", "14/02/2023 9:00", "2023-02-15 09:00:00"], utc_offset_hours=8
    )
    assert column.style == "sheets"
    forms = parse_timestamps(["2023/02/13 9:14:31 AM GMT+8"], utc_offset_hours=8)
    assert forms.style == "forms"
    iso = parse_timestamps(["2023-02-13 09:14:31"], utc_offset_hours=8)
    assert iso.style == "iso"
    nothing = parse_timestamps(["x", None], utc_offset_hours=8)
    assert nothing.style is None


def test_excel_datetime_cells_are_reported_as_such() -> None:
    column = parse_timestamps(
        ["2023-02-13 09:14:31", "kemarin"],
        utc_offset_hours=8,
        excel_datetime=np.array([True, False]),
    )
    assert column.style == "excel-datetime"
    assert column.ok.tolist() == [True, False]


def test_empty_column() -> None:
    column = parse_timestamps([], utc_offset_hours=8)
    assert len(column.local) == 0
    assert column.style is None


def test_invalid_setting_is_a_programming_error() -> None:
    with pytest.raises(ValueError, match="date_order"):
        parse_timestamps(["13/02/2023"], utc_offset_hours=8, date_order="year_first")


def test_scalar_parse_is_aware() -> None:
    value = parse_timestamp("2023/02/13 9:14:31 AM GMT+8", utc_offset_hours=7)
    assert value == dt.datetime(2023, 2, 13, 8, 14, 31, tzinfo=dt.timezone(dt.timedelta(hours=7)))
    assert value.isoformat() == "2023-02-13T08:14:31+07:00"
    assert parse_timestamp("bukan tanggal", utc_offset_hours=7) is None


def test_helpers() -> None:
    assert offset_text(7) == "+07:00"
    assert offset_text(9) == "+09:00"
    assert offset_text(-3) == "-03:00"


def test_many_distinct_values_stay_aligned() -> None:
    """Rows are rebuilt from distinct dates and times; every row must get its own value."""
    base = dt.datetime(2023, 2, 1)
    stamps = [base + dt.timedelta(seconds=37 * i) for i in range(5000)]
    raw = [f"{t:%d/%m/%Y} {t.hour}:{t:%M:%S}" for t in stamps]
    raw[17] = "rusak"
    column = parse_timestamps(raw, utc_offset_hours=8)
    expected = np.array(stamps, dtype="datetime64[s]")
    ok = column.ok
    assert ok.sum() == 4999 and not ok[17]
    assert (column.local[ok] == expected[ok]).all()


def test_values_split_at_different_places_stay_aligned() -> None:
    """Values whose first space falls at different places (or nowhere), missing values and
    arrow input: each row still gets its own reading."""
    import pyarrow as pa

    raw = [
        None,
        "2023-02-13 09:14:31",
        "2023-2-3 9:14",
        "2023-02-13T09:14:31",
        "  2023-02-14 10:00:00 ",
        "kemarin sore",
        "",
        "2023-02-15",
        "2023-02-16\t08:00",
        "2023-02-13 09:14:31",
    ]
    expected = [
        "",
        "2023-02-13T09:14:31+08:00",
        "2023-02-03T09:14:00+08:00",
        "2023-02-13T09:14:31+08:00",
        "2023-02-14T10:00:00+08:00",
        "",
        "",
        "2023-02-15T00:00:00+08:00",
        "2023-02-16T08:00:00+08:00",
        "2023-02-13T09:14:31+08:00",
    ]
    assert local_text(raw) == expected
    for arrow in (
        pa.array(raw, pa.string()),
        pa.chunked_array([raw[:4], raw[4:]], pa.large_string()),
    ):
        column = parse_timestamps(arrow, utc_offset_hours=8)
        assert list(format_local(column.local, 8)) == expected
        assert column.style == "iso"


def test_arrow_and_python_input_agree_on_a_mixed_column() -> None:
    import pyarrow as pa

    raw = [
        "13/02/2023 9:14:31",
        "1/3/2023 10:00",
        None,
        "2023/02/13 9:14:31 AM GMT+8",
        "14/02/2023, 9:00",
        "2023-02-13 09:14:31 WIB",
        "   ",
    ]
    python = parse_timestamps(raw, utc_offset_hours=8)
    arrow = parse_timestamps(pa.array(raw), utc_offset_hours=8)
    assert (python.local.view("i8") == arrow.local.view("i8")).all()
    assert (python.style, python.date_order) == (arrow.style, arrow.date_order)
    assert python.date_order == "day_first" and python.style == "sheets"
    assert python.ok.tolist() == [True, True, False, True, True, True, False]


def test_formatting_is_the_same_with_and_without_missing_values() -> None:
    """A column without NaT is formatted as a byte grid; with one, value by value."""
    rng = np.random.default_rng(2)
    local = np.datetime64("2023-01-01") + rng.integers(0, 10**8, 500).astype("timedelta64[s]")
    with_nat = np.append(local, np.datetime64("NaT", "s"))
    for offset in (7, 8, 9):
        grid = list(format_local(local, offset))
        assert grid == list(format_local(with_nat, offset))[:-1]
        assert grid[0] == str(local[0]).replace(" ", "T") + offset_text(offset)
    assert list(format_local(np.array(["0999-01-01T00:00:00"], "datetime64[s]"), 8)) == [
        "0999-01-01T00:00:00+08:00"
    ]
