"""Command-line commands for keeping the records safe: backup, restore, backups, backup-folder, export-csv, move-to."""

from __future__ import annotations

from .base import EXIT_OK, Commands, Context, Parser


def register(commands: Commands) -> None:
    commands.add_command(
        "backup",
        cmd_backup,
        _backup_arguments,
        help="write a checked copy of the records (to FILE or the backups folder)",
    )
    commands.add_command(
        "restore", cmd_restore, _restore_arguments, help="put a backup back in place of the records (checked first)"
    )
    commands.add_command(
        "move-to",
        cmd_move_to,
        _move_to_arguments,
        help="copy these records, with every file and the whole audit trail, into a shared PostgreSQL database",
        description=(
            "Copies the records of this computer's file (every record, attached file, setting and audit event, as "
            "they are) into the PostgreSQL database at URL, which must hold no records yet: an empty database "
            "(its tables, roles and rights are then made as server-init makes them) or one just set up with "
            "server-init. Run it as the account that owns, or is to own, the records on the server. The file is "
            "left as it was."
        ),
    )
    commands.add_command(
        "backups", cmd_backups, _backups_arguments, help="list the backups in the backups folder, newest first"
    )
    commands.add_command(
        "backup-folder",
        cmd_backup_folder,
        _backup_folder_arguments,
        help="show or choose the folder backups are written to",
    )
    commands.add_command(
        "export-csv",
        cmd_export_csv,
        _export_csv_arguments,
        help="write one kind of record to a spreadsheet-safe CSV file",
    )


def _backup_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument("file", type=Path, nargs="?", metavar="FILE", help="a file or folder to write the copy to")


def _restore_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument("file", type=Path, metavar="FILE")


def _move_to_arguments(command: Parser) -> None:
    command.add_argument("url", metavar="URL", help="postgresql+psycopg://OWNER@HOST:PORT/DATABASE")


def _backups_arguments(command: Parser) -> None:
    command.add_argument("--json", action="store_true", help="print JSON instead of a table")


def _backup_folder_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument("folder", type=Path, nargs="?", metavar="DIR")
    command.add_argument("--default", action="store_true", help="go back to the data folder's backups folder")


def _export_csv_arguments(command: Parser) -> None:
    from pathlib import Path

    command.add_argument("kind", metavar="KIND")
    command.add_argument("file", type=Path, metavar="FILE")
    command.add_argument(
        "--include-personal-data", action="store_true", help="also write participants' names (personal data)"
    )


def cmd_backup(context: Context) -> int:
    from ..core.safekeeping.backup import create_backup
    from ..core.safekeeping.verify import startup_check

    db = context.database()  # refuses a file that is not a database of this program, with a sentence
    problems = startup_check(db)
    context.close()
    if problems:
        from ..core.errors import UserError

        raise UserError("The records are damaged, so no backup was made over the good ones: " + problems[0])
    if context.location.is_sqlite:
        info = create_backup(context.location, context.args.file)
    else:
        from ..core.safekeeping.moving import back_up_server

        info = back_up_server(context.location, context.args.file)
    context.say(f"Backed up the records to {info.path} ({_size(info.size)}); the copy passed its check.")
    return EXIT_OK


def cmd_restore(context: Context) -> int:
    from ..core.safekeeping.instance_lock import acquire_instance_lock
    from ..core.safekeeping.restore_backup import restore_backup

    with acquire_instance_lock(context.location.data_dir):
        if context.location.is_sqlite:
            info = restore_backup(context.location, context.args.file)
        else:
            from ..core.safekeeping.moving import restore_into_server

            info = restore_into_server(context.location, context.args.file)
    from ..core.wording import plural

    context.say(
        f"Restored the records from {info.restored_from}: {plural(info.partnerships, 'partnership')}, "
        f"{plural(info.audit_events, 'audit event')}, audit trail verified."
    )
    if info.safety_backup:
        context.say(f"The records as they were before are kept in {info.safety_backup}.")
    return EXIT_OK


def cmd_move_to(context: Context) -> int:
    from ..core.safekeeping.moving import move_to_server
    from ..core.wording import plural

    info = move_to_server(context.location, context.args.url)
    made = " (its tables, roles and rights were made first)" if info.set_up else ""
    context.say(
        f"Moved the records into {info.database}{made}: {plural(info.partnerships, 'partnership')}, "
        f"{plural(info.attachments, 'attached file')}, {plural(info.audit_events, 'audit event')}; "
        "the audit trail verified on the server."
    )
    context.say("Open them there with --database URL. The file on this computer was left as it was.")
    return EXIT_OK


def cmd_backups(context: Context) -> int:
    from dataclasses import asdict

    from ..core.safekeeping.backup import backups_folder, list_backups

    backups = list_backups(context.location)
    if context.args.json:
        context.print_json([asdict(info) for info in backups])
        return EXIT_OK
    if not backups:
        context.say(f"There are no backups in {backups_folder(context.location)} yet.")
    for info in backups:
        context.say(f"{info.created_at}  {info.reason:<28} {_size(info.size):>9}  {info.path}")
    return EXIT_OK


def cmd_backup_folder(context: Context) -> int:
    from ..core.host.paths import cloud_sync_service
    from ..core.safekeeping.backup import backups_folder, set_backups_folder

    if context.args.default:
        folder = set_backups_folder(context.location, None)
    elif context.args.folder is not None:
        folder = set_backups_folder(context.location, context.args.folder)
    else:
        folder = backups_folder(context.location)
    context.say(f"Backups are written to {folder}.")
    service = cloud_sync_service(folder)
    if service:
        context.say(f"That folder is synced by {service}: each backup is copied off this computer once written.")
    return EXIT_OK


def cmd_export_csv(context: Context) -> int:
    from ..core.interchange.csv_export import export_csv

    result = export_csv(
        context.database(),
        context.args.kind,
        context.args.file,
        include_personal_data=context.args.include_personal_data,
    )
    context.say(result.sentence())
    return EXIT_OK


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    amount = size / 1024
    for unit in ("KiB", "MiB"):
        if amount < 1024:
            return f"{amount:.1f} {unit}"
        amount /= 1024
    return f"{amount:.1f} GiB"
