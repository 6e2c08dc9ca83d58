"""skm.layout: where a unit-year's raw inputs, processed files and documents live, and which
units and unit-years there are (the workflow, the manifest and the CLI all ask it). The unit
folder-name rule is tested in test_run_summary."""

from __future__ import annotations

from pathlib import Path

from skm import layout


def make(root: Path, *files: str) -> Path:
    """Create `files` (paths relative to `root`) with some bytes; `root`."""
    for rel in files:
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"x")
    return root


def test_paths_are_relative_to_the_project_and_take_wildcards():
    assert layout.unit_yaml("u") == "data/raw/u/unit.yaml"
    assert layout.raw_file("u", 2023, layout.RTL_YAML) == "data/raw/u/2023/rtl.yaml"
    assert layout.processed("u", 2023, "ikm.json") == "data/processed/u/2023/ikm.json"
    assert layout.processed("{unit}", "{year}") == "data/processed/{unit}/{year}"
    assert layout.rekap_processed(2023, "rekap.json") == "data/processed/_rekap/2023/rekap.json"
    assert layout.manifest("u", 2023) == "reports/u/2023/manifest.json"
    assert layout.archive_dir("u", 2023) == "reports/u/2023/arsip"
    assert (
        layout.document(layout.LAPORAN, "{unit}", "{year}", "pdf")
        == "reports/{unit}/{year}/laporan-skm-{unit}-{year}.pdf"
    )
    assert layout.logs("u", 2023, "gagal.txt") == "logs/u/2023/gagal.txt"
    assert layout.processed("u", 2023, "x", processed="/tmp/p") == "/tmp/p/u/2023/x"


def test_documents_include_the_follow_up_report_only_with_a_realisasi(tmp_path):
    raw = make(tmp_path, "u/2022/realisasi.yaml", "u/2023/a.csv")
    names = [Path(p).name for p in layout.documents("u", 2023, raw=raw)]
    assert names == [
        "laporan-skm-u-2023.pdf",
        "laporan-skm-u-2023.docx",
        "laporan-skm-u-2023.html",
        "laporan-skm-u-2023.xlsx",
        "infografis-skm-u-2023.pdf",
        "infografis-skm-u-2023.png",
    ]
    with_tl = layout.documents("u", 2022, raw=raw)
    assert "reports/u/2022/laporan-tindak-lanjut-u-2022.docx" in with_tl and len(with_tl) == 9
    assert layout.rekap_documents(2023)[0] == "reports/rekap/2023/rekap-ikm-2023.pdf"
    assert len(layout.rekap_documents(2023)) == 6


def test_one_lister_of_units_and_years(tmp_path):
    raw = make(
        tmp_path,
        "b/2023/a.csv",
        "b/2022/a.csv",
        "b/notes/a.txt",  # not a year
        "b/22/a.csv",  # not four digits
        "a/2024/x.csv",
        ".hidden/2024/x.csv",
        "loose.txt",
    )
    assert layout.units(raw=raw) == ["a", "b"]
    assert layout.years("b", raw=raw) == [2022, 2023]
    assert layout.years("missing", raw=raw) == []
    assert layout.unit_years(raw=raw) == [("a", 2024), ("b", 2022), ("b", 2023)]
    assert layout.unit_years(raw=tmp_path / "none") == []


def test_exports_and_photos_of_a_unit_year(tmp_path):
    raw = make(
        tmp_path,
        "u/2024/b.CSV",
        "u/2024/a.zip",
        "u/2024/c.xlsx",
        "u/2024/~$c.xlsx",
        "u/2024/.d.csv",
        "u/2024/survei.yaml",
        "u/2024/dokumentasi/f.JPG",
        "u/2024/dokumentasi/g.png",
        "u/2024/dokumentasi/sk.pdf",
    )
    assert [Path(p).name for p in layout.exports("u", 2024, raw=raw)] == [
        "a.zip",
        "b.CSV",
        "c.xlsx",
    ]
    assert [Path(p).name for p in layout.photos("u", 2024, raw=raw)] == ["f.JPG", "g.png"]
    assert layout.exports("u", 2030, raw=raw) == [] and layout.photos("u", 2030, raw=raw) == []


def test_logo_only_inside_the_unit_folder(tmp_path):
    raw = make(tmp_path, "u/logo.png", "luar.png")
    (raw / "u" / "unit.yaml").write_text("logo: logo.png\n", encoding="utf-8")
    assert layout.logo("u", raw=raw) == (raw / "u" / "logo.png").as_posix()
    (raw / "u" / "unit.yaml").write_text("logo: ../luar.png\n", encoding="utf-8")
    assert layout.logo("u", raw=raw) is None
    (raw / "u" / "unit.yaml").write_text("logo: [\n", encoding="utf-8")  # not YAML
    assert layout.logo("u", raw=raw) is None


def test_raw_inputs_follow_the_years_the_documents_read(tmp_path):
    raw = make(
        tmp_path,
        "u/unit.yaml",
        "u/2022/a.csv",
        "u/2022/realisasi.yaml",
        "u/2022/dokumentasi/f.png",
        "u/2022/~$a.xlsx",
        "u/2022/.DS_Store",
        "u/2023/b.csv",
        "u/2024/c.csv",
    )
    names = [Path(p).relative_to(raw).as_posix() for p in layout.raw_inputs("u", 2022, raw=raw)]
    assert names == [
        "u/2022/a.csv",
        "u/2022/dokumentasi/f.png",
        "u/2022/realisasi.yaml",
        "u/2023/b.csv",  # the follow-up report shows the next year's IKM
        "u/unit.yaml",
    ]
    assert layout.years_needed("u", 2022, raw=raw) == [2022, 2023]
    assert layout.years_needed("u", 2024, raw=raw) == [2022, 2023, 2024]
    names = [Path(p).relative_to(raw).as_posix() for p in layout.raw_inputs("u", 2023, raw=raw)]
    assert "u/2022/a.csv" in names and "u/2024/c.csv" not in names


def test_processed_files_of_a_unit_year(tmp_path):
    processed = make(tmp_path, "u/2023/ikm.json", "u/2023/figures/a.png", "u/2023/.tmp", "v/x")
    assert layout.processed_files("u", 2023, processed=processed) == [
        (processed / "u/2023/figures/a.png").as_posix(),
        (processed / "u/2023/ikm.json").as_posix(),
    ]
