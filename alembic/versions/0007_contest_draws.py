"""contest draws

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-21
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "contest_draw",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("contest_id", sa.Integer(), nullable=False),
        sa.Column("seed", sa.String(length=128), nullable=False),
        sa.Column(
            "rule",
            sa.Enum(
                "all_correct",
                "any_correct",
                "participated",
                name="eligibility",
                native_enum=False,
                length=24,
            ),
            nullable=False,
        ),
        sa.Column("eligible", sa.JSON(), nullable=False),
        sa.Column("eligible_sha256", sa.String(length=64), nullable=False),
        sa.Column("winners", sa.JSON(), nullable=False),
        sa.Column("redraw", sa.Boolean(), nullable=False),
        sa.Column("drawn_by", sa.String(length=128), nullable=False),
        sa.Column("drawn_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["contest_id"],
            ["contest.id"],
            name=op.f("fk_contest_draw_contest_id_contest"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contest_draw")),
    )
    with op.batch_alter_table("contest_draw", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_contest_draw_contest_id"), ["contest_id"], unique=False
        )

    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "mode",
                sa.Enum(
                    "sequential", "all_at_once", name="contestmode", native_enum=False, length=24
                ),
                server_default="sequential",
                nullable=False,
            )
        )
        batch_op.add_column(
            sa.Column(
                "eligibility",
                sa.Enum(
                    "all_correct",
                    "any_correct",
                    "participated",
                    name="eligibility",
                    native_enum=False,
                    length=24,
                ),
                server_default="all_correct",
                nullable=False,
            )
        )
        batch_op.add_column(sa.Column("results_sent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("contest", schema=None) as batch_op:
        batch_op.drop_column("results_sent_at")
        batch_op.drop_column("eligibility")
        batch_op.drop_column("mode")

    with op.batch_alter_table("contest_draw", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contest_draw_contest_id"))

    op.drop_table("contest_draw")
