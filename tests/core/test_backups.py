"""Automatic backups: the rotation over a simulated year, and when backups are made."""
from datetime import datetime, timedelta

from core.backups import AutoBackup, backup_folder, backups_to_keep, rotate, set_backup_folder
from db.backup import checksum_path, list_backups, new_backup_path


def simulate_year(start: datetime, days: int = 365, per_day=(9, 14, 17)) -> set[datetime]:
    """The app runs every weekday, backs up a few times a day, rotates after each backup."""
    kept: set[datetime] = set()
    for offset in range(days):
        day = start + timedelta(days=offset)
        if day.weekday() >= 5:
            continue  # office closed at weekends
        for hour in per_day:
            kept.add(day.replace(hour=hour))
            kept = backups_to_keep(sorted(kept))
    return kept


def test_rotation_over_a_simulated_year_keeps_12_days_10_weeks_9_months():
    start = datetime(2026, 1, 1)
    kept = sorted(simulate_year(start), reverse=True)
    assert len(kept) == 12 + 10 + 9
    newest = kept[0]
    assert newest == datetime(2026, 12, 31, 17)  # the last backup is always kept
    days = kept[:12]
    assert len({k.date() for k in days}) == 12  # one per day for the last 12 working days
    assert all(k.hour == 17 for k in days)  # the latest of each day
    # Then one per week with no gap for 10 more weeks (about 3 months covered week by week)…
    weeks = {tuple(k.isocalendar()[:2]) for k in kept}
    covered = sorted(w for w in weeks if w >= (2026, 41))
    assert covered == [(2026, n) for n in range(41, 54)]
    # …then one per month: 9 more months, each backup on a different day.
    assert len({k.date() for k in kept}) == 31
    assert len({(k.year, k.month) for k in kept if k < datetime(2026, 10, 9)}) == 8
    assert kept[-1] < newest - timedelta(days=300)  # the oldest reaches back about a year
    assert backups_to_keep(kept) == set(kept)  # rotating again deletes nothing


def test_rotation_keeps_everything_while_there_are_few_backups():
    dates = [datetime(2026, 3, 2, 10) + timedelta(hours=h) for h in range(0, 72, 24)]
    assert backups_to_keep(dates) == set(dates)


def test_rotate_deletes_files_and_spares_unverified_or_migration_ones(tmp_path):
    start = datetime(2026, 1, 1, 12)
    for day in range(60):
        path = new_backup_path(tmp_path, when=start + timedelta(days=day))
        path.write_bytes(b"x")
        checksum_path(path).write_text("0  x\n")
    unverified = new_backup_path(tmp_path, when=start - timedelta(days=400))
    unverified.write_bytes(b"x")
    for day in range(5):
        new_backup_path(tmp_path, "avant-migration-", start + timedelta(days=day)).write_bytes(b"x")
    deleted = rotate(tmp_path)
    remaining = list_backups(tmp_path)
    auto = [b for b in remaining if b.kind == "auto" and b.verified]
    assert len(auto) == len(backups_to_keep([start + timedelta(days=d) for d in range(60)]))
    assert unverified.exists()
    assert len([b for b in remaining if b.kind == "migration"]) == 3
    assert all(not p.exists() and not checksum_path(p).exists() for p in deleted)


def test_auto_backup_after_changes_at_most_every_30_minutes_and_at_close(db):
    auto = AutoBackup(db)
    assert not auto.due() and auto.on_close() is None  # nothing changed: no backup
    set_backup_folder(db, db.path.parent / "mes-sauvegardes")  # a write: now a backup is due
    assert backup_folder(db) == db.path.parent / "mes-sauvegardes"
    noon = datetime(2026, 11, 25, 12, 0)
    assert auto.due(noon)
    first = auto.maybe_run(noon)
    assert first is not None and first.parent == db.path.parent / "mes-sauvegardes"
    assert not auto.due(noon + timedelta(minutes=40))  # no change since
    set_backup_folder(db, db.path.parent / "mes-sauvegardes")
    assert not auto.due(noon + timedelta(minutes=10))  # changed, but too soon
    assert auto.due(noon + timedelta(minutes=31))
    closing = auto.on_close()  # at close, whatever the age of the last backup
    assert closing is not None and closing != first
    remaining = list_backups(closing.parent)
    assert remaining[0].path == closing and remaining[0].verified
    # Same day: the rotation keeps the newest of the day (unless both got the same second).
    assert len(remaining) == 1 or remaining[0].made_at == remaining[1].made_at


def test_a_killed_backup_leaves_no_backup_and_its_leftover_is_cleaned(db, tmp_path):
    import os
    import signal
    import subprocess
    import sys
    import textwrap
    import time
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    target = tmp_path / "sauvegardes" / "sauvegarde-20261125-120000.sqlite3"
    # A backup API copy that goes one page at a time, slowly, and is killed halfway.
    code = textwrap.dedent(f"""
        import sys, time
        sys.path.insert(0, {str(root)!r})
        from pathlib import Path
        from db.backup import copy_database
        from db.integrity import plain_connect

        class Slow:
            def __init__(self, connection):
                self.connection = connection
            def backup(self, target):
                print("copie", flush=True)
                self.connection.backup(target, pages=1, progress=lambda *a: time.sleep(0.05))
            def __getattr__(self, name):
                return getattr(self.connection, name)

        def connect(path, read_only):
            connection = plain_connect(path, read_only)
            return Slow(connection) if read_only else connection

        copy_database(Path({str(db.path)!r}), Path({str(target)!r}), connect)
    """)
    process = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert process.stdout.readline().strip() == "copie"
        time.sleep(0.3)
    finally:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    assert not target.exists() and list_backups(target.parent) == []
    leftovers = list(target.parent.glob("*.partiel"))
    assert leftovers
    old = time.time() - 7200
    for leftover in leftovers:
        os.utime(leftover, (old, old))
    rotate(target.parent)
    assert not list(target.parent.glob("*.partiel"))
