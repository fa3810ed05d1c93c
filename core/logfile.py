"""The application's log file: `mediation-habitat.log` in the log folder the README names (platformdirs).

Rotating (1 Mo, 5 old files kept), in French-readable lines with the date. The window
and the command line both write to it: backups made or failed, bases refused or found
damaged, unexpected errors with their traceback.
"""
from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from db.engine import log_dir

LOG_FILENAME = "mediation-habitat.log"
MAX_BYTES = 1_000_000
BACKUP_COUNT = 5


def log_path() -> Path:
    return log_dir() / LOG_FILENAME


def configure_log_file(level: int = logging.INFO) -> Path | None:
    """Send the application's log records to the rotating log file; None if the folder cannot be written."""
    target = log_path()
    root = logging.getLogger()
    for handler in list(root.handlers):
        if isinstance(handler, RotatingFileHandler):
            if Path(handler.baseFilename) == target:
                return target
            root.removeHandler(handler)  # another user folder (tests): follow it
            handler.close()
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(target, maxBytes=MAX_BYTES, backupCount=BACKUP_COUNT, encoding="utf-8")
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s : %(message)s"))
    root.addHandler(handler)
    if root.level > level or root.level == logging.NOTSET:
        root.setLevel(level)
    return target
