"""Contract tests: config.yaml, unit.yaml and survei.yaml schemas catch what they must."""

from pathlib import Path

import pytest
import yaml

from skm.errors import SkmInputError
from skm.ingest.settings import load_config, load_unit_year, validate_yaml

ROOT = Path(__file__).resolve().parents[1]


def test_shipped_config_is_valid():
    cfg = load_config(ROOT / "config.yaml")
    assert "date_order" not in cfg  # no default: the values of each file decide


def test_misspelt_config_key_fails(tmp_path):
    text = (ROOT / "config.yaml").read_text(encoding="utf-8").replace("instansi:", "instansy:")
    (tmp_path / "config.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(SkmInputError) as err:
        load_config(tmp_path / "config.yaml")
    msg = str(err.value)
    assert "config.yaml" in msg and "instansy" in msg and "baris" in msg


@pytest.mark.parametrize(
    ("content", "needle"),
    [
        ({"name": "X", "population": 10, "timezone": "WITA", "populasi": 5}, "populasi"),
        ({"name": "X", "population": "banyak", "timezone": "WITA"}, "population"),
        ({"name": "X", "timezone": "WITA"}, "population"),
        ({"name": "X", "population": 10, "timezone": "GMT"}, "timezone"),
    ],
)
def test_unit_yaml_errors_name_the_key(tmp_path, content, needle):
    path = tmp_path / "unit.yaml"
    path.write_text(yaml.safe_dump(content), encoding="utf-8")
    with pytest.raises(SkmInputError) as err:
        validate_yaml(path, "unit")
    assert needle in str(err.value) and "unit.yaml" in str(err.value)


def test_survei_yaml_bad_date(tmp_path):
    path = tmp_path / "survei.yaml"
    path.write_text("period:\n  start: 2023-02-30\n  end: 2023-04-30\n", encoding="utf-8")
    with pytest.raises(SkmInputError) as err:
        validate_yaml(path, "survei")
    assert "period.start" in str(err.value) and "baris 2" in str(err.value)


def test_load_unit_year_defaults(tmp_path):
    unit = tmp_path / "raw" / "u1"
    (unit / "2024").mkdir(parents=True)
    (unit / "unit.yaml").write_text(
        "name: Unit Satu\npopulation: 100\ntimezone: WIT\n", encoding="utf-8"
    )
    s = load_unit_year(tmp_path / "raw", "u1", 2024, load_config(ROOT / "config.yaml"))
    assert s["period"] == {"start": "2024-01-01", "end": "2024-12-31"}
    assert s["utc_offset_hours"] == 9 and s["population"] == 100
    assert s["labels"]["U4"][3] == "Gratis"


# skm.io.load_yaml: libyaml's parser for speed, PyYAML's for the error messages.
TRICKY_YAML = [
    "tanggal: 2023-02-30\nmulai: 2023-01-02\nwaktu: 2023-01-02 10:00:00\n",
    "a: y\nb: N\nc: on\nd: 1e3\ne: 0o17\nf: ~\ng: 012\nh: 1_000\n",
    "nama: \"Dinas \\u00c9 \\x07 \\t\"\nlain: 'It''s'\n",
    "daftar: &x [1, 2, {a: b}]\nsalin: *x\n",
    "teks: |\n  baris satu\n   baris dua\n\n  akhir\nlipat: >-\n  a\n  b\n",
    "kunci: nilai # komentar\n? kompleks\n: nilai\n",
    "\ufeffnama: \u00c9 \U0001f600 \u96fb\n",
    "a: 1\na: 2\n",
    "",
    "- 1\n- - 2\n  - 3\n",
]


@pytest.mark.parametrize("text", TRICKY_YAML)
def test_load_yaml_reads_as_pyyaml_does(text):
    from skm.io import TextDateLoader, load_yaml

    assert repr(load_yaml(text)) == repr(yaml.load(text, Loader=TextDateLoader))


def test_load_yaml_reads_every_shipped_yaml_as_pyyaml_does():
    from skm.io import TextDateLoader, load_yaml

    files = [ROOT / "config.yaml", *sorted((ROOT / "data" / "raw").rglob("*.yaml"))]
    files += sorted((ROOT / "tests" / "fixtures").rglob("*.yaml"))
    files += sorted((ROOT / "workflow" / "schemas").glob("*.yaml"))
    assert len(files) > 10
    for path in files:
        text = path.read_text(encoding="utf-8-sig")
        assert repr(load_yaml(text)) == repr(yaml.load(text, Loader=TextDateLoader)), path


def test_load_yaml_parses_with_libyaml():
    import skm.io

    assert yaml.__with_libyaml__  # the pinned PyYAML wheel has it
    assert issubclass(skm.io._FastTextDateLoader, yaml.CSafeLoader)


@pytest.mark.parametrize(
    "text",
    ["a: [1,\nb: 2\n", "a: b: c\n", "a:\n\t- 1\n", 'a: "x\n', "a: !!python/name:os.system x\n"],
)
def test_load_yaml_errors_are_pyyamls_with_the_caret(text):
    from skm.io import TextDateLoader, load_yaml

    with pytest.raises(yaml.YAMLError) as fast:
        load_yaml(text)
    with pytest.raises(yaml.YAMLError) as pure:
        yaml.load(text, Loader=TextDateLoader)
    assert str(fast.value) == str(pure.value) and "^" in str(fast.value)
