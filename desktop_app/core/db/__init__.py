"""The database: engine and sessions, typed models, and Alembic migrations shipped as package data."""
