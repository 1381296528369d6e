"""deliveries

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 17:07:37.071169
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import sync.server.models.base

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "delivery",
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("first_complete_at", sync.server.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("current_complete_at", sync.server.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column("current_files", sa.Text(), nullable=False),
        sa.Column("first_opened_at", sync.server.models.base.UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "first_opened_received_at", sync.server.models.base.UTCDateTime(timezone=True), nullable=True
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"], ["meeting.id"], name=op.f("fk_delivery_meeting_id_meeting"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_delivery_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("meeting_id", "user_id", name=op.f("pk_delivery")),
    )
    op.create_table(
        "delivery_report",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("device_id", sa.Integer(), nullable=True),
        sa.Column("meeting_id", sa.Integer(), nullable=False),
        sa.Column("idempotency_key", sa.String(length=100), nullable=False),
        sa.Column("event", sa.String(length=20), nullable=False),
        sa.Column("client_at", sync.server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("received_at", sync.server.models.base.UTCDateTime(timezone=True), nullable=False),
        sa.Column("file_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["device_id"],
            ["device.id"],
            name=op.f("fk_delivery_report_device_id_device"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["meeting_id"],
            ["meeting.id"],
            name=op.f("fk_delivery_report_meeting_id_meeting"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["user_account.id"],
            name=op.f("fk_delivery_report_user_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_report")),
        sa.UniqueConstraint("user_id", "idempotency_key", name=op.f("uq_delivery_report_user_id")),
    )
    with op.batch_alter_table("delivery_report", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_delivery_report_device_id"), ["device_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_report_meeting_id"), ["meeting_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_delivery_report_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("delivery_report", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_delivery_report_user_id"))
        batch_op.drop_index(batch_op.f("ix_delivery_report_meeting_id"))
        batch_op.drop_index(batch_op.f("ix_delivery_report_device_id"))

    op.drop_table("delivery_report")
    op.drop_table("delivery")
