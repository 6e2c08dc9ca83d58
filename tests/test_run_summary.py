"""The end of a run and what each rule reads (issue 12: run summary, per-rule config;
issue 13 item 8: unit folder names).

Most tests read the session's `pipeline` run (sample, `uji`, the broken `rusak` and a folder
with an unusable name). Dry runs on a copy show which jobs an edit of config.yaml plans; one
`skm verify` (a rerun of the small `uji` unit) shows that editing the recap's keys leaves a
published unit-year "cocok". Run: ``pytest tests/test_run_summary.py -q``.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import BAD_UNIT_NAME
from skm.audit.publish import publish
from skm.cli import main as skm_main
from skm.io import sha256
from skm.layout import manifest, name_problem, rename_hint, suggest_name
from skm.summary import (
    REPLAN_TIMER_SOURCE,
    UnitYearStatus,
    format_summary,
    stop_replan_timers,
    unit_year_status,
)

RUSAK_ERROR_LINE = "file data/raw/rusak/2024/Form Responses 1.csv: kolom wajib tidak ditemukan:"


def summary_of(output: str) -> str:
    """The summary block at the end of a run's output."""
    assert "Ringkasan run SKM:" in output, output[-3000:]
    return output[output.rindex("Ringkasan run SKM:") :]


def clone(src: Path, dest: Path) -> Path:
    """A copy of a finished project, modification times kept (so nothing looks outdated)."""
    shutil.copytree(src, dest, symlinks=True)
    return dest


def snakemake_in(root: Path, *python_args: str, timeout: int = 600) -> subprocess.CompletedProcess:
    """Snakemake in `root` (python_args: how this interpreter starts it); it must succeed
    within `timeout` seconds."""
    env = dict(os.environ, PYTHONPATH=str(root / "workflow"))
    proc = subprocess.run(
        [sys.executable, *python_args],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert proc.returncode == 0, (proc.stdout + proc.stderr)[-3000:]
    return proc


def planned_jobs(root: Path) -> dict[str, int]:
    """Rule -> job count of a dry run in `root`."""
    proc = snakemake_in(root, "-m", "snakemake", "--dry-run", "--cores", "1")
    out = proc.stdout + proc.stderr
    if "Nothing to be done" in out:
        return {}
    table = out[out.index("Job stats:") :]
    jobs = {}
    for line in table.splitlines()[3:]:
        parts = line.split()
        if not parts or parts[0] == "total":
            break
        jobs[parts[0]] = int(parts[1])
    return jobs


def edit_config(root: Path, old: str, new: str) -> None:
    cfg = root / "config.yaml"
    text = cfg.read_text(encoding="utf-8")
    assert old in text, old
    cfg.write_text(text.replace(old, new, 1), encoding="utf-8")


# --------------------------------------------------------------------------- the summary


def test_run_ends_with_a_summary_of_every_unit_year(pipeline):
    summary = summary_of(pipeline.output)
    for unit, year in (("biro-umum", 2022), ("biro-umum", 2023), ("uji", 2024)):
        written = sorted(
            p for p in (pipeline.root / "reports" / unit / str(year)).iterdir() if p.is_file()
        )
        assert f"  {unit}/{year}: selesai, {len(written)} berkas ditulis:" in summary
        for p in written:  # every document of the unit-year is listed by its path
            assert f"      {p.relative_to(pipeline.root).as_posix()}\n" in summary
        for ext in ("pdf", "docx", "html", "xlsx"):
            path = f"reports/{unit}/{year}/laporan-skm-{unit}-{year}.{ext}"
            assert f"      {path}\n" in summary and (pipeline.root / path).is_file()
    assert "      reports/biro-umum/2022/laporan-tindak-lanjut-biro-umum-2022.pdf" in summary
    assert (
        f"  rusak/2024: GAGAL. {RUSAK_ERROR_LINE} (pesan lengkap: "
        "logs/rusak/2024/validate_responses.log)" in summary
    )
    rekap = [p for p in (pipeline.root / "reports/rekap/2024").iterdir() if p.is_file()]
    assert f"  Rekap 2024: selesai, {len(rekap)} berkas ditulis:" in summary
    assert {"pdf", "docx", "html", "xlsx", "png"} <= {p.suffix[1:] for p in rekap}
    assert re.search(r"Selesai 3 dari 4 unit-tahun; 1 gagal; 1 folder unit tidak diolah", summary)


def test_a_unit_error_is_printed_once_without_a_traceback(pipeline):
    out = pipeline.output
    assert pipeline.returncode != 0  # the run still ends with an error
    assert out.count("Judul kolom yang ada di file: 'Timestamp', 'Nama Lengkap'.") == 1
    assert out.count(RUSAK_ERROR_LINE) == 2  # the full message once, its first line in the summary
    for noise in ("CalledProcessError", "RuleException", "Traceback", "Error in rule"):
        assert noise not in out, noise
    full = (pipeline.root / "logs/rusak/2024/validate_responses.log").read_text(encoding="utf-8")
    assert "'Nama Lengkap'" in full  # the job's log keeps the whole message


def test_log_lines_read_as_sentences(pipeline):
    lines = [
        line
        for line in pipeline.output.splitlines()
        if line.startswith(("INFO ", "WARNING ", "ERROR "))
    ]
    for log in (pipeline.root / "logs").rglob("*.log"):
        lines += log.read_text(encoding="utf-8").splitlines()
    assert lines
    dicts = [line for line in lines if re.search(r"\{'|\{\"", line)]
    assert not dicts, dicts[:5]
    render = (pipeline.root / "logs/uji/2024/render_laporan.log").read_text(encoding="utf-8")
    assert re.search(
        r"INFO Laporan SKM: Dokumen dibuat dalam \d+,\d detik \(mulai kernel \d+,\d;", render
    )
    assert re.search(r"INFO Infografis: Dokumen dibuat dalam \d+,\d detik \(", render)


def test_summary_of_a_failed_job_names_its_log(tmp_path):
    """A unit-year whose render job failed: the first ERROR line of its newest log."""
    logs = tmp_path / "logs" / "u" / "2024"
    logs.mkdir(parents=True)
    (logs / "render_laporan.log").write_text(
        "INFO mulai\nERROR file data/raw/u/unit.yaml: logo tidak ditemukan\n  baris dua\n",
        encoding="utf-8",
    )
    status = unit_year_status(
        "u",
        2024,
        [str(tmp_path / "reports/u/2024/a.pdf")],
        processed_dir=tmp_path / "data/processed",
        logs_dir=tmp_path / "logs",
    )
    assert status.error == "file data/raw/u/unit.yaml: logo tidak ditemukan"
    assert status.detail.endswith("logs/u/2024/render_laporan.log")
    text = format_summary([status, UnitYearStatus("v", 2024, ["reports/v/2024/b.pdf"])], {}, {})
    assert (
        "  u/2024: GAGAL. file data/raw/u/unit.yaml: logo tidak ditemukan (pesan lengkap:" in text
    )
    assert "  v/2024: selesai, 1 berkas ditulis:\n      reports/v/2024/b.pdf" in text
    assert text.endswith(
        "Selesai 1 dari 2 unit-tahun; 1 gagal. Perbaiki yang GAGAL di atas, "
        "lalu jalankan lagi snakemake."
    )


def test_a_rerun_prints_the_failure_again_and_fails(pipeline):
    """Nothing else to do, but the broken unit is reported again (its report is not kept)."""
    assert not list((pipeline.root / "logs").rglob("gagal.txt"))
    assert not (pipeline.root / "logs/_nama_folder_tidak_sah.txt").exists()
    jobs = planned_jobs(pipeline.root)
    assert jobs == {"report_unit_failure": 1, "report_bad_unit_names": 1, "all": 1}


# --------------------------------------------------------------------------- unit folder names


@pytest.mark.parametrize(
    "name",
    [
        "unit baru",
        "Bína Marga",
        "dinas\u00a0kesehatan",
        "-awal",
        ".tersembunyi",
        "rekap",
        "=SUM(A1)",
        "unit/lain",
    ],
)
def test_unusable_unit_names_get_a_usable_suggestion(name):
    assert name_problem(name)
    suggestion = suggest_name(name)
    assert name_problem(suggestion) is None, suggestion
    assert f"'{suggestion}'" in rename_hint(name)


@pytest.mark.parametrize("name", ["biro-umum", "UPT_Samsat.2", "uji", "rekap-2", "9a"])
def test_usable_unit_names(name):
    assert name_problem(name) is None and rename_hint(name) is None


def test_a_badly_named_unit_fails_alone(pipeline):
    assert (pipeline.root / "data/raw" / BAD_UNIT_NAME / "2024").is_dir()
    for unit in ("biro-umum", "uji"):
        assert any(pipeline.reports(unit, 2024 if unit == "uji" else 2023).glob("*.pdf"))
    hint = rename_hint(BAD_UNIT_NAME)
    assert "'unit-baru-olah'" in hint and "spasi" in hint and "'Ö'" in hint
    summary = summary_of(pipeline.output)
    assert f"  {BAD_UNIT_NAME}: GAGAL. {hint}" in summary
    rekap = json.loads(
        (pipeline.root / "data/processed/_rekap/2024/rekap.json").read_text(encoding="utf-8")
    )
    failed = {f["unit"]: f["reason"] for f in rekap["failed"]}
    assert failed[BAD_UNIT_NAME] == hint and "rusak" in failed
    assert BAD_UNIT_NAME not in rekap["missing"]
    html = (pipeline.root / "reports/rekap/2024/rekap-ikm-2024.html").read_text(encoding="utf-8")
    assert "unit-baru-olah" in html
    assert not [p for p in (pipeline.root / "reports").rglob("*") if BAD_UNIT_NAME in str(p)]


# --------------------------------------------------------------------------- rules read only what they declare


def test_provenance_and_manifest_record_the_effective_settings(pipeline):
    processed = pipeline.processed("uji", 2024)
    settings = json.loads((processed / "settings.json").read_text(encoding="utf-8"))
    assert {"columns", "demografi"} <= settings.keys()
    assert not {"instansi", "expected_units", "units", "years"} & settings.keys()
    prov = json.loads((processed / "provenance.json").read_text(encoding="utf-8"))
    paths = [e["path"] for e in prov["inputs"]]
    assert "data/processed/uji/2024/settings.json" in paths and "config.yaml" not in paths
    manifest = json.loads(
        (pipeline.reports("uji", 2024) / "manifest.json").read_text(encoding="utf-8")
    )
    assert "config.yaml" not in [e["path"] for e in manifest["inputs"]]
    assert manifest["settings"]["values"] == settings
    assert manifest["settings"]["sha256"] == sha256(processed / "settings.json")
    html = (pipeline.reports("uji", 2024) / "laporan-skm-uji-2024.html").read_text(encoding="utf-8")
    lampiran = html[html.index("Lampiran 7") :]
    assert re.search(r"<td[^>]*>\s*data/processed/uji/2024/settings\.json\s*</td>", lampiran)
    assert not re.search(r"<td[^>]*>\s*config\.yaml\s*</td>", lampiran)  # no table row for it


@pytest.mark.parametrize(
    "old,new,expected",
    [
        (
            'instansi: ""',
            'instansi: "Pemerintah Provinsi Uji Coba"',
            {"render_rekap", "render_infografis_rekap"},
        ),
        (
            "expected_units: [uji, rusak, hilang]",
            "expected_units: [uji, rusak]",
            {"collect_rekap", "render_rekap", "render_infografis_rekap"},
        ),
        (
            "units: []",
            "units: [biro-umum, uji, rusak]",
            {"collect_rekap", "render_rekap", "render_infografis_rekap"},
        ),
    ],
)
def test_editing_recap_keys_plans_only_recap_jobs(pipeline, tmp_path, old, new, expected):
    root = clone(pipeline.root, tmp_path / "proyek")
    before = planned_jobs(root)
    edit_config(root, old, new)
    after = planned_jobs(root)
    added = {rule for rule, n in after.items() if n > before.get(rule, 0)} - {"all"}
    assert added == expected, (before, after)


# A dry run whose PersistenceBase._params (the params Snakemake compares with the last run) notes
# every job it is asked about and the rules of those that have params to compare.
_SPY_PARAMS = """
import atexit, sys
from snakemake.persistence import PersistenceBase
asked, with_params = [], set()
_params = PersistenceBase._params
def spy(self, job):
    asked.append(job.rule.name)
    if job.non_derived_params:
        with_params.add(job.rule.name)
    return _params(self, job)
PersistenceBase._params = spy
atexit.register(lambda: print("PARAMS", len(asked), sorted(with_params)))
sys.argv = ["snakemake", "--dry-run", "--cores", "1"]
from snakemake.cli import main
main()
"""


def test_no_rule_has_params_snakemake_compares(pipeline, tmp_path):
    """Config values reach jobs as value files (skm.io.value_file), not params: comparing any
    param makes Snakemake import pandas, half a second of every run, dry run and no-op."""
    root = clone(pipeline.root, tmp_path / "proyek")
    proc = snakemake_in(root, "-c", _SPY_PARAMS)
    asked, rules = re.search(r"^PARAMS (\d+) (\[.*\])$", proc.stdout, re.MULTILINE).groups()
    assert int(asked) >= 10  # the finished jobs of every unit-year and of the recap
    assert rules == "[]"


def test_editing_a_unit_key_reruns_the_units(pipeline, tmp_path):
    """The other side: a key the units use (a demographic alias) reruns their ingest."""
    root = clone(pipeline.root, tmp_path / "proyek")
    edit_config(
        root, "alias: [L, Laki, Laki laki, Pria]", "alias: [L, Laki, Laki laki, Pria, Cowok]"
    )
    assert planned_jobs(root).get("validate_responses", 0) >= 4


def test_verify_after_editing_recap_keys_still_says_cocok(pipeline, tmp_path):
    root = clone(pipeline.root, tmp_path / "proyek")
    assert publish(root, "uji", 2024).created
    edit_config(root, 'instansi: ""', 'instansi: "Pemerintah Provinsi Uji Coba"')
    edit_config(root, "expected_units: [uji, rusak, hilang]", "expected_units: [uji]")
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(out):
        code = skm_main(["verify", "--root", str(root), "--cores", "2", "uji", "2024"])
    assert code == 0, out.getvalue()[-3000:]
    assert out.getvalue().rstrip().endswith("cocok")


# --------------------------------------------------------------------------- the run's end


class _Scheduler:
    """Starts a timer the way Snakemake's scheduler does (the qualname is what is matched)."""

    def _schedule_reevalutation(self, delay: float) -> threading.Timer:
        timer = threading.Timer(delay, lambda: None)
        timer.start()
        return timer


def test_stop_replan_timers_cancels_the_schedulers_timers_only():
    replan = [_Scheduler()._schedule_reevalutation(600) for _ in range(3)]
    other = threading.Timer(600, lambda: None)
    other.start()
    try:
        assert stop_replan_timers() == 3
        for timer in replan:
            timer.join(timeout=10)
            assert not timer.is_alive()
        assert other.is_alive()
    finally:
        other.cancel()


def test_snakemake_still_starts_the_timers_we_stop():
    """The workaround names a private Snakemake method: if it goes, this fails (and the
    workaround may go too)."""
    import inspect

    from snakemake.scheduling.job_scheduler import JobScheduler

    source = inspect.getsource(getattr(JobScheduler, REPLAN_TIMER_SOURCE))
    assert "threading.Timer(" in source


def test_a_run_ends_with_its_last_job_whatever_the_timer_window(pipeline, tmp_path):
    """Snakemake leaves a re-plan timer of the `max-jobs-per-timespan` window pending after
    the run; the Snakefile's handlers cancel it. With a 10-minute window the process must
    still end as soon as the job does (the timeout only detects a hang)."""
    root = clone(pipeline.root, tmp_path / "proyek")
    target = manifest("uji", 2024)
    (root / target).unlink()
    snakemake_in(
        root,
        "-m",
        "snakemake",
        "--cores",
        "1",
        "--max-jobs-per-timespan",
        "1000/600s",
        target,
        timeout=300,
    )
    assert (root / target).is_file()
