"""Issue 12: a window saving while the command line backs up, exports and checks the same base.

The sequence is tests/db/window_and_cli.py. In the suite it runs a few rounds (about 20 s)
with one window killed; the figures of the 50-round run come from the same code:

    MH_WINDOW_CLI_ROUNDS=50 uv run pytest -n 0 tests/db/test_window_and_cli.py
    uv run python -m tests.db.window_and_cli BASE.sqlite3 50      # prints the figures
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ROUNDS = int(os.environ.get("MH_WINDOW_CLI_ROUNDS", "3"))

pytestmark = [pytest.mark.stress, pytest.mark.slow, pytest.mark.skipif(not Path("/proc/self/fd").is_dir() or not hasattr(os, "fork"),
                                                   reason="needs fork and /proc (Linux)")]


def test_window_and_command_line_share_a_base_without_stale_reads_or_lost_saves(demo_db, db_path):
    demo_db.dispose()
    kill_every = 2 if ROUNDS < 10 else 6
    result = subprocess.run([sys.executable, "-m", "tests.db.window_and_cli", str(db_path), str(ROUNDS), "12",
                             str(kill_every)], cwd=ROOT, capture_output=True, text=True, timeout=60 + 15 * ROUNDS)
    assert result.returncode == 0, result.stderr[-3000:]
    figures = json.loads(result.stdout[result.stdout.index("{"):])
    print(json.dumps(figures, ensure_ascii=False))
    assert figures["problems"] == []
    assert figures["stale_reads"] == figures["lost_saves"] == figures["deleted_descriptors"] == 0
    assert figures["failed_automatic_backups"] == 0
    assert figures["window_kills"] >= 1 and figures["cli_runs"] == 4 * ROUNDS
    assert figures["close"].startswith("closed /") and figures["close_backup_verified"]
    assert figures["final_check"] == "ok"
