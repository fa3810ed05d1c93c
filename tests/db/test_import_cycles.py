"""Issue 20: no import cycle hidden by imports inside functions in the storage layer (grimp sees those too)."""
import pytest


@pytest.fixture(scope="module")
def graph():
    import grimp

    return grimp.build_graph("gui", "core", "db")


@pytest.mark.parametrize("importer, imported", [("db.migrate", "db.backup"), ("db.open", "db.crypto"),
                                                ("db.open", "db.migrate"), ("db.engine", "db.integrity")])
def test_storage_modules_import_one_way(graph, importer, imported):
    assert graph.find_shortest_chain(importer=importer, imported=imported) is not None
    assert graph.find_shortest_chain(importer=imported, imported=importer) is None


def test_no_cycle_inside_db(graph):
    modules = sorted(m for m in graph.modules if m.startswith("db.") and not m.startswith("db.migrations"))
    for module in modules:
        for other in graph.find_modules_directly_imported_by(module):
            if other.startswith("db.") and other != module:
                assert graph.find_shortest_chain(importer=other, imported=module) is None, (module, other)
