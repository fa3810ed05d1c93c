"""Households of one surname are listed by first name: the sort index gains the first name.

Revision ID: 0009_household_sort_first_name
Revises: 0008_list_sort_indexes
Create Date: 2026-11-30 06:10:00
"""
from alembic import op
import sqlalchemy as sa


revision = '0009_household_sort_first_name'
down_revision = '0008_list_sort_indexes'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index('ix_households_sort_name', table_name='households')
    op.create_index('ix_households_sort_name', 'households',
                    [sa.text('lower(last_name)'), sa.text('lower(first_name)'), 'id'], unique=False)


def downgrade() -> None:
    op.drop_index('ix_households_sort_name', table_name='households')
    op.create_index('ix_households_sort_name', 'households', [sa.text('lower(last_name)'), 'id'], unique=False)
