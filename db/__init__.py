"""Persistence layer: SQLAlchemy models, engine, sessions, migrations. No Qt, no core."""
