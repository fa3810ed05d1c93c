"""The instance lock tells whether the previous session closed cleanly, so start-up checks only when needed."""
import os

from db.instance_lock import InstanceLock


def test_first_use_counts_as_unclean(tmp_path):
    lock = InstanceLock.acquire(tmp_path / "base.sqlite3")
    assert lock.clean_before is False
    lock.release()


def test_released_lock_means_a_clean_close(tmp_path):
    InstanceLock.acquire(tmp_path / "base.sqlite3").release()
    lock = InstanceLock.acquire(tmp_path / "base.sqlite3")
    assert lock.clean_before is True
    lock.release()


def test_a_killed_session_is_detected(tmp_path):
    InstanceLock.acquire(tmp_path / "base.sqlite3").release()
    crashed = InstanceLock.acquire(tmp_path / "base.sqlite3")
    os.close(crashed._fd)  # what the OS does when the process is killed: the lock drops, the note stays
    crashed._fd = None
    lock = InstanceLock.acquire(tmp_path / "base.sqlite3")
    assert lock.clean_before is False
    lock.release()
