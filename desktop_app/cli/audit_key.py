"""`audit-key`: the key that seals the audit trail, shown, exported to move it with a backup, or imported."""

from __future__ import annotations

from .base import EXIT_OK, Commands, Context, Parser


def register(commands: Commands) -> None:
    commands.add_command(
        "audit-key",
        None,
        _audit_key_actions,
        help="show, export or import the key that seals the audit trail (kept outside the records)",
        description=(
            "Every audit event is sealed with a key this computer keeps outside the records, so nobody holding only "
            "the records file can rewrite the trail unnoticed. To check the records on another computer, export "
            "the key here, carry it with the backup (as safely as a password), and import it there."
        ),
    )


def _audit_key_actions(command: Parser) -> None:
    from pathlib import Path

    actions = command.add_subparsers(dest="action", metavar="ACTION", required=True)
    show = actions.add_parser("show", help="the id of this computer's key and where it is kept")
    show.set_defaults(handler=cmd_show)
    export = actions.add_parser("export", help="write this computer's key to FILE (readable by you only)")
    export.add_argument("file", type=Path, metavar="FILE")
    export.set_defaults(handler=cmd_export)
    imported = actions.add_parser("import", help="hold a key exported on another computer, to check what it sealed")
    imported.add_argument("file", type=Path, metavar="FILE")
    imported.set_defaults(handler=cmd_import)


def cmd_show(context: Context) -> int:
    from ..core.host.audit_keys import current_key, held_keys, where_kept

    key = current_key()
    others = sorted(set(held_keys()) - {key.key_id})
    context.say(f"This computer seals the audit trail with key {key.key_id}, kept in {where_kept()}.")
    if others:
        context.say(f"It also holds keys imported from other computers: {', '.join(others)}.")
    return EXIT_OK


def cmd_export(context: Context) -> int:
    from ..core.host.audit_keys import export_key

    key = export_key(context.args.file)
    context.say(
        f"Wrote key {key.key_id} to {context.args.file}. Keep it as safely as a password; on the other computer, "
        "run: sister-city-records audit-key import FILE"
    )
    return EXIT_OK


def cmd_import(context: Context) -> int:
    from ..core.host.audit_keys import import_key

    key = import_key(context.args.file)
    context.say(f"This computer now holds key {key.key_id} and can check the audit events it sealed.")
    return EXIT_OK
