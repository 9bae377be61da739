"""The node's persistence: SQLModel tables, the versioned schema, repositories and the outbox."""

from node.db.engine import SCHEMA_VERSION, Database, DatabaseError, open_database
from node.db.outbox import Intent, IntentError, Outbox, intent_key

__all__ = [
    "SCHEMA_VERSION",
    "Database",
    "DatabaseError",
    "Intent",
    "IntentError",
    "Outbox",
    "intent_key",
    "open_database",
]
