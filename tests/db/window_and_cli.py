"""The window and the command line on one base, as users and administrators do (issue 12).

A window process (tests/db/window_process.py: the window's start-up, services and automatic
backups) saves; between its saves the real command line runs `backup`, `export`, `check`
and `audit verify` in other processes; then another process reads the value the window
saved last. Some command-line runs and some window sessions are killed with SIGKILL at a
random moment. Counted: stale reads, lost acknowledged saves, the base's -wal/-shm shown
"(deleted)" in the window's descriptors, failed backups (automatic and at close).

Command-line processes are forked from this process after `main` was imported (fork costs
milliseconds, a fresh Python a second); they run `main.main(argv)`, the code `uv run main.py`
runs. This process itself never opens the base.

    uv run python -m tests.db.window_and_cli BASE.sqlite3 [ROUNDS] [SEED] [WINDOW_KILL_EVERY]   # figures as JSON
"""
from __future__ import annotations

import json
import os
import random
import select
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class Window:
    def __init__(self, path: str):
        self.process = subprocess.Popen([sys.executable, "-m", "tests.db.window_process", path], cwd=ROOT,
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
                                        env=dict(os.environ, QT_QPA_PLATFORM="offscreen"))
        first = self.process.stdout.readline().strip()
        if first != "ready":
            raise RuntimeError(f"the window did not start: {first!r}")

    def send(self, line: str) -> None:
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def ask(self, line: str) -> str:
        self.send(line)
        return self.process.stdout.readline().strip()

    def kill(self) -> str:
        """SIGKILL; returns what the window had already answered (an acknowledgement may be in the pipe)."""
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()
        return self.process.stdout.read()


def run_main(argv: list[str], kill_after: float | None = None) -> tuple[int | None, str]:
    """Fork a command-line run of main.main(argv): (exit code, or None when killed; its output)."""
    import main as application

    read_end, write_end = os.pipe()
    child = os.fork()
    if child == 0:
        os.close(read_end)
        os.dup2(write_end, 1)
        os.dup2(write_end, 2)
        code = 99
        try:
            code = application.main(argv)
        finally:
            sys.stdout.flush()
            sys.stderr.flush()
            os._exit(code)
    os.close(write_end)
    if kill_after is not None:
        ready, _, _ = select.select([read_end], [], [], kill_after)
        os.kill(child, signal.SIGKILL)
    output = b""
    while chunk := os.read(read_end, 65536):
        output += chunk
    os.close(read_end)
    _, status = os.waitpid(child, 0)
    code = None if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
    return code, output.decode("utf-8", "replace")


def read_name(path: str) -> str:
    """What another process reads of the value the window saves (the PDF header's service name)."""
    code, output = run_main(["--db", path, "pdf", "en-tete"])
    for line in output.splitlines():
        if line.startswith("Nom : "):
            return line[len("Nom : "):]
    return f"<lecture impossible, code {code} : {output[-300:]}>"


def warm_up() -> None:
    """Import and configure here, once, what every forked command would otherwise redo (the base is not opened)."""
    import importlib

    from sqlalchemy.orm import configure_mappers

    for name in ("main", "core.exports", "core.pdf.service", "core.audit", "core.backups", "db.reference",
                 "db.models", "core.commands.export", "core.commands.pdf"):
        importlib.import_module(name)
    configure_mappers()


def run_rounds(path: str, rounds: int, seed: int = 1, window_kill_every: int = 6) -> dict:
    warm_up()

    rng = random.Random(seed)
    out = Path(path).with_name("export.csv")
    stats = {"rounds": rounds, "saves": 0, "stale_reads": 0, "lost_saves": 0, "deleted_descriptors": 0,
             "cli_runs": 0, "cli_kills": 0, "window_kills": 0, "failed_automatic_backups": 0, "problems": []}
    started = time.perf_counter()
    window = Window(path)
    last_ack = None
    commands = [["backup"], ["export", "--format", "csv", "-o", str(out)], ["check"], ["audit", "verify"]]
    for round_number in range(rounds):
        for step in ("a", "b"):
            value = f"Service {round_number}{step}"
            answer = window.ask(f"save {value}")
            if answer != f"saved {value}":
                stats["problems"].append(f"round {round_number}: save answered {answer!r}")
            last_ack = value
            stats["saves"] += 1
            if step == "a":
                victim = rng.choice([0, 1, None, None])  # a backup or an export killed now and then
                for index, command in enumerate(commands):
                    kill_after = rng.uniform(0.0, 0.15) if index == victim else None
                    code, output = run_main(["--db", path, *command], kill_after)
                    stats["cli_runs"] += 1
                    if code is None:
                        stats["cli_kills"] += 1
                    elif code != 0:
                        stats["problems"].append(f"round {round_number}: {command[0]} exit {code}: {output[-400:]}")
        if read_name(path) != last_ack:
            stats["stale_reads"] += 1
            stats["problems"].append(f"round {round_number}: read {read_name(path)!r}, saved {last_ack!r}")
        backup = window.ask("backup")
        if not backup.startswith("backup /"):
            stats["failed_automatic_backups"] += 1
            stats["problems"].append(f"round {round_number}: {backup}")
        descriptors = window.ask("fds")
        if not descriptors.startswith("fds 0"):
            stats["deleted_descriptors"] += 1
            stats["problems"].append(f"round {round_number}: {descriptors}")
        if window_kill_every and round_number % window_kill_every == window_kill_every - 1:
            value = f"Service {round_number}c"
            window.send(f"save {value}")  # killed during or just after this save
            time.sleep(rng.uniform(0.0, 0.05))
            if f"saved {value}" in window.kill():
                last_ack = value  # acknowledged before the kill: it must be there
            stats["window_kills"] += 1
            now = read_name(path)
            if now not in (last_ack, value):
                stats["lost_saves"] += 1
                stats["problems"].append(f"round {round_number}: after the kill read {now!r}, saved {last_ack!r}")
            window = Window(path)
    stats["close"] = window.ask("close")
    window.process.wait(timeout=60)
    code, output = run_main(["--db", path, "check", "--complet"])
    stats["final_check"] = "ok" if code == 0 else output[-400:]
    if stats["close"].startswith("closed /"):
        from db.backup import verify_backup

        stats["close_backup_verified"] = verify_backup(Path(stats["close"].split(" ", 1)[1])).ok
    stats["seconds"] = round(time.perf_counter() - started, 1)
    return stats


if __name__ == "__main__":
    numbers = [int(value) for value in sys.argv[2:5]]
    figures = run_rounds(os.path.realpath(sys.argv[1]), *numbers) if numbers else run_rounds(sys.argv[1], 50)
    print(json.dumps(figures, ensure_ascii=False, indent=1))
