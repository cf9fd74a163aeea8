"""Alembic environment: runs on the connection the program hands it, and never touches logging.

No target metadata: the revisions are written by hand and carry all they need, so nothing here loads the program's
models, which change after a revision is written.
"""

from alembic import context

connection = context.config.attributes.get("connection")
if connection is None:
    raise RuntimeError("Migrations are run by the program itself (desktop_app.core.db.migrate).")

context.configure(connection=connection, render_as_batch=connection.dialect.name == "sqlite")
with context.begin_transaction():
    context.run_migrations()
