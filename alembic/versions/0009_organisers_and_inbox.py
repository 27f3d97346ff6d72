"""organisers' accounts and the inbox

Dashboard accounts, their sessions, failed logins, the log of looks at a relay's full
address; and what relays write to the team, with the organisers' replies.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "organiser",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("password_hash", sa.String(255), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_login_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_organiser"),
        sa.UniqueConstraint("login", name="uq_organiser_login"),
    )
    op.create_table(
        "organiser_session",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("organiser_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["organiser_id"],
            ["organiser.id"],
            name="fk_organiser_session_organiser_id_organiser",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_organiser_session"),
        sa.UniqueConstraint("token_hash", name="uq_organiser_session_token_hash"),
    )
    op.create_index("ix_organiser_session_organiser_id", "organiser_session", ["organiser_id"])
    op.create_table(
        "login_failure",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("client", sa.String(64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_login_failure"),
    )
    for column in ("login", "client", "at"):
        op.create_index(f"ix_login_failure_{column}", "login_failure", [column])
    op.create_table(
        "address_access",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("relay_id", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["relay_id"],
            ["relay.id"],
            name="fk_address_access_relay_id_relay",
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_address_access"),
    )
    op.create_index("ix_address_access_relay_id", "address_access", ["relay_id"])
    op.create_index("ix_address_access_at", "address_access", ["at"])
    op.create_table(
        "inbox_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("inbound_id", _BIG_ID, nullable=False),
        sa.Column("relay_id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("to_share", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["inbound_id"],
            ["inbound_message.id"],
            name="fk_inbox_entry_inbound_id_inbound_message",
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["relay_id"], ["relay.id"], name="fk_inbox_entry_relay_id_relay", ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name="pk_inbox_entry"),
        sa.UniqueConstraint("inbound_id", name="uq_inbox_entry_inbound_id"),
    )
    op.create_index("ix_inbox_entry_relay_id", "inbox_entry", ["relay_id"])
    op.create_index("ix_inbox_entry_received_at", "inbox_entry", ["received_at"])
    op.create_table(
        "inbox_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entry_id", sa.Integer(), nullable=False),
        sa.Column("login", sa.String(64), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("voice", sa.String(255), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entry_id"],
            ["inbox_entry.id"],
            name="fk_inbox_reply_entry_id_inbox_entry",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name="pk_inbox_reply"),
    )
    op.create_index("ix_inbox_reply_entry_id", "inbox_reply", ["entry_id"])


def downgrade() -> None:
    for table in (
        "inbox_reply",
        "inbox_entry",
        "address_access",
        "login_failure",
        "organiser_session",
        "organiser",
    ):
        op.drop_table(table)
