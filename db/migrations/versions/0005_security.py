"""Security: keyed audit chain (details digest, key id), redaction-only audit updates, login throttles.

Revision ID: 0005_security
Revises: 0004_external_reference
Create Date: 2026-11-29 20:45:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0005_security"
down_revision = "0004_external_reference"
branch_labels = None
depends_on = None

# The personal text of an event may be replaced by this marker (anonymisation), nothing else may change.
REDACTED = "(anonymisé)"

_SQLITE_NO_UPDATE = """
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
WHEN NEW.id IS NOT OLD.id OR NEW.occurred_at IS NOT OLD.occurred_at OR NEW.user_id IS NOT OLD.user_id
  OR NEW.user_login IS NOT OLD.user_login OR NEW.action IS NOT OLD.action OR NEW.entity IS NOT OLD.entity
  OR NEW.entity_id IS NOT OLD.entity_id OR NEW.prev_hash IS NOT OLD.prev_hash OR NEW.hash IS NOT OLD.hash
  OR NEW.details_digest IS NOT OLD.details_digest OR NEW.key_id IS NOT OLD.key_id
  OR instr(NEW.details, '(anonymisé)') = 0
BEGIN SELECT RAISE(ABORT, 'Le journal d''audit ne peut pas être modifié.'); END
"""
_SQLITE_OLD_NO_UPDATE = """
CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
BEGIN SELECT RAISE(ABORT, 'Le journal d''audit ne peut pas être modifié.'); END
"""


def _postgres_guard(update_rule: str) -> str:
    return f"""
    CREATE OR REPLACE FUNCTION audit_events_guard() RETURNS trigger AS $$
    DECLARE months integer;
    BEGIN
        IF TG_OP = 'UPDATE' THEN
            {update_rule}
        END IF;
        SELECT GREATEST(6, COALESCE(CAST(value AS integer), 12)) INTO months FROM settings
            WHERE key = 'audit_retention_months';
        IF months IS NULL THEN months := 12; END IF;
        IF OLD.occurred_at > now() - make_interval(months => months) THEN
            RAISE EXCEPTION 'Le journal d''audit ne peut pas être effacé avant la fin de sa durée de conservation.';
        END IF;
        RETURN OLD;
    END $$ LANGUAGE plpgsql
    """


_POSTGRES_REDACT_ONLY = """
            IF (NEW.id, NEW.occurred_at, NEW.user_id, NEW.user_login, NEW.action, NEW.entity, NEW.entity_id,
                NEW.prev_hash, NEW.hash, NEW.details_digest, NEW.key_id)
               IS DISTINCT FROM (OLD.id, OLD.occurred_at, OLD.user_id, OLD.user_login, OLD.action, OLD.entity,
                OLD.entity_id, OLD.prev_hash, OLD.hash, OLD.details_digest, OLD.key_id)
               OR position('(anonymisé)' in NEW.details) = 0 THEN
                RAISE EXCEPTION 'Le journal d''audit ne peut pas être modifié.';
            END IF;
            RETURN NEW;"""
_POSTGRES_NO_UPDATE = "RAISE EXCEPTION 'Le journal d''audit ne peut pas être modifié.';"


def upgrade() -> None:
    op.create_table(
        "login_throttles",
        sa.Column("key", sa.String(length=120), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("locked_until", sa.DateTime(), nullable=True),
        sa.Column("last_failure_at", sa.DateTime(), nullable=True),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_login_throttles")),
    )
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("details_digest", sa.String(length=64), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("key_id", sa.String(length=32), nullable=False, server_default=""))
    if sqlite:
        op.execute(_SQLITE_NO_UPDATE)
    else:
        op.execute(_postgres_guard(_POSTGRES_REDACT_ONLY))


def downgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        op.execute("DROP TRIGGER IF EXISTS audit_events_no_update")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_column("key_id")
        batch_op.drop_column("details_digest")
    if sqlite:
        op.execute(_SQLITE_OLD_NO_UPDATE)
    else:
        op.execute(_postgres_guard(_POSTGRES_NO_UPDATE))
    op.drop_table("login_throttles")
