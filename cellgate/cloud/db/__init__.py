"""SQLAlchemy Core tables and stores: one database per cell (API cell + each child cell)."""

from cellgate.cloud.db.engine import Database, make_engine

__all__ = ["Database", "make_engine"]
