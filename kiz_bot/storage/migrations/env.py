"""Alembic environment: runs on the connection that kiz_bot.storage.migrate hands over."""

from __future__ import annotations

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    msg = "Run migrations through kiz_bot.storage (kiz-bot db upgrade), not the alembic command."
    raise RuntimeError(msg)
context.configure(connection=connection, target_metadata=None)
with context.begin_transaction():
    context.run_migrations()
