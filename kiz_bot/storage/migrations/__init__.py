"""Alembic migrations of the KIZ bot database."""
