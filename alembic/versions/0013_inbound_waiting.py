"""inbound messages waiting for the conversation

Under a burst a webhook stores what it received and answers 200 at once; the
conversation runs after, from the stored row (bot/web/backlog.py). `waiting` marks the
rows whose conversation has not run yet: a process that stops before running it, or
crashes, leaves them marked, and the next one to start runs them. The partial index holds
only those rows, so finding them reads nothing else, however long the table.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-03
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("inbound_message") as batch:
        batch.add_column(
            sa.Column("waiting", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_index(
        "ix_inbound_message_waiting",
        "inbound_message",
        ["id"],
        sqlite_where=sa.text("waiting"),
        postgresql_where=sa.text("waiting"),
    )


def downgrade() -> None:
    op.drop_index("ix_inbound_message_waiting", table_name="inbound_message")
    with op.batch_alter_table("inbound_message") as batch:
        batch.drop_column("waiting")
