"""Initial schema: counts, user counts, preferences, unanswered texts, applied batches.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Create the tables."""
    op.create_table(
        "topic_counts",
        sa.Column("period", sa.String(5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("topic", sa.String(100), nullable=False),
        sa.Column("entry_id", sa.String(100), nullable=False),
        sa.Column("language", sa.String(16), nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("partner_id", sa.String(100), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint(
            "period", "day", "topic", "entry_id", "language", "outcome", "partner_id"
        ),
    )
    op.create_table(
        "user_counts",
        sa.Column("period", sa.String(5), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("period", "day"),
    )
    op.create_table(
        "language_preferences",
        sa.Column("user_key", sa.String(64), primary_key=True),
        sa.Column("language", sa.String(16), nullable=False),
    )
    op.create_table(
        "unanswered_texts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
    )
    op.create_index("ix_unanswered_texts_day", "unanswered_texts", ["day"])
    op.create_table(
        "applied_batches",
        sa.Column("batch_id", sa.String(32), primary_key=True),
        sa.Column("day", sa.Date(), nullable=False),
    )
    op.create_index("ix_applied_batches_day", "applied_batches", ["day"])


def downgrade() -> None:
    """Drop the tables."""
    for table in (
        "applied_batches",
        "unanswered_texts",
        "language_preferences",
        "user_counts",
        "topic_counts",
    ):
        op.drop_table(table)
