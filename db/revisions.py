"""The revision graph of our migrations, read from the revision files without importing Alembic.

Shared by db.migrate (what to run) and db.identity (is a file a base of ours, of a
version we know): neither needs the other to know the revisions.
"""
from __future__ import annotations

import ast
from functools import lru_cache
from pathlib import Path

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def revision_graph() -> dict[str, str | None]:
    """revision -> down_revision (read at each call from MIGRATIONS_DIR, which tests may point elsewhere)."""
    return _read_revision_graph(MIGRATIONS_DIR)


@lru_cache(maxsize=4)
def _read_revision_graph(directory: Path) -> dict[str, str | None]:
    graph = {}
    for path in sorted((directory / "versions").glob("*.py")):
        values = {}
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                if node.targets[0].id in ("revision", "down_revision"):
                    values[node.targets[0].id] = ast.literal_eval(node.value)
        if "revision" in values:
            graph[values["revision"]] = values.get("down_revision")
    return graph


def head_revision() -> str:
    graph = revision_graph()
    heads = set(graph) - set(graph.values())
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def known_revisions() -> set[str]:
    return set(revision_graph())
