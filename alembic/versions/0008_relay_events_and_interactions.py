"""relay events and interactions

A relay's history (joined, stopped, rejoined, unreachable, erased), backfilled from what
the relay rows say today, and the interactions relays have with what Relais sends them.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "relay_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("relay_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "joined",
                "rejoined",
                "stopped",
                "unreachable",
                "reachable",
                "erased",
                name="relayeventkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("place", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["relay_id"],
            ["relay.id"],
            name=op.f("fk_relay_event_relay_id_relay"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_relay_event")),
    )
    with op.batch_alter_table("relay_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_relay_event_at"), ["at"], unique=False)
        batch_op.create_index("ix_relay_event_relay_id_at", ["relay_id", "at"], unique=False)

    op.create_table(
        "interaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=160), nullable=False),
        sa.Column("relay_id", sa.Integer(), nullable=False),
        sa.Column(
            "delivery_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False
        ),
        sa.Column("source_kind", sa.String(length=32), nullable=False),
        sa.Column("source_ref", sa.String(length=64), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "reaction",
                "reply",
                "share",
                "button",
                name="interactionkind",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("detail", sa.String(length=32), nullable=True),
        sa.Column("weight", sa.Integer(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["delivery_id"],
            ["delivery.id"],
            name=op.f("fk_interaction_delivery_id_delivery"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["relay_id"],
            ["relay.id"],
            name=op.f("fk_interaction_relay_id_relay"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interaction")),
        sa.UniqueConstraint("key", name=op.f("uq_interaction_key")),
    )
    with op.batch_alter_table("interaction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interaction_at"), ["at"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_interaction_delivery_id"), ["delivery_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_interaction_relay_id"), ["relay_id"], unique=False)
        batch_op.create_index("ix_interaction_source", ["source_kind", "source_ref"], unique=False)

    _backfill()


# What the relay rows say today: a relay who finished joining (has a place) joined when
# the row was made; its current state, if not active, began at the matching date.
_BACKFILL = (
    ("joined", "created_at", "place IS NOT NULL"),
    ("stopped", "stopped_at", "status = 'stopped' AND stopped_at IS NOT NULL"),
    ("unreachable", "updated_at", "status = 'unreachable'"),
    ("erased", "erased_at", "status = 'erased' AND erased_at IS NOT NULL"),
)


def _backfill() -> None:
    for kind, column, condition in _BACKFILL:
        op.execute(
            "INSERT INTO relay_event (relay_id, kind, at, channel, language, place) "  # noqa: S608 - constants
            f"SELECT id, '{kind}', {column}, channel, language, place FROM relay "
            f"WHERE {condition} AND place IS NOT NULL"
        )


def downgrade() -> None:
    with op.batch_alter_table("interaction", schema=None) as batch_op:
        batch_op.drop_index("ix_interaction_source")
        batch_op.drop_index(batch_op.f("ix_interaction_relay_id"))
        batch_op.drop_index(batch_op.f("ix_interaction_delivery_id"))
        batch_op.drop_index(batch_op.f("ix_interaction_at"))

    op.drop_table("interaction")
    with op.batch_alter_table("relay_event", schema=None) as batch_op:
        batch_op.drop_index("ix_relay_event_relay_id_at")
        batch_op.drop_index(batch_op.f("ix_relay_event_at"))

    op.drop_table("relay_event")
