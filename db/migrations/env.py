"""Alembic environment: batch mode for SQLite, one transaction for the whole upgrade."""
from alembic import context

from db.engine import make_engine
from db.models import Base
from db.schema_extras import is_managed_outside_models

config = context.config


def include_object(obj, name, type_, reflected, compare_to):
    return not (type_ == "table" and is_managed_outside_models(name))


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=True,
        compare_type=True,
        include_object=include_object,
    )
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    raise SystemExit("Les migrations hors ligne ne sont pas prises en charge.")
run_migrations_online()
