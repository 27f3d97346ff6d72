"""relays, inbound messages and the outbox

Revision ID: 0001
Revises:
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "relay",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("address", sa.String(length=128), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("display_name", sa.String(length=128), nullable=True),
        sa.Column(
            "language",
            sa.Enum("fr", "bm", name="language", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column("place", sa.String(length=64), nullable=True),
        sa.Column(
            "role",
            sa.Enum("relay", "organiser", name="role", native_enum=False, length=24),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "stopped",
                "unreachable",
                "erased",
                name="relaystatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column(
            "state",
            sa.Enum(
                "language",
                "place",
                "confirm_erase",
                name="conversationstate",
                native_enum=False,
                length=24,
            ),
            nullable=True,
        ),
        sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stopped_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_inbound_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("referral_code", sa.String(length=16), nullable=True),
        sa.Column("referred_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["referred_by_id"],
            ["relay.id"],
            name=op.f("fk_relay_referred_by_id_relay"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay")),
        sa.UniqueConstraint("address", name=op.f("uq_relay_address")),
        sa.UniqueConstraint("referral_code", name=op.f("uq_relay_referral_code")),
    )
    op.create_index(op.f("ix_relay_channel"), "relay", ["channel"], unique=False)
    op.create_index(op.f("ix_relay_place"), "relay", ["place"], unique=False)
    op.create_index(op.f("ix_relay_status"), "relay", ["status"], unique=False)

    op.create_table(
        "delivery",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("relay_id", sa.Integer(), nullable=True),
        sa.Column("source_kind", sa.String(length=16), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=False),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("address", sa.String(length=128), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "sending",
                "sent",
                "failed",
                "cancelled",
                name="deliverystatus",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("platform_message_id", sa.String(length=128), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["relay_id"], ["relay.id"], name=op.f("fk_delivery_relay_id_relay"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery")),
        sa.UniqueConstraint(
            "source_kind",
            "source_ref",
            "relay_id",
            name=op.f("uq_delivery_source_kind_source_ref_relay_id"),
        ),
    )
    op.create_index("ix_delivery_due", "delivery", ["status", "next_attempt_at"], unique=False)
    op.create_index(op.f("ix_delivery_relay_id"), "delivery", ["relay_id"], unique=False)

    op.create_table(
        "inbound_message",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("platform_message_id", sa.String(length=128), nullable=False),
        sa.Column("address", sa.String(length=128), nullable=True),
        sa.Column("relay_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column(
            "payload",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=True,
        ),
        sa.Column("received_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["relay_id"],
            ["relay.id"],
            name=op.f("fk_inbound_message_relay_id_relay"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_inbound_message")),
        sa.UniqueConstraint(
            "channel",
            "platform_message_id",
            name=op.f("uq_inbound_message_channel_platform_message_id"),
        ),
    )
    op.create_index(
        op.f("ix_inbound_message_address"), "inbound_message", ["address"], unique=False
    )
    op.create_index(
        op.f("ix_inbound_message_relay_id"), "inbound_message", ["relay_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_inbound_message_relay_id"), table_name="inbound_message")
    op.drop_index(op.f("ix_inbound_message_address"), table_name="inbound_message")

    op.drop_table("inbound_message")
    op.drop_index(op.f("ix_delivery_relay_id"), table_name="delivery")
    op.drop_index("ix_delivery_due", table_name="delivery")

    op.drop_table("delivery")
    op.drop_index(op.f("ix_relay_status"), table_name="relay")
    op.drop_index(op.f("ix_relay_place"), table_name="relay")
    op.drop_index(op.f("ix_relay_channel"), table_name="relay")

    op.drop_table("relay")
