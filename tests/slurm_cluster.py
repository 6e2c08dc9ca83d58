"""A throw-away single-node SLURM cluster on localhost, for tests/test_slurm.py.

    python tests/slurm_cluster.py install       Debian's slurmctld, slurmd, slurm-client and
                                                munge (apt-get, root), unless already there
    python tests/slurm_cluster.py start DIR     write /etc/slurm/slurm.conf (marked as ours),
                                                start munged (if none answers), slurmctld and
                                                slurmd, wait until the node runs a job step
    python tests/slurm_cluster.py stop DIR      cancel the cluster's jobs, stop the daemons
                                                `start` started (by PID), remove what it wrote

The test uses the same code as a context manager (``with Cluster(dir) as c: ...``): the daemons
are then children of the test process, stopped and reaped by it even when the test fails.
slurm.conf names the process the cluster serves (the test process; for `start`, the calling
shell): while it lives, another `start` refuses (CannotRun) instead of taking the cluster over;
once it is gone (killed before it could clean up), the next `start` stops the daemons it
left, by the PIDs recorded in its DIR, and replaces the file.
Exit status 77 (exception CannotRun): this machine cannot run the cluster (not root, no
apt-get, the packages cannot be installed, a SLURM configuration this file did not write).

Everything stays on loopback: the controller and the node bind 127.0.0.1
(CommunicationParameters=NoInAddrAny,NoCtldInAddrAny). No systemd: the daemons run in the
foreground of processes started here. No accounting database: job states come from slurmctld,
which keeps finished jobs for MinJobAge = 600 s, so snakemake must run with
``--slurm-status-command squeue``. The configuration must be /etc/slurm/slurm.conf: the
plugin's job step drops SLURM_CONF from the environment of its inner ``srun``. Every probe
(sinfo, munge, srun) has a timeout: SLURM clients retry for minutes when a daemon is down.
DIR holds the state, spool and logs, and the record of what was started and written.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Self

MARKER = "# skm-test-cluster: written by tests/slurm_cluster.py, removed when the cluster stops"
DIR_LINE = "# skm-test-cluster-dir: "
OWNER_LINE = "# skm-test-cluster-owner: "  # pid and start time of the process using the cluster
CONF_DIR = Path("/etc/slurm")
CONF = CONF_DIR / "slurm.conf"
MUNGE_KEY = Path("/etc/munge/munge.key")
PACKAGES = ("slurmctld", "slurmd", "slurm-client", "munge")
PROGRAMS = (
    "slurmctld",
    "slurmd",
    "sbatch",
    "squeue",
    "scontrol",
    "srun",
    "sinfo",
    "scancel",
    "munged",
    "munge",
    "unmunge",
)
PROBE_TIMEOUT = 5  # seconds for one sinfo/squeue/munge probe
READY_TIMEOUT = 60  # seconds for the whole cluster to come up
STOP_TIMEOUT = 15  # seconds a daemon gets between SIGTERM and SIGKILL


class CannotRun(Exception):
    """This machine cannot run the test cluster; the message says why."""


class ClusterError(Exception):
    """The cluster did not come up or misbehaved; the message carries the daemons' logs."""


def _path() -> str:
    return os.environ.get("PATH", "/usr/bin:/bin") + ":/usr/sbin:/sbin"


def which(name: str) -> str | None:
    return shutil.which(name, path=_path())


def _env() -> dict[str, str]:
    env = dict(os.environ, PATH=_path())
    env.pop("SLURM_CONF", None)
    return env


def _probe(cmd: list[str], timeout: float = PROBE_TIMEOUT, **kw) -> subprocess.CompletedProcess:
    """Run a client command; a hung one counts as failed (returncode -1)."""
    try:
        return subprocess.run(
            cmd, capture_output=True, text=True, timeout=timeout, env=_env(), check=False, **kw
        )
    except subprocess.TimeoutExpired as exc:
        return subprocess.CompletedProcess(cmd, -1, "", f"timed out after {exc.timeout} s")


def installed() -> bool:
    return all(which(p) for p in PROGRAMS)


def install() -> str:
    """Install the packages unless present; return what was done. CannotRun if impossible."""
    if installed():
        return "SLURM and munge already installed"
    if os.geteuid() != 0:
        raise CannotRun("SLURM is not installed and installing it needs root")
    if not which("apt-get"):
        raise CannotRun("SLURM is not installed and there is no apt-get (Debian/Ubuntu only)")
    env = dict(_env(), DEBIAN_FRONTEND="noninteractive")
    cmd = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *PACKAGES]
    t0 = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
    if proc.returncode != 0:
        # missing or stale package lists: update them once and try again
        upd = subprocess.run(
            ["apt-get", "update", "-q"], capture_output=True, text=True, env=env, check=False
        )
        if upd.returncode != 0:
            raise CannotRun(f"apt-get update failed: {upd.stderr.strip()[-500:]}")
        proc = subprocess.run(cmd, capture_output=True, text=True, env=env, check=False)
        if proc.returncode != 0:
            raise CannotRun(
                f"apt-get install {' '.join(PACKAGES)} failed: {proc.stderr.strip()[-500:]}"
            )
    missing = [p for p in PROGRAMS if not which(p)]
    if missing:
        raise CannotRun(f"installed {' '.join(PACKAGES)} but {missing} are missing")
    return f"installed {' '.join(PACKAGES)} in {time.monotonic() - t0:.1f} s"


def _alive(pid: int, name: str) -> bool:
    """The process exists, is the program `name` and is no zombie."""
    try:
        comm = Path(f"/proc/{pid}/comm").read_text().strip()
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return comm == name[:15] and stat.rsplit(")", 1)[1].split()[0] != "Z"


def _process_id(pid: int) -> str | None:
    """'<pid> <start time>' of a running process (a pid alone could have been reused)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat.rsplit(")", 1)[1].split()
    return None if fields[0] == "Z" else f"{pid} {fields[19]}"


def ours(conf: Path = CONF) -> bool:
    try:
        return MARKER in conf.read_text(encoding="utf-8").splitlines()
    except OSError:
        return False


class Cluster:
    """The single-node cluster whose state, logs and records live in `folder`."""

    def __init__(self, folder: str | os.PathLike, owner: int | None = None):
        self.dir = Path(folder).resolve()
        # the process the cluster serves; while it lives, another start leaves the cluster be
        self.owner = owner or os.getpid()
        self.procs: dict[str, subprocess.Popen] = {}
        self.node = ""
        self.start_seconds = 0.0

    # -- records (so that `stop DIR` from another process, or a later run, can clean up) ------

    @property
    def _pids(self) -> Path:
        return self.dir / "pids"

    @property
    def _created(self) -> Path:
        return self.dir / "created"

    def _record(self, path: Path, line: str) -> None:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(line + "\n")

    def _lines(self, path: Path) -> list[str]:
        try:
            return path.read_text(encoding="utf-8").splitlines()
        except OSError:
            return []

    # -- start ---------------------------------------------------------------------------------

    def start(self) -> float:
        """Bring the cluster up; return the seconds it took."""
        t0 = time.monotonic()
        if os.geteuid() != 0:
            raise CannotRun("starting munged, slurmctld and slurmd needs root")
        if not installed():
            raise CannotRun("SLURM/munge are not installed")
        self.dir.mkdir(parents=True, exist_ok=True)
        if CONF.exists():
            if not ours():
                raise CannotRun(f"{CONF} exists and was not written by this test; not touching it")
            self._take_over_stale()
        for sub in ("state", "spool", "log"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
        self._start_munge()
        self._write_conf()
        self._spawn("slurmctld", ["slurmctld", "-D", "-c"])
        self._spawn("slurmd", ["slurmd", "-D", "-N", "localhost"])
        self._wait_ready()
        self.start_seconds = time.monotonic() - t0
        return self.start_seconds

    def _take_over_stale(self) -> None:
        """slurm.conf of another run of this test. While the process it serves lives (another
        pytest session), leave it alone; if that process is gone (killed before it could clean
        up), stop the daemons recorded by PID in its folder and overwrite the file."""
        old, owner = None, None
        for line in CONF.read_text(encoding="utf-8").splitlines():
            if line.startswith(DIR_LINE):
                old = Path(line[len(DIR_LINE) :])
            elif line.startswith(OWNER_LINE):
                owner = line[len(OWNER_LINE) :].strip()
        if owner and _process_id(int(owner.split()[0])) == owner:
            raise CannotRun(
                f"another run of this test is using the SLURM test cluster "
                f"(process {owner.split()[0]}, {old})"
            )
        if old is not None and old != self.dir and old.is_dir():
            Cluster(old)._stop_recorded()
        self._record(self._created, str(CONF))

    def _spawn(self, name: str, cmd: list[str], **kw) -> subprocess.Popen:
        log = open(self.dir / "log" / f"{name}.out", "ab")  # noqa: SIM115 - kept by the child
        try:
            proc = subprocess.Popen(
                cmd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=_env(),
                start_new_session=True,
                **kw,
            )
        finally:
            log.close()
        self.procs[name] = proc
        self._record(self._pids, f"{proc.pid} {name}")
        time.sleep(0.2)
        if proc.poll() is not None:
            raise ClusterError(f"{name} exited at once ({proc.returncode}):\n{self._tail(name)}")
        return proc

    def _munge_works(self) -> bool:
        cred = _probe(["munge", "-n"])
        return cred.returncode == 0 and _probe(["unmunge"], input=cred.stdout).returncode == 0

    def _start_munge(self) -> None:
        if not MUNGE_KEY.exists():
            MUNGE_KEY.parent.mkdir(mode=0o700, exist_ok=True)
            shutil.chown(MUNGE_KEY.parent, "munge", "munge")
            MUNGE_KEY.write_bytes(os.urandom(1024))
            MUNGE_KEY.chmod(0o400)
            shutil.chown(MUNGE_KEY, "munge", "munge")
            self._record(self._created, str(MUNGE_KEY))
        if self._munge_works():
            return  # a munged already answers (the system's): use it, never stop it
        for folder, mode in (
            ("/run/munge", 0o755),
            ("/var/lib/munge", 0o700),
            ("/var/log/munge", 0o700),
        ):
            Path(folder).mkdir(mode=mode, parents=True, exist_ok=True)
            shutil.chown(folder, "munge", "munge")
        self._spawn(
            "munged", ["munged", "--foreground"], user="munge", group="munge", extra_groups=[]
        )
        deadline = time.monotonic() + 10
        while not self._munge_works():
            if time.monotonic() > deadline:
                raise ClusterError(f"munged does not answer:\n{self._tail('munged')}")
            time.sleep(0.1)

    def _write_conf(self) -> None:
        # this machine's real CPUs and memory, as slurmd sees them
        probe = _probe(["slurmd", "-C"], timeout=20)
        if probe.returncode != 0 or not probe.stdout.startswith("NodeName="):
            raise ClusterError(f"slurmd -C failed: {probe.stderr}")
        node = probe.stdout.splitlines()[0]
        self.node = re.sub(r"^NodeName=\S+", "NodeName=localhost NodeAddr=127.0.0.1", node)
        d = self.dir
        owner = _process_id(self.owner) or str(self.owner)
        text = f"""{MARKER}
{DIR_LINE}{d}
{OWNER_LINE}{owner}
ClusterName=skmtest
SlurmctldHost=localhost(127.0.0.1)
CommunicationParameters=NoInAddrAny,NoCtldInAddrAny
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
ReturnToService=2
# finished jobs stay visible to squeue (the plugin's status query) for 10 minutes
MinJobAge=600
StateSaveLocation={d}/state
SlurmdSpoolDir={d}/spool
SlurmctldPidFile={d}/slurmctld.pid
SlurmdPidFile={d}/slurmd.pid
SlurmctldLogFile={d}/log/slurmctld.log
SlurmdLogFile={d}/log/slurmd.log
{self.node} State=UNKNOWN
PartitionName=skmtest Nodes=localhost Default=YES MaxTime=INFINITE State=UP
"""
        if not CONF_DIR.is_dir():
            CONF_DIR.mkdir(mode=0o755, parents=True)
            self._record(self._created, f"{CONF_DIR}/")
        tmp = CONF_DIR / f".slurm.conf.skm-test-{os.getpid()}"
        tmp.write_text(text, encoding="utf-8")
        tmp.chmod(0o644)
        if str(CONF) not in self._lines(self._created):
            self._record(self._created, str(CONF))
        tmp.replace(CONF)

    def _wait_ready(self) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        state = ""
        while state != "idle":
            for name in ("slurmctld", "slurmd"):
                if self.procs[name].poll() is not None:
                    raise ClusterError(
                        f"{name} died ({self.procs[name].returncode}):\n{self._tail(name)}"
                    )
            if time.monotonic() > deadline:
                raise ClusterError(
                    f"node not idle after {READY_TIMEOUT} s (state {state!r}):\n"
                    f"{self._tail('slurmctld')}\n{self._tail('slurmd')}"
                )
            time.sleep(0.2)
            state = _probe(["sinfo", "-h", "-N", "-n", "localhost", "-o", "%T"]).stdout.strip()
        # one real job step, so that a broken cluster fails here and not inside snakemake
        srun = _probe(["srun", "-N", "1", "-n", "1", "--mem", "10", "-t", "1", "true"], timeout=30)
        if srun.returncode != 0:
            raise ClusterError(f"srun probe failed: {srun.stderr}\n{self._tail('slurmd')}")

    def _tail(self, name: str, n: int = 20) -> str:
        text = ""
        for f in (self.dir / "log" / f"{name}.out", self.dir / "log" / f"{name}.log"):
            lines = self._lines(f)
            if lines:
                text += f"--- {f}\n" + "\n".join(lines[-n:]) + "\n"
        return text

    # -- queries -------------------------------------------------------------------------------

    def jobs(self) -> list[dict[str, str]]:
        """Every job slurmctld still knows (finished ones for MinJobAge): id, state, comment,
        name (the plugin puts rule and wildcards in the comment, its run id in the name)."""
        out = _probe(["squeue", "-h", "-t", "all", "-o", "%i|%T|%j|%k"], timeout=15)
        if out.returncode != 0:
            raise ClusterError(f"squeue failed: {out.stderr}")
        keys = ("id", "state", "name", "comment")
        return [
            dict(zip(keys, line.split("|", 3), strict=True))
            for line in out.stdout.splitlines()
            if line.strip()
        ]

    # -- stop ----------------------------------------------------------------------------------

    def stop(self) -> None:
        """Cancel the cluster's jobs, stop its daemons, remove what start wrote. Idempotent."""
        if self._ctld_running() and ours():
            # only this cluster's jobs can be queued here; their slurmstepd outlive slurmd
            queued = _probe(["squeue", "-h", "-t", "PD,R,CG,S", "-o", "%i"]).stdout.split()
            if queued:
                _probe(["scancel", *queued])
                time.sleep(1)
        for name in ("slurmd", "slurmctld", "munged"):
            proc = self.procs.pop(name, None)
            if proc is None or proc.poll() is not None:
                continue
            proc.terminate()
            try:
                proc.wait(STOP_TIMEOUT)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        self._stop_recorded()
        self._remove_created()

    def _ctld_running(self) -> bool:
        proc = self.procs.get("slurmctld")
        if proc is not None:
            return proc.poll() is None
        return any(
            _alive(int(pid), name)
            for pid, _, name in (line.partition(" ") for line in self._lines(self._pids))
            if name == "slurmctld"
        )

    def _stop_recorded(self) -> None:
        """Stop daemons recorded in DIR/pids that are still running (another process's start)."""
        for line in reversed(self._lines(self._pids)):
            pid_text, _, name = line.partition(" ")
            pid = int(pid_text)
            if not _alive(pid, name):
                continue
            os.kill(pid, signal.SIGTERM)
            deadline = time.monotonic() + STOP_TIMEOUT
            while _alive(pid, name) and time.monotonic() < deadline:
                time.sleep(0.1)
            if _alive(pid, name):
                os.kill(pid, signal.SIGKILL)
        self._pids.unlink(missing_ok=True)

    def _remove_created(self) -> None:
        created = self._lines(self._created)
        for entry in created:
            if entry == str(CONF):
                # only while it is still ours and this cluster's
                if ours() and f"{DIR_LINE}{self.dir}" in CONF.read_text().splitlines():
                    CONF.unlink()
            elif entry == str(MUNGE_KEY):
                MUNGE_KEY.unlink(missing_ok=True)
        for tmp in CONF_DIR.glob(".slurm.conf.skm-test-*") if CONF_DIR.is_dir() else []:
            tmp.unlink(missing_ok=True)
        if f"{CONF_DIR}/" in created:
            try:
                CONF_DIR.rmdir()  # only if nothing else is in it
            except OSError:
                pass
        self._created.unlink(missing_ok=True)

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str]) -> int:
    try:
        if argv[:1] == ["install"] and len(argv) == 1:
            print(install(), file=sys.stderr)
        elif argv[:1] == ["start"] and len(argv) == 2:
            cluster = Cluster(argv[1], owner=os.getppid())  # the calling shell
            try:
                seconds = cluster.start()
            except BaseException:
                cluster.stop()
                raise
            print(f"cluster ready in {seconds:.1f} s ({cluster.node})", file=sys.stderr)
        elif argv[:1] == ["stop"] and len(argv) == 2:
            Cluster(argv[1]).stop()
        else:
            print(__doc__, file=sys.stderr)
            return 2
    except CannotRun as exc:
        print(f"slurm_cluster: cannot run here: {exc}", file=sys.stderr)
        return 77
    except ClusterError as exc:
        print(f"slurm_cluster: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
