"""The case list sorted by household name or by address reads an index instead of sorting every case.

Revision ID: 0008_list_sort_indexes
Revises: 0007_laptop_checkouts
Create Date: 2026-11-30 02:30:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0008_list_sort_indexes'
down_revision = '0007_laptop_checkouts'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index('ix_households_sort_name', 'households', [sa.text('lower(last_name)'), 'id'], unique=False)
    op.create_index('ix_dwellings_sort_street', 'dwellings', [sa.text('lower(street)'), 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_dwellings_sort_street', table_name='dwellings')
    op.drop_index('ix_households_sort_name', table_name='households')
