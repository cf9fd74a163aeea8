"""Alembic environment: runs on the connection the program hands it, and never touches logging."""

from alembic import context

from desktop_app.core.db.models import Base

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Migrations are run by the program itself (desktop_app.core.db.migrate).")

context.configure(
    connection=connection,
    target_metadata=Base.metadata,
    render_as_batch=connection.dialect.name == "sqlite",
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
