"""annotations

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01 16:45:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import sync.server.models.base

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "annotation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("file_id", sa.Integer(), nullable=True),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("visibility", sa.String(length=20), nullable=False),
        sa.Column("faction_ids", sa.String(length=500), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("created", sync.server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("modified", sync.server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_annotation_author_id_user_account")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_annotation")),
        sa.UniqueConstraint("uuid", name=op.f("uq_annotation_uuid")),
    )
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_annotation_author_id"), ["author_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_annotation_file_id"), ["file_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("annotation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_annotation_file_id"))
        batch_op.drop_index(batch_op.f("ix_annotation_author_id"))
    op.drop_table("annotation")
