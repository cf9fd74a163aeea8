"""The schema revision this program ships, in a module without imports so the window's start can read it."""

# The newest revision file in migrations/versions; a test checks it against Alembic's own head.
SCHEMA_HEAD = "0014"
