"""Packages of issued responses received from other cities, kept as received: stored once, never changed.

A state office or the Conference collects the packages many cities send. Each received package is a row naming the
city, its letter and the package's fingerprint, with the package's bytes in the content store; the database itself
refuses every UPDATE and DELETE of a row, as it does for audit events. On a shared server whose roles already exist,
a reader may read the rows and a clerk may also add them.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GUARDS = (("received_package_no_update", "UPDATE"), ("received_package_no_delete", "DELETE"))
READER, CLERK = "records_reader", "records_clerk"


def upgrade() -> None:
    op.create_table(
        "received_package",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("received_at", sa.String(length=32), nullable=False),
        sa.Column("received_by", sa.String(length=200), nullable=False),
        sa.Column("city_display", sa.String(length=200), nullable=False),
        sa.Column("state", sa.String(length=2), nullable=False),
        sa.Column("response_title", sa.Text(), nullable=False),
        sa.Column("letter_date", sa.Date(), nullable=True),
        sa.Column("issued_at", sa.String(length=32), nullable=True),
        sa.Column("letter_sha256", sa.String(length=64), nullable=False),
        sa.Column("package_sha256", sa.String(length=64), nullable=False),
        sa.Column("package_size", sa.BigInteger(), nullable=False),
        sa.Column("original_name", sa.Text(), nullable=False),
        sa.Column("response_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["package_sha256"], ["blob.sha256"], name=op.f("fk_received_package_package_sha256_blob")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_received_package")),
        sa.UniqueConstraint("package_sha256", name=op.f("uq_received_package_package_sha256")),
    )
    op.create_index(op.f("ix_received_package_city_display"), "received_package", ["city_display"], unique=False)
    _create_guards()
    _grant_to_existing_roles()


def _create_guards() -> None:
    """Makes the database itself refuse UPDATE and DELETE of a received package."""
    dialect = op.get_bind().dialect.name
    if dialect == "sqlite":
        for name, verb in GUARDS:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {verb} ON received_package "
                "BEGIN SELECT RAISE(ABORT, 'received packages are kept as received'); END"
            )
    elif dialect == "postgresql":
        op.execute(
            "CREATE FUNCTION received_package_refuse_change() RETURNS trigger LANGUAGE plpgsql AS "
            "$$ BEGIN RAISE EXCEPTION 'received packages are kept as received'; END $$"
        )
        for name, verb in GUARDS:
            op.execute(
                f"CREATE TRIGGER {name} BEFORE {verb} ON received_package "
                "FOR EACH ROW EXECUTE FUNCTION received_package_refuse_change()"
            )


def _grant_to_existing_roles() -> None:
    """On a server set up before this revision, its roles get their rights on the new table (server-init grants
    them on a new server)."""
    connection = op.get_bind()
    if connection.dialect.name != "postgresql":
        return
    roles = set(
        connection.execute(
            sa.text("SELECT rolname FROM pg_roles WHERE rolname IN (:reader, :clerk)"),
            {"reader": READER, "clerk": CLERK},
        ).scalars()
    )
    if READER in roles:
        op.execute(f"GRANT SELECT ON received_package TO {READER}")
    if CLERK in roles:
        op.execute(f"GRANT SELECT, INSERT ON received_package TO {CLERK}")
        op.execute(f"GRANT USAGE, SELECT ON SEQUENCE received_package_id_seq TO {CLERK}")


def downgrade() -> None:
    dialect = op.get_bind().dialect.name
    for name, _ in GUARDS:
        if dialect == "sqlite":
            op.execute(f"DROP TRIGGER IF EXISTS {name}")
        elif dialect == "postgresql":
            op.execute(f"DROP TRIGGER IF EXISTS {name} ON received_package")
    if dialect == "postgresql":
        op.execute("DROP FUNCTION IF EXISTS received_package_refuse_change()")
    op.drop_index(op.f("ix_received_package_city_display"), table_name="received_package")
    op.drop_table("received_package")
