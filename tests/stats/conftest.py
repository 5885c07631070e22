from tests.conftest_db import database, postgres_database, sqlite_database

__all__ = ["database", "postgres_database", "sqlite_database"]
