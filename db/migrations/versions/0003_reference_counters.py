"""Per-year counters of case references, taken atomically by the creating transaction.

Revision ID: 0003_reference_counters
Revises: 0002
Create Date: 2026-11-29 20:55:00
"""
import sqlalchemy as sa
from alembic import op

revision = '0003_reference_counters'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        'reference_counters',
        sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('last_number', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('year', name=op.f('pk_reference_counters')),
    )
    # Existing bases: each year starts from its highest reference (fixed-width numbers sort as text).
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT substr(reference, 1, 4), max(reference) FROM cases GROUP BY substr(reference, 1, 4)")).all()
    counters = []
    for year, last in rows:
        number = last[5:] if last else ""
        if year and year.isdigit() and number.isdigit():
            counters.append({"year": int(year), "last_number": int(number)})
    if counters:
        op.bulk_insert(sa.table('reference_counters', sa.column('year', sa.Integer),
                                sa.column('last_number', sa.Integer)), counters)


def downgrade() -> None:
    op.drop_table('reference_counters')
