"""Postal addresses of partners, civility and title of users, search index folded by transliteration.

Revision ID: 0006_addresses_search
Revises: 0005_security
Create Date: 2026-11-29 20:40:00

The search index now stores its text transliterated (« Lœuillet » → « loeuillet »,
see db/search.py): the documents of existing bases are rebuilt here.
"""
from alembic import op
import sqlalchemy as sa
from sqlalchemy.orm import Session

revision = '0006_addresses_search'
down_revision = '0005_security'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.add_column(sa.Column('postcode', sa.String(length=5), server_default='', nullable=False))
        batch_op.add_column(sa.Column('city', sa.String(length=120), server_default='', nullable=False))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('civility', sa.String(length=4), server_default='', nullable=False))
        batch_op.add_column(sa.Column('job_title', sa.String(length=120), server_default='', nullable=False))
        batch_op.create_check_constraint('civility', "civility IN ('', 'Mme', 'M.')")
    from db.search import reindex_cases

    reindex_cases(Session(bind=op.get_bind()))


def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint('civility', type_='check')
        batch_op.drop_column('job_title')
        batch_op.drop_column('civility')
    with op.batch_alter_table('partners', schema=None) as batch_op:
        batch_op.drop_column('city')
        batch_op.drop_column('postcode')
