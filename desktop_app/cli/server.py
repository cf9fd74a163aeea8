"""`server-init`, `server-add-user`: a shared PostgreSQL server set up for several clerks, and its users."""

from __future__ import annotations

import sys

from ..core.errors import UserError
from .base import EXIT_OK, Commands, Context, Parser


def register(commands: Commands) -> None:
    commands.add_command(
        "server-init",
        cmd_server_init,
        _server_init_arguments,
        help="set up the records in an empty PostgreSQL database, with the reader, clerk and admin roles",
        description=(
            "Creates the records' tables in the empty PostgreSQL database at URL, and the roles records_reader "
            "(reads only), records_clerk (reads and writes records) and records_admin (a clerk who adds users), "
            "with rights the server enforces. Run it as the account that is to own the records."
        ),
    )
    commands.add_command(
        "server-add-user",
        cmd_server_add_user,
        _server_add_user_arguments,
        help="add a login to the shared server given by --database, as a reader, clerk or admin",
    )


def _server_init_arguments(command: Parser) -> None:
    command.add_argument("url", metavar="URL", help="postgresql+psycopg://USER@HOST:PORT/DATABASE")


def _server_add_user_arguments(command: Parser) -> None:
    command.add_argument("name", metavar="NAME", help="the new login (lower-case letters, digits and _)")
    command.add_argument("--role", required=True, choices=("reader", "clerk", "admin"))
    command.add_argument(
        "--password-stdin", action="store_true", help="read the password from the first line of standard input"
    )


def cmd_server_init(context: Context) -> int:
    from ..core.safekeeping.server import server_init

    info = server_init(context.args.url)
    made = ", ".join(info.roles_made) if info.roles_made else "none (the server had them already)"
    context.say(f"Set up the records in {info.database}. Roles made: {made}.")
    context.say("Add each clerk with: sister-city-records --database URL server-add-user NAME --role clerk")
    return EXIT_OK


def cmd_server_add_user(context: Context) -> int:
    from ..core.safekeeping.server import add_user

    url = context.location.database_url
    if context.location.is_sqlite:
        raise UserError("Name the shared server with --database URL; these records are a file on this computer.")
    role = add_user(url, context.args.name, context.args.role, _password(context.args.password_stdin))
    context.say(f"Added {context.args.name} to the server as {role}.")
    return EXIT_OK


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    if not sys.stdin.isatty():
        raise UserError("Give the password with --password-stdin, or run the command where it can ask for it.")
    import getpass

    first = getpass.getpass("Password for the new user: ")
    if getpass.getpass("The same password again: ") != first:
        raise UserError("The two passwords differ; nothing was changed.")
    return first
