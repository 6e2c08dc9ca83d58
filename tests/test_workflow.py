"""The real snakemake on fixture data: ikm.json against values computed by hand."""

from __future__ import annotations

import csv
import json
import re
import shutil
from fractions import Fraction

import pytest

from conftest import copy_project, run_snakemake
from skm.domain import krejcie_morgan, round_half_up

pytestmark = pytest.mark.workflow

# The `uji` fixture's valid rows (raw rows 2, 3, 4 and 10), read off the CSV by hand:
#   row 2: all 4; row 3: all 3; row 4: U1 = 2, U2 blank, U3..U9 = 3;
#   row 10: U1..U8 = 4, U9 = 3 ("Baik").
HAND_SUMS = {
    "U1": (13, 4),
    "U2": (11, 3),
    "U3": (14, 4),
    "U4": (14, 4),
    "U5": (14, 4),
    "U6": (14, 4),
    "U7": (14, 4),
    "U8": (14, 4),
    "U9": (13, 4),
}
HAND_REJECTED = {
    5: "duplicate",
    6: "timestamp_out_of_period",
    7: "answer_invalid",
    8: "no_answers",
    9: "timestamp_unparseable",
}


def load(path):
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def test_uji_ikm_by_hand(pipeline):
    ikm = load(pipeline.processed("uji", 2024) / "ikm.json")
    assert (ikm["n_raw"], ikm["n_valid"], ikm["n_rejected"]) == (9, 4, 5)
    for u in ikm["unsur"]:
        s, n = HAND_SUMS[u["code"]]
        assert (u["sum"], u["n"]) == (s, n), u["code"]
        assert u["display"]["nrr"] == str(round_half_up(Fraction(s, n), 2))
    konv = sum(Fraction(s, n) for s, n in HAND_SUMS.values()) / 9 * 25
    assert ikm["display"]["ikm_konversi"] == str(round_half_up(konv, 2))
    assert ikm["ikm_konversi"] == pytest.approx(float(konv))
    assert ikm["display"]["ikm_konversi"] == "86.57" and ikm["mutu"] == "B"
    assert ikm["sample"] == {
        "population": 20,
        "required": krejcie_morgan(20),
        "achieved": 4,
        "adequate": False,
    }
    cats = {c["label"]: c for c in ikm["demografi"]["jenis_kelamin"]["categories"]}
    assert cats["Laki-laki"]["count"] == 2  # "laki-laki" and the alias "Pria"
    assert cats["Rahasia"]["matched"] is False


def test_uji_rejected_rows(pipeline):
    with open(pipeline.processed("uji", 2024) / "rejected.csv", encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    got = {int(r["raw_row"]): r["reason_code"] for r in rows}
    assert got == HAND_REJECTED
    invalid = next(r for r in rows if r["reason_code"] == "answer_invalid")
    assert invalid["value"] == "Sangat Puas" and "U3" in invalid["reason"]


def test_sample_matches_the_published_tables(pipeline):
    ikm23 = load(pipeline.processed("biro-umum", 2023) / "ikm.json")
    assert [u["sum"] for u in ikm23["unsur"]] == [288, 291, 281, 290, 281, 287, 297, 284, 308]
    assert ikm23["display"]["ikm_konversi"] == "85.20" and ikm23["mutu"] == "B"
    assert [u["display"]["nrr"] for u in ikm23["unsur"]] == [
        "3.39",
        "3.42",
        "3.31",
        "3.41",
        "3.31",
        "3.38",
        "3.49",
        "3.34",
        "3.62",
    ]
    assert ikm23["sample"]["required"] == 226 and ikm23["sample"]["adequate"] is False
    gender = ikm23["demografi"]["jenis_kelamin"]["categories"]
    assert [(c["count"], c["display_pct"]) for c in gender] == [(61, "71.76"), (24, "28.24")]
    ikm22 = load(pipeline.processed("biro-umum", 2022) / "ikm.json")
    assert ikm22["display"]["ikm_konversi"] == "84.15"


def test_personal_data_never_leaves_ingest(pipeline):
    planted = [
        "Budi Santosa Uji",
        "Siti Aminah",
        "0812-3456-7890",
        "081298765432",
        "0812 3456 7890",
        "budi.uji@contoh.go.id",
        "Responden Sintetis",
        "responden001@example.com",
    ]
    for folder in (pipeline.root / "data" / "processed", pipeline.root / "reports"):
        for path in folder.rglob("*"):
            if path.is_file() and path.suffix in {".csv", ".json", ".html", ".md"}:
                text = path.read_text(encoding="utf-8", errors="replace")
                for needle in planted:
                    assert needle not in text, (needle, path)


def test_noop_rerun_only_retries_the_broken_unit(pipeline):
    proc = run_snakemake(pipeline.root, "--dry-run")
    units = set(re.findall(r"wildcards: unit=([^,\s]+)", proc.stdout + proc.stderr))
    assert units == {"rusak"}  # everything else is up to date; the broken unit fails again


def _would_rerun(root, unit):
    """{(rule, year)} a dry run would run for `unit`, from its job blocks."""
    proc = run_snakemake(root, "--dry-run")
    out = proc.stdout + proc.stderr
    # (a group's jobs are printed indented, inside the group job's block)
    blocks = re.split(r"^(?=\s*(?:local)?(?:rule|checkpoint) \w+:$)", out, flags=re.MULTILINE)
    jobs = set()
    for block in blocks:
        rule = re.match(r"\s*(?:local)?(?:rule|checkpoint) (\w+):$", block, re.MULTILINE)
        where = re.search(r"^\s*wildcards: unit=([\w-]+), year=(\d{4})$", block, re.MULTILINE)
        if rule and where and where.group(1) == unit:
            jobs.add((rule.group(1), int(where.group(2))))
    return jobs


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        # this year's plan: its check, the Laporan (RTL chapter, infographic), last year's
        # realisation report (it names the next plan; next year's Laporan reads its data
        # again) and the manifests
        (
            2023,
            {
                ("validate_rtl", 2023),
                ("render_laporan", 2023),
                ("render_tindak_lanjut", 2022),
                ("write_manifest", 2022),
                ("write_manifest", 2023),
            },
        ),
        # last year's plan: also last year's realisation report, and this year's Laporan,
        # which shows how last year's plan was carried out
        (
            2022,
            {
                ("validate_rtl", 2022),
                ("render_laporan", 2022),
                ("render_tindak_lanjut", 2022),
                ("write_manifest", 2022),
                ("render_laporan", 2023),
                ("write_manifest", 2023),
            },
        ),
    ],
)
def test_changed_plan_reruns_only_what_depends_on_it(pipeline, tmp_path, year, expected):
    """Fewer, fuller jobs keep reruns exact: editing rtl.yaml never re-reads the exports,
    re-scores, redraws the figures or rewrites the workbook."""
    root = tmp_path / "proyek"
    shutil.copytree(pipeline.root, root, symlinks=True)  # (copy2: the times stay)
    assert not _would_rerun(root, "biro-umum")
    plan = root / "data" / "raw" / "biro-umum" / str(year) / "rtl.yaml"
    plan.write_text(plan.read_text(encoding="utf-8") + "\n# diubah\n", encoding="utf-8")
    assert _would_rerun(root, "biro-umum") == expected


def test_misspelt_config_key_fails_at_dag_load(tmp_path):
    root = copy_project(tmp_path / "p", sample=False)
    cfg = root / "config.yaml"
    cfg.write_text(
        cfg.read_text(encoding="utf-8").replace("instansi:", "instansy:"), encoding="utf-8"
    )
    proc = run_snakemake(root, "--dry-run", check=False)
    assert proc.returncode != 0
    assert "instansy" in proc.stdout + proc.stderr


def test_broken_unit_fails_clearly_and_again(tmp_path):
    root = copy_project(tmp_path / "p", sample=False)
    year = root / "data" / "raw" / "rusak" / "2024"
    year.mkdir(parents=True)
    (year.parent / "unit.yaml").write_text(
        "name: Unit Rusak\npopulation: 10\ntimezone: WIT\n", encoding="utf-8"
    )
    (year / "Form Responses 1.csv").write_text(
        "Timestamp,Nama\n2024/01/01 9:00:00 AM GMT+9,X\n", encoding="utf-8"
    )
    for _ in range(2):
        proc = run_snakemake(root, check=False)
        assert proc.returncode != 0
        out = proc.stdout + proc.stderr
        assert "Form Responses 1.csv" in out and "Traceback" not in out
    assert not any((root / "reports").rglob("*.pdf"))


def test_broken_unit_does_not_stop_the_others(pipeline):
    assert pipeline.returncode != 0  # the province run reports the broken unit ...
    assert "Nama Lengkap" in pipeline.output and "Traceback" not in pipeline.output
    assert (pipeline.reports("uji", 2024) / "laporan-skm-uji-2024.pdf").is_file()  # ... not others
    assert not pipeline.reports("rusak", 2024).exists()


def test_recap_lists_units_failed_and_missing(pipeline):
    rekap = load(pipeline.root / "data" / "processed" / "_rekap" / "2024" / "rekap.json")
    assert [u["unit"] for u in rekap["units"]] == ["uji"]
    failed = {f["unit"]: f["reason"] for f in rekap["failed"]}
    assert "tidak ditemukan" in failed["rusak"]
    assert rekap["missing"] == ["hilang"]
    ikm = load(pipeline.processed("uji", 2024) / "ikm.json")
    prov = rekap["province"]
    assert prov["mean_of_units"]["display"] == ikm["display"]["ikm_konversi"]
    assert prov["pooled"]["display"] == ikm["display"]["ikm_konversi"]
    for ext in ("pdf", "docx", "html", "xlsx"):
        assert (pipeline.root / "reports" / "rekap" / "2024" / f"rekap-ikm-2024.{ext}").is_file()


def test_snakemake_report_names_the_documents(pipeline, tmp_path):
    """`snakemake --report` after a run: Snakemake's run report (rules, runtimes) lists the
    documents under their Indonesian categories, without changing any output."""
    report = tmp_path / "laporan-run.html"
    before = {p: p.stat().st_mtime_ns for p in (pipeline.root / "reports").rglob("*.pdf")}
    proc = run_snakemake(pipeline.root, "--report", str(report), check=False)
    assert proc.returncode == 0, proc.stderr[-4000:]
    html = report.read_text(encoding="utf-8")
    for name in (
        "Laporan SKM",
        "Infografis",
        "Tindak Lanjut",
        "Gambar",
        "laporan-skm-biro-umum-2023.pdf",
        "laporan-tindak-lanjut-biro-umum-2022.docx",
        "infografis-skm-uji-2024.png",
        "tren.png",
    ):
        assert name in html, name
    assert before == {p: p.stat().st_mtime_ns for p in before}
