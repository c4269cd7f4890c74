"""Alembic migration scripts, shipped inside the package as diary._migrations."""
