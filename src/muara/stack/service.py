"""A server Muara starts in the background and stops again: Superset's gunicorn, ``airflow standalone``.

One pattern for both: the process runs in its own session (it outlives the command that started it, and stopping
signals its whole process group, children included), its pid goes to a pid file, its output to a log file, and it
counts as started only when its health check answers. A pid file whose process is gone, or whose pid the kernel
has since given to another program (checked against the command line), is treated as no server at all.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path


class ServiceError(RuntimeError):
    """The server cannot be started; the message says what to do."""


def port_busy(host: str, port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.settimeout(1.0)
        return s.connect_ex((host, port)) == 0


def answers(url: str, timeout: float = 3.0, check: Callable[[bytes], bool] | None = None) -> bool:
    """True when ``url`` answers 200 (and its body passes ``check``, when given)."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as resp:
            return bool(resp.status == 200 and (check is None or check(resp.read())))
    except (urllib.error.URLError, OSError, ValueError):
        return False


@dataclass(frozen=True)
class Service:
    name: str  # for messages: "Superset", "Airflow"
    pid_file: Path
    log_file: Path
    marker: str  # a word of the process's command line, so a recycled pid is never signalled

    def pid(self) -> int | None:
        """The running server's pid, or None."""
        try:
            pid = int(self.pid_file.read_text().strip())
        except (FileNotFoundError, ValueError):
            return None
        try:
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            return None
        return pid if self.marker in cmdline and _alive(pid) else None

    def start(
        self,
        args: list[str],
        *,
        env: dict[str, str],
        cwd: Path,
        ready: Callable[[], bool],
        timeout: float,
        hint: str = "",
    ) -> int:
        """Start ``args`` in its own session, wait until ``ready()`` (polled), return the pid. On exit or timeout
        the log's end goes into the error."""
        self.pid_file.parent.mkdir(parents=True, exist_ok=True)
        self.log_file.parent.mkdir(parents=True, exist_ok=True)
        # the log may print secrets (Airflow's standalone prints the admin's password): the service's user only
        self.log_file.touch(mode=0o600, exist_ok=True)
        self.log_file.chmod(0o600)
        with self.log_file.open("a", encoding="utf-8") as log:
            log.write(f"\n=== {time.strftime('%Y-%m-%d %H:%M:%S')} {' '.join(args[:3])}\n")
            log.flush()
            proc = subprocess.Popen(
                args,
                env=env,
                cwd=cwd,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # outlives the command that started it; stop signals the whole group
                umask=0o077,  # what the server writes (generated passwords, logs, task logs) is its user's alone
            )
        self.pid_file.write_text(f"{proc.pid}\n")
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                self.pid_file.unlink(missing_ok=True)
                raise ServiceError(
                    f"{self.name} exited ({proc.returncode}) while starting; {self.log_file} ends:\n{self.tail()}"
                )
            if ready():
                return proc.pid
            time.sleep(0.5)
        self.stop()
        raise ServiceError(
            f"{self.name} did not answer within {timeout:.0f} s{hint}; {self.log_file} ends:\n{self.tail()}"
        )

    def stop(self, timeout: float = 30.0) -> bool:
        """SIGTERM to the process group, SIGKILL after ``timeout``. False when no server ran."""
        pid = self.pid()
        if pid is None:
            self.pid_file.unlink(missing_ok=True)
            return False
        with contextlib.suppress(ProcessLookupError):
            os.killpg(pid, signal.SIGTERM)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if not _group_alive(pid):
                break
            time.sleep(0.2)
        else:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
        self.pid_file.unlink(missing_ok=True)
        return True

    def tail(self, chars: int = 3000) -> str:
        try:
            return self.log_file.read_text(encoding="utf-8", errors="replace")[-chars:]
        except FileNotFoundError:
            return "(no log)"


def _alive(pid: int) -> bool:
    with contextlib.suppress(ChildProcessError):  # reap it when this process started it (start, then stop)
        os.waitpid(pid, os.WNOHANG)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    try:  # a zombie is gone for our purposes
        return Path(f"/proc/{pid}/stat").read_text().split()[2] != "Z"
    except OSError:
        return False


def _group_alive(pgid: int) -> bool:
    """Whether any process of the group still runs (the leader can exit before its children)."""
    _alive(pgid)  # reap the leader if it is our child
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":  # fields after the name: state, ppid, pgrp
            return True
    return False
