"""Contract tests: the pandera models of the ingest stage and the failures they must catch."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandera.pandas as pa
import pytest

import artefacts
from skm.domain import UNSUR_CODES
from skm.ingest.result import IngestResult, write_outputs
from skm.scoring.tables import (
    ID_PATTERN,
    ISO_LOCAL,
    ISO_LOCAL_LAYOUT,
    LAYANAN_COLUMN,
    MAPPED_FIELDS,
    REJECTED_COLUMNS,
    RESPONSE_COLUMNS,
    RawResponses,
    Rejected,
    Responses,
    all_distinct,
    matches_layout,
    read_responses,
)


def responses(n: int = 3) -> pd.DataFrame:
    """A valid responses table of `n` rows."""
    data = {
        "id": [f"R{i:05d}" for i in range(1, n + 1)],
        "file": ["a.csv"] * n,
        "raw_row": list(range(2, n + 2)),
        "timestamp": [f"2023-02-{i:02d}T09:14:31+08:00" for i in range(1, n + 1)],
        "semester": [1] * n,
        "triwulan": [1] * n,
        "layanan": [None] * n,
        "jenis_kelamin": ["Laki-laki"] + ["Perempuan"] * (n - 1),
        "usia": ["20–29 tahun"] * n,
        "pendidikan": ["S1"] * n,
        "pekerjaan": [None] * n,
        **{
            code: pd.array([4] + [None] * (n - 1) if code == "U9" else [3] * n, dtype="Int64")
            for code in UNSUR_CODES
        },
        "saran": ["bagus"] + [None] * (n - 1),
    }
    return pd.DataFrame(data)[list(RESPONSE_COLUMNS)]


def raw(n: int = 2) -> pd.DataFrame:
    """A valid raw (mapped, all text) table."""
    data = {"file": ["a.csv"] * n, "raw_row": list(range(2, n + 2))}
    data.update({name: pd.array(["x"] * n, dtype="str") for name in MAPPED_FIELDS})
    return pd.DataFrame(data)


def failing_columns(model: type[pa.DataFrameModel], frame: pd.DataFrame) -> set[str]:
    with pytest.raises(pa.errors.SchemaErrors) as info:
        model.validate(frame, lazy=True)
    return set(info.value.failure_cases["column"].dropna().astype(str))


def test_clean_model_inherits_the_raw_one() -> None:
    assert issubclass(Responses, RawResponses)
    assert set(Responses.to_schema().columns) == {*RESPONSE_COLUMNS, LAYANAN_COLUMN}
    assert set(RawResponses.to_schema().columns) == {"file", "raw_row", *MAPPED_FIELDS}


def test_valid_tables_pass() -> None:
    out = Responses.validate(responses(), lazy=True)
    assert str(out["U1"].dtype) == "Int64"
    assert RawResponses.validate(raw(), lazy=True)["U1"].tolist() == ["x", "x"]


def test_raw_model_coerces_text() -> None:
    frame = raw()
    frame["usia"] = [25, 30]
    out = RawResponses.validate(frame, lazy=True)
    assert out["usia"].tolist() == ["25", "30"]


@pytest.mark.parametrize(
    ("column", "value"),
    [
        ("U3", 5),
        ("U1", 0),
        ("semester", 3),
        ("triwulan", 5),
        ("id", "X1"),
        ("timestamp", "13/02/2023 9:14:31"),
        ("timestamp", "2023-02-13 09:14:31"),
        ("raw_row", 0),
        ("file", ""),
    ],
)
def test_clean_model_catches(column: str, value: object) -> None:
    frame = responses()
    frame[column] = frame[column].astype(object)
    frame.loc[1, column] = value
    assert column in failing_columns(Responses, frame)


def test_all_failures_are_reported_at_once() -> None:
    frame = responses()
    frame["U2"] = pd.array([9, 3, 3], dtype="Int64")
    frame["semester"] = [1, 7, 1]
    assert {"U2", "semester"} <= failing_columns(Responses, frame)


def test_duplicate_ids_are_caught() -> None:
    frame = responses()
    frame["id"] = ["R00001", "R00001", "R00003"]
    assert "id" in failing_columns(Responses, frame)


def test_a_response_without_any_answer_is_caught() -> None:
    frame = responses()
    for code in UNSUR_CODES:
        frame.loc[2, code] = pd.NA
    with pytest.raises(pa.errors.SchemaErrors, match="some_unsur_answered"):
        Responses.validate(frame, lazy=True)


@pytest.mark.parametrize("model", [Responses, RawResponses])
def test_strict_columns(model: type[pa.DataFrameModel]) -> None:
    frame = responses() if model is Responses else raw()
    with pytest.raises(pa.errors.SchemaErrors):
        model.validate(frame.assign(email="x@y.id"), lazy=True)
    with pytest.raises(pa.errors.SchemaErrors):
        model.validate(frame.drop(columns=["saran"]), lazy=True)


def test_rejected_model() -> None:
    frame = pd.DataFrame(
        {
            "file": ["a.csv"],
            "raw_row": [3],
            "column": [""],
            "value": [""],
            "reason_code": ["no_answers"],
            "reason": ["Tidak ada satu pun unsur"],
        }
    )[list(REJECTED_COLUMNS)]
    Rejected.validate(frame, lazy=True)
    assert "reason_code" in failing_columns(Rejected, frame.assign(reason_code="lainnya"))
    assert "reason" in failing_columns(Rejected, frame.assign(reason=""))


def test_responses_csv_round_trip(tmp_path) -> None:
    frame = Responses.validate(responses(), lazy=True)
    rejected = pd.DataFrame({name: pd.array([], dtype="str") for name in REJECTED_COLUMNS})
    rejected["raw_row"] = np.array([], dtype=np.int64)
    result = IngestResult(frame, rejected, artefacts.quality(3))
    write_outputs(result, tmp_path / "r.csv", tmp_path / "x.csv", tmp_path / "q.json")
    back = read_responses(tmp_path / "r.csv")
    assert list(back.columns) == list(RESPONSE_COLUMNS)
    pd.testing.assert_frame_equal(back, frame, check_dtype=False)
    assert back["U9"].isna().tolist() == [False, True, True]
    assert str(back["U1"].dtype) == "Int64"


_TIMESTAMPS = [
    "2023-02-13T09:14:31+08:00",
    "2023-02-13T09:14:31-03:00",
    "2023-02-13T09:14:31+08:00\n",
    "\uff12023-02-13T09:14:31+08:00",
    "2023-02-13 09:14:31+08:00",
    None,
    "",
    "2023-02-13T09:14:31+0800",
    "2023-02-13T09:14:31*08:00",
    "2023-0a-13T09:14:31+08:00",
    "\u0662023-02-13T09:14:31+08:00",
    "2023-02-13T09:14:31+08:001",
    "2023-02-13T09:14:31,08:00",
    "2023-02-13T09:14:31.08:00",
    "2023/02/13T09:14:31+08:00",
]
_IDS = [
    "R00001",
    "R00002",
    "R000003",
    "R\u0660\u0660\u0660\u0660\u0661",
    "X00001",
    "R0001",
    "R00004\n",
    None,
    "R12345678901234567890",
    "r00005",
    "R0000\u00e9",
]


@pytest.mark.parametrize("dtype", ["str", object, "string[python]"])
def test_layout_matching_equals_the_regular_expression(dtype) -> None:
    """The byte-by-byte fast path gives exactly what `str.match` gives, on any storage."""
    for values, pattern, layout in (
        (_TIMESTAMPS, ISO_LOCAL, ISO_LOCAL_LAYOUT),
        (_IDS, ID_PATTERN, "R99999"),
        (_TIMESTAMPS[:2] * 3, ISO_LOCAL, ISO_LOCAL_LAYOUT),
    ):
        series = pd.Series(values, dtype=dtype, index=range(10, 10 + len(values)))
        expected = series.str.match(pattern, na=False).astype(bool)
        got = matches_layout(series, pattern, layout)
        pd.testing.assert_series_equal(got, expected, check_names=False)
        pd.testing.assert_series_equal(
            matches_layout(series, pattern, ""), expected, check_names=False
        )


def test_all_distinct() -> None:
    increasing = pd.Series([f"R{i:05d}" for i in range(1, 2000)], dtype="str")
    assert all_distinct(increasing) is True
    shuffled = pd.Series(["R00003", "R00001", "R00002"], dtype="str")
    assert all_distinct(shuffled).tolist() == [True, True, True]
    repeated = pd.Series(["R00001", "R00002", "R00001", None, None], dtype="str")
    assert all_distinct(repeated).tolist() == [False, True, False, False, False]
    assert all_distinct(pd.Series(["b", "a", "b"], dtype=object)).tolist() == [False, True, False]


def test_large_valid_table_passes_and_one_bad_cell_is_caught() -> None:
    frame = responses(3000)
    frame["timestamp"] = frame["timestamp"].iloc[0]
    frame["id"] = frame["id"].astype("str")
    Responses.validate(frame, lazy=True)
    frame.loc[2500, "timestamp"] = "2023-02-13T09:14:31+08:0x"
    frame.loc[10, "id"] = "R00005"
    with pytest.raises(pa.errors.SchemaErrors) as info:
        Responses.validate(frame, lazy=True)
    failures = info.value.failure_cases
    assert set(failures["column"].dropna()) == {"timestamp", "id"}
    assert "2023-02-13T09:14:31+08:0x" in failures["failure_case"].tolist()
