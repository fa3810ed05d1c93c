"""The layers hold: gui -> core -> db, no Qt below gui, and screens read through core (import-linter contracts)."""
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def lint_output() -> tuple[int, str]:
    lint_imports = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint_imports), "--config", str(ROOT / "pyproject.toml")],
                            cwd=ROOT, capture_output=True, text=True)
    return result.returncode, result.stdout + result.stderr


def test_layers_and_no_qt_below_gui_hold(lint_output):
    _code, output = lint_output
    assert "Layers: gui -> core -> db KEPT" in output, output
    assert "No Qt below gui KEPT" in output, output


def test_every_contract_holds_including_no_sqlalchemy_in_gui(lint_output):
    code, output = lint_output
    assert code == 0, output
    assert "3 kept, 0 broken" in output


@pytest.mark.parametrize("module", ["gui.login_dialog", "gui.idle_lock"])
def test_the_window_start_up_has_no_import_cycle(module):
    """gui.app imports the login dialog and the idle lock; neither leads back to gui.app, not even through an
    import inside a function (grimp sees those too)."""
    import grimp

    graph = grimp.build_graph("gui", "core", "db")
    assert graph.find_shortest_chain(importer="gui.app", imported=module) is not None
    assert graph.find_shortest_chain(importer=module, imported="gui.app") is None
