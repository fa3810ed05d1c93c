"""Indexes for the indicators: visits done in a period, closures, confirmations per visit.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 22:01:22
"""
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('case_disorders', schema=None) as batch_op:
        batch_op.create_index('ix_case_disorders_visit_state', ['visit_id', 'state', 'item_id'], unique=False)
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cases_closed_on'), ['closed_on'], unique=False)
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.create_index('ix_visits_status_done_at', ['status', 'done_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('visits', schema=None) as batch_op:
        batch_op.drop_index('ix_visits_status_done_at')
    with op.batch_alter_table('cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cases_closed_on'))
    with op.batch_alter_table('case_disorders', schema=None) as batch_op:
        batch_op.drop_index('ix_case_disorders_visit_state')
