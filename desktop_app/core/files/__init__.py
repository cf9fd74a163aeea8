"""The attachment store: streaming import into the database, content addressing, read-back checked by SHA-256."""
