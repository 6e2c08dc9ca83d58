"""The hand-off contracts (skm.contracts): what the stages write passes, a wrong file is
refused where it is written and where it is read, and the error names file, JSON path and
writer."""

import json

import pytest

from artefacts import answers, ikm, quality, settings
from skm import contracts
from skm.contracts import ContractError
from skm.io import write_json


def sample_ikm() -> dict:
    rows = [[4, 3, 3, 4, 3, 3, 4, 3, 4], [3] * 9, [4] * 9, [2, 3, 3, 3, 3, 3, 3, 3, 3]]
    responses = answers(
        rows,
        jenis_kelamin=["Laki-laki", "Perempuan", "Perempuan", None],
        semester=[1, 1, 2, 2],
        triwulan=[1, 2, 3, 4],
        layanan=["A", "B", "A", None],
    )
    return ikm(responses, settings({"layanan": ["A", "B"]}))


WRITERS = {
    "ikm": (contracts.write_ikm, contracts.read_ikm, sample_ikm, "score_responses"),
    "quality": (
        contracts.write_quality,
        contracts.read_quality,
        lambda: quality(10, 2),
        "validate_responses",
    ),
    "settings": (
        contracts.write_settings,
        contracts.read_settings,
        settings,
        "validate_responses",
    ),
}


@pytest.mark.parametrize("name", WRITERS)
def test_what_the_stages_write_round_trips_byte_identically(tmp_path, name):
    write, read, build, _ = WRITERS[name]
    data = build()
    write(tmp_path / "a.json", data)
    write_json(data, tmp_path / "b.json")  # how the stages wrote before the contracts
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    assert read(tmp_path / "a.json") == data


def _break(name: str, data: dict) -> tuple[dict, str]:
    """`data` with one wrong value, and the JSON path of it."""
    if name == "ikm":
        data["unsur"][2]["nrr"] = "3,5"
        return data, "$.unsur[2].nrr"
    if name == "quality":
        data["funnel"]["diolah"] = -1
        return data, "$.funnel.diolah"
    data["history"] = [{"year": "2022", "ikm_konversi": 80.5, "source": "Laporan"}]
    return data, "$.history[0].year"


@pytest.mark.parametrize("name", WRITERS)
def test_a_wrong_artefact_is_refused_on_write_and_nothing_is_written(tmp_path, name):
    write, _, build, writer = WRITERS[name]
    data, where = _break(name, build())
    target = tmp_path / f"{name}.json"
    with pytest.raises(ContractError) as err:
        write(target, data)
    msg = str(err.value)
    assert f"{name}.json" in msg and str(target) in msg and where in msg and writer in msg
    assert not target.exists()


@pytest.mark.parametrize("name", WRITERS)
def test_a_wrong_artefact_is_refused_on_read(tmp_path, name):
    _, read, build, writer = WRITERS[name]
    data, where = _break(name, build())
    target = tmp_path / f"{name}.json"
    write_json(data, target)  # e.g. an older pipeline's file, or one edited by hand
    with pytest.raises(ContractError) as err:
        read(target)
    msg = str(err.value)
    assert str(target) in msg and where in msg and writer in msg


def test_a_missing_key_is_named(tmp_path):
    data = sample_ikm()
    del data["sample"]["required"]
    write_json(data, tmp_path / "ikm.json")
    with pytest.raises(ContractError, match=r"\$\.sample: 'required' is a required property"):
        contracts.read_ikm(tmp_path / "ikm.json")


def test_an_unknown_key_is_refused():
    with pytest.raises(ContractError, match="Additional properties"):
        contracts.IKM.check({**sample_ikm(), "ikm_konversi_lama": 84.3})


def test_a_unit_year_that_could_not_be_read_has_its_own_shape(tmp_path):
    failed = {"error": "berkas tidak dapat dibaca", "n_raw": 0, "n_valid": 0, "n_rejected": 0}
    contracts.write_quality(tmp_path / "quality.json", failed)
    contracts.write_settings(tmp_path / "settings.json", {})
    assert contracts.read_quality(tmp_path / "quality.json") == failed
    assert contracts.read_settings(tmp_path / "settings.json") == {}
    with pytest.raises(ContractError, match=r"\$\.n_raw"):
        contracts.QUALITY.check({**failed, "n_raw": 5})
    with pytest.raises(ContractError, match=r"\$: 'files' is a required property"):
        contracts.QUALITY.check({k: v for k, v in quality(3).items() if k != "files"})


def test_settings_parts_are_checked_by_the_input_schemas():
    data = settings()
    data["survei"] = {"period": {"start": "2023-02-30", "end": "2023-04-30"}}
    with pytest.raises(ContractError, match=r"\$\.survei\.period\.start"):
        contracts.SETTINGS.check(data)


def test_a_file_that_is_not_json_is_refused(tmp_path):
    (tmp_path / "ikm.json").write_text('{"unit": ', encoding="utf-8")
    with pytest.raises(ContractError, match="is not JSON"):
        contracts.read_ikm(tmp_path / "ikm.json")


def test_every_listed_problem_is_a_line_and_the_list_is_bounded():
    data = sample_ikm()
    for row in data["unsur"]:
        row["n"] = -1
    with pytest.raises(ContractError) as err:
        contracts.IKM.check(data)
    lines = str(err.value).splitlines()
    assert len(lines) == 1 + contracts.MAX_LISTED + 1 and lines[-1] == "  - ... and 4 more"
    json.dumps(data)  # the data itself is left as it was given
