"""Cases imported from the national platform « Signal Logement »: external reference and the platform's words.

Revision ID: 0004_external_reference
Revises: 0003_reference_counters
Create Date: 2026-11-29 20:35:00
"""
import sqlalchemy as sa
from alembic import op

revision = "0004_external_reference"
down_revision = "0003_reference_counters"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("external_source", sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column("external_reference", sa.String(length=40), nullable=True))
        batch_op.create_unique_constraint("uq_cases_external_reference", ["external_source", "external_reference"])
    op.create_table(
        "case_external_records",
        sa.Column("case_id", sa.Integer(), nullable=False),
        sa.Column("platform_status", sa.String(length=80), nullable=False),
        sa.Column("platform_closure_reason", sa.String(length=200), nullable=False),
        sa.Column("platform_closure_comment", sa.Text(), nullable=False),
        sa.Column("unmatched_disorders", sa.Text(), nullable=False),
        sa.Column("last_visit", sa.Text(), nullable=False),
        sa.Column("platform_updated_at", sa.DateTime(), nullable=True),
        sa.Column("imported_at", sa.DateTime(), nullable=False),
        sa.Column("fingerprints", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["case_id"], ["cases.id"], name=op.f("fk_case_external_records_case_id_cases"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("case_id", name=op.f("pk_case_external_records")),
    )


def downgrade() -> None:
    op.drop_table("case_external_records")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_constraint("uq_cases_external_reference", type_="unique")
        batch_op.drop_column("external_reference")
        batch_op.drop_column("external_source")
