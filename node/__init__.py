"""nets node: match engine, roles, simulator and CLI."""
