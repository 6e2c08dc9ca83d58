"""The shipped SLURM profile (profiles/slurm) on a real, single-node SLURM cluster.

tests/slurm_cluster.py installs Debian's slurmctld, slurmd, slurm-client and munge when missing
and starts a cluster on localhost for this module; the workflow then runs for two units (the
shipped sample, both years, and a second unit made from its 2023 folder) through the SLURM
executor, and every file under data/processed/ and reports/ must be byte-identical to a local
`snakemake --cores 2` run of an identical copy (both at the same time, ~2-2.5 minutes on two
CPUs). Skipped, with the reason, where SLURM cannot be installed or started (not root, no
apt-get, a SLURM configuration this test did not write, another session using the test
cluster) or the `slurm` extra (snakemake-executor-plugin-slurm) is not installed.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from conftest import ROOT, copy_project
from slurm_cluster import CannotRun, Cluster, install
from slurm_jobs import JOB_LINE, per_unit_year, submissions

pytestmark = pytest.mark.workflow

PROFILE = ROOT / "profiles" / "slurm" / "config.yaml"

SECOND_UNIT = "biro-hukum"
# Test-only settings on top of the profile: this cluster has no accounting database (job
# states from squeue, kept by MinJobAge=600), and the jobs take seconds, so poll every 5 s.
SLURM_ARGS = (
    "--profile",
    "profiles/slurm",
    "--slurm-status-command",
    "squeue",
    "--slurm-init-seconds-before-status-checks",
    "5",
)
# Rules this DAG must run as SLURM jobs (at least; `all` is local).
SLURM_RULES = {
    "validate_responses",
    "analyse_responses",
    "validate_rtl",
    "render_laporan",
    "render_tindak_lanjut",
    "write_manifest",
    "collect_rekap",
    "render_rekap",
    "render_infografis_rekap",
}
UNIT_YEARS = {("biro-umum", "2022"), ("biro-umum", "2023"), (SECOND_UNIT, "2023")}


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    pytest.importorskip(
        "snakemake_executor_plugin_slurm",
        reason="the `slurm` extra is not installed: pip install -e '.[slurm]'",
    )
    try:
        print(install())
        with Cluster(tmp_path_factory.mktemp("slurm-cluster")) as c:
            print(f"SLURM cluster ready in {c.start_seconds:.1f} s ({c.node})")
            yield c
    except CannotRun as exc:
        pytest.skip(f"no SLURM cluster on this machine: {exc}")


def project(dest: Path, unit_src: Path) -> Path:
    """The shipped sample (2022, 2023) and SECOND_UNIT (the sample's 2023 folder)."""
    return copy_project(dest, units={SECOND_UNIT: unit_src})


def second_unit(dest: Path) -> Path:
    sample = ROOT / "data" / "raw" / "biro-umum"
    shutil.copytree(sample / "2023", dest / "2023")
    text = (sample / "unit.yaml").read_text(encoding="utf-8")
    text = text.replace("Biro Umum", "Biro Hukum").replace("population: 550", "population: 300")
    (dest / "unit.yaml").write_text(text, encoding="utf-8")
    return dest


def snakemake(root: Path, *args: str) -> subprocess.Popen:
    """The real snakemake in `root`, importing the copy's own `skm` (jobs inherit the
    environment: sbatch --export=ALL)."""
    env = dict(os.environ, PYTHONPATH=str(root / "workflow"))
    env.pop("SLURM_CONF", None)
    return subprocess.Popen(
        [sys.executable, "-m", "snakemake", *args],
        cwd=root,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )


def finish(proc: subprocess.Popen, timeout: float) -> str:
    try:
        out, _ = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, 2)  # SIGINT: snakemake cancels its SLURM jobs
        out, _ = proc.communicate(timeout=60)
        raise AssertionError(f"snakemake did not finish in {timeout} s:\n{out[-6000:]}")
    assert proc.returncode == 0, f"snakemake failed ({proc.returncode}):\n{out[-6000:]}"
    return out


def outputs(root: Path) -> dict[str, str]:
    """sha256 of every file under data/processed/ and reports/ (Snakemake markers aside)."""
    return {
        p.relative_to(root).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for top in ("data/processed", "reports")
        for p in sorted((root / top).rglob("*"))
        if p.is_file() and p.name != ".snakemake_timestamp"
    }


@pytest.fixture(scope="module")
def runs(cluster, tmp_path_factory) -> dict:
    """The same project run locally and through SLURM, at the same time."""
    unit = second_unit(tmp_path_factory.mktemp("unit") / SECOND_UNIT)
    local = project(tmp_path_factory.mktemp("lokal") / "proyek", unit)
    slurm = project(tmp_path_factory.mktemp("slurm") / "proyek", unit)
    t0 = time.monotonic()
    local_proc = snakemake(local, "--cores", "2")
    slurm_proc = snakemake(slurm, *SLURM_ARGS)
    slurm_out = finish(slurm_proc, timeout=600)
    slurm_seconds = time.monotonic() - t0
    local_out = finish(local_proc, timeout=600)
    jobs = cluster.jobs()
    print(
        f"workflow through SLURM: {len(jobs) - 1} SLURM jobs in {slurm_seconds:.0f} s "
        f"(local run alongside: {time.monotonic() - t0:.0f} s in all)"
    )
    return {
        "local": local,
        "slurm": slurm,
        "output": slurm_out,
        "jobs": jobs,
        "local_jobs": JOB_LINE.findall(local_out),
        "seconds": slurm_seconds,
    }


@pytest.mark.slurm
def test_every_job_ran_as_a_completed_slurm_job(runs):
    jobs = runs["jobs"]
    found = submissions(runs["output"])
    assert len(found) == len(jobs) - 1, runs["output"][-4000:]  # the srun probe is one more
    workflow_jobs = [j for j in jobs if j["comment"].startswith("rule_")]
    assert len(workflow_jobs) == len(found)
    assert {j["state"] for j in workflow_jobs} == {"COMPLETED"}, workflow_jobs
    # the same jobs as the local run, every one of them inside a SLURM job
    ran = sorted(JOB_LINE.findall(runs["output"]))
    assert sorted(r for r in ran if r != "all") == sorted(
        r for r in runs["local_jobs"] if r != "all"
    )
    assert SLURM_RULES <= set(ran)
    # one ingest job per unit-year (a checkpoint, its own SLURM job), then one group job per
    # unit for everything after it (the sample's years depend on each other: one job), and
    # one for the recap: at most two SLURM jobs per unit-year
    validated = sorted(
        j["comment"] for j in workflow_jobs if j["comment"].startswith("rule_validate_responses_")
    )
    assert validated == [
        "rule_validate_responses_wildcards_biro-hukum_2023",
        "rule_validate_responses_wildcards_biro-umum_2022",
        "rule_validate_responses_wildcards_biro-umum_2023",
    ]
    counts = per_unit_year(found)
    print(f"SLURM jobs per unit-year, fresh run: {dict(counts)}; {len(found)} in all")
    assert set(counts) == UNIT_YEARS and all(n <= 2 for n in counts.values()), counts
    assert len(found) == 3 + 2 + 1, found  # 3 ingests, 2 units, 1 recap
    # every job inside a group job still writes its benchmark file, as in the local run
    benchmarks = {
        root: sorted(p.relative_to(root).as_posix() for p in (root / "benchmarks").rglob("*.tsv"))
        for root in (runs["local"], runs["slurm"])
    }
    assert benchmarks[runs["slurm"]] == benchmarks[runs["local"]]
    assert "benchmarks/biro-umum/2022/render_tindak_lanjut.tsv" in benchmarks[runs["slurm"]]
    assert len(benchmarks[runs["slurm"]]) == len([r for r in ran if r != "all"])


@pytest.mark.slurm
def test_slurm_run_is_byte_identical_to_local_run(runs):
    local, slurm = outputs(runs["local"]), outputs(runs["slurm"])
    assert local.keys() == slurm.keys()
    assert {
        "reports/rekap/2023/rekap-ikm-2023.pdf",
        f"reports/{SECOND_UNIT}/2023/laporan-skm-{SECOND_UNIT}-2023.pdf",
        "reports/biro-umum/2022/laporan-tindak-lanjut-biro-umum-2022.pdf",
        f"data/processed/{SECOND_UNIT}/2023/ikm.json",
    } <= local.keys()
    differing = sorted(p for p in local if local[p] != slurm[p])
    assert not differing, f"differ between the local and the SLURM run: {differing}"


@pytest.mark.slurm
def test_resumed_run_submits_only_what_is_missing(runs, cluster):
    """A run stopped after the ingest (of SECOND_UNIT: its processed files but the ingest's
    gone, no documents) and started again: one SLURM job for that unit-year, one for the
    recap (it reads the unit's ikm.json), none for the other unit; outputs as before."""
    slurm = runs["slurm"]
    before = outputs(slurm)
    kept = {"responses.csv", "rejected.csv", "quality.json", "settings.json"}
    for path in sorted((slurm / "data" / "processed" / SECOND_UNIT / "2023").iterdir()):
        if path.name not in kept:
            shutil.rmtree(path) if path.is_dir() else path.unlink()
    shutil.rmtree(slurm / "reports" / SECOND_UNIT)
    out = finish(snakemake(slurm, *SLURM_ARGS), timeout=600)
    found = submissions(out)
    counts = per_unit_year(found)
    print(f"SLURM jobs per unit-year, resumed run: {dict(counts)}; {len(found)} in all")
    assert counts == {(SECOND_UNIT, "2023"): 1}, counts
    assert len(found) == 2, out[-4000:]  # the unit-year's group job and the recap's
    assert "validate_responses" not in JOB_LINE.findall(out)
    assert outputs(slurm) == before


def test_profile_sizes_every_rule_and_only_real_rules(tmp_path):
    """Snakemake ignores set-resources of a rule that does not exist: a misspelt or renamed
    rule would silently fall back to the defaults. A new rule must be sized here too."""
    profile = yaml.safe_load(PROFILE.read_text(encoding="utf-8"))
    assert profile["executor"] == "slurm"
    assert {"mem_mb", "runtime"} <= set(profile["default-resources"])
    root = copy_project(tmp_path / "proyek", sample=False)
    out = subprocess.run(
        [sys.executable, "-m", "snakemake", "--list-rules"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    ).stdout
    rules = {line.strip() for line in out.splitlines() if line.strip()} - {"all"}
    assert set(profile["set-resources"]) == rules
