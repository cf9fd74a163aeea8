"""Keeping the records safe: opening (with a backup before migrating), backups, restoring one, verifying, the lock."""
