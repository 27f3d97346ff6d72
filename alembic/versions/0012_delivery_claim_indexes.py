"""delivery claim indexes

A claim walks the queue in id order, fresh work first, and looks up each candidate's
destination: ix_delivery_claim (status, attempts, id) for the walk, and
ix_delivery_relay_status (relay_id, status, id) for the look-ups, which also serves what
ix_delivery_relay_id served (it led with relay_id). Without them, a claim of 50 read every
queued row: 330 ms with 100,000 queued on SQLite.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-02
"""

from __future__ import annotations

from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_delivery_claim", "delivery", ["status", "attempts", "id"])
    op.create_index("ix_delivery_relay_status", "delivery", ["relay_id", "status", "id"])
    op.drop_index("ix_delivery_relay_id", table_name="delivery")


def downgrade() -> None:
    op.create_index("ix_delivery_relay_id", "delivery", ["relay_id"])
    op.drop_index("ix_delivery_relay_status", table_name="delivery")
    op.drop_index("ix_delivery_claim", table_name="delivery")
