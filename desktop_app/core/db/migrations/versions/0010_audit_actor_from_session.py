"""On a PostgreSQL server, an audit event names the account that made the change, as the server knows it.

A trigger refuses an event whose actor is not the session's user, so no client can claim to be someone else; the
owner of the tables (who set the server up, or moved records in with their history) is the one exception. SQLite
has no accounts: its events keep the operating system's user name, and this revision changes nothing there.

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION audit_event_actor_is_session_user() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN "
        "IF NEW.actor IS DISTINCT FROM session_user::text "
        "AND session_user::text IS DISTINCT FROM (SELECT relowner::regrole::text FROM pg_class WHERE oid = TG_RELID) "
        "THEN RAISE EXCEPTION 'an audit event must name the account that writes it (%), not %', "
        "session_user, NEW.actor; "
        "END IF; "
        "RETURN NEW; "
        "END $$"
    )
    op.execute(
        "CREATE TRIGGER audit_event_actor_check BEFORE INSERT ON audit_event "
        "FOR EACH ROW EXECUTE FUNCTION audit_event_actor_is_session_user()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER IF EXISTS audit_event_actor_check ON audit_event")
    op.execute("DROP FUNCTION IF EXISTS audit_event_actor_is_session_user()")
