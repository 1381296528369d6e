"""change rows name the device whose own push they record

An annotation push is recorded in the change feed like any change; the device that pushed it holds the
server's answer already, so the push channel does not wake that device's event stream for those rows (the
user's other devices are woken). The column is NULL for every other change (and for rows written before).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 03:00:00.000000
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("change") as batch:
        batch.add_column(sa.Column("device_id", sa.BigInteger(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("change") as batch:
        batch.drop_column("device_id")
