"""Where the cores went during a stretch of a benchmark: the machine's busy time and that of named groups of
processes, read from /proc (Linux), in cores (CPU seconds over wall seconds).

The load client, the server and the databases share one small machine with anything else that runs on it
(another engineer's tests, say): what the named groups do not account for is "anything else", and a large
share of it means the run was disturbed.
"""

import os
import time
from pathlib import Path

PROC = Path("/proc")
TICK = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def machine_seconds():
    """CPU seconds the machine has spent busy (not idle, not waiting on I/O) since it started."""
    fields = [int(value) for value in (PROC / "stat").read_text().split("\n", 1)[0].split()[1:9]]
    user, nice, system, idle, iowait, irq, softirq, steal = fields + [0] * (8 - len(fields))
    return (user + nice + system + irq + softirq + steal) / TICK


def process_seconds(pid):
    """CPU seconds process ``pid`` has used (all its threads), or 0 when it is gone."""
    try:
        text = (PROC / str(pid) / "stat").read_text()
    except OSError:
        return 0.0
    fields = text.rsplit(")", 1)[1].split()  # after the command's name, which may hold spaces
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def command_lines():
    """{pid: command line} of every process that can be read."""
    lines = {}
    for entry in PROC.iterdir():
        if entry.name.isdigit():
            try:
                lines[int(entry.name)] = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
            except OSError:
                continue
    return lines


def postgres_processes(lines, database):
    """PostgreSQL's backends for ``database`` and its background processes (WAL writer, checkpointer, …):
    not the backends of any other database."""
    found = []
    for pid, line in lines.items():
        if not line.startswith("postgres:"):
            continue
        backend = "(" in line or "[local]" in line  # "postgres: 15/main: user database 127.0.0.1(5555) idle"
        if not backend or f" {database} " in line:
            found.append(pid)
    return found


class Meter:
    """CPU used between ``start`` and ``stop`` by the machine and by each group of processes, as
    {name: [pid]}; the processes are named before the stretch begins, so that starting is quick."""

    def __init__(self, groups):
        self.groups = groups
        self._began = None

    def _read(self):
        return (
            time.perf_counter(),
            machine_seconds(),
            {pid: process_seconds(pid) for pids in self.groups.values() for pid in pids},
        )

    def start(self):
        self._began = self._read()

    def stop(self):
        (wall0, machine0, pids0), (wall1, machine1, pids1) = self._began, self._read()
        wall = wall1 - wall0
        if wall <= 0:
            return None
        cores = {}
        for name, pids in self.groups.items():
            # A process gone before the end counts for nothing, rather than for less than nothing.
            used = sum(max(pids1[pid] - pids0[pid], 0.0) for pid in pids)
            cores[name] = round(used / wall, 2)
        machine = (machine1 - machine0) / wall
        return {
            "cpus": os.cpu_count(),
            "machine": round(machine, 2),
            **cores,
            "anything else": round(max(machine - sum(cores.values()), 0.0), 2),
        }
