"""Use cases per record kind: validation, one transaction per operation, the audit event written in it."""

from .kinds import KINDS, Kind, kind_named
from .plain import Record, describe
from .service import (
    ListQuery,
    change_status,
    count_records,
    create,
    get,
    get_many,
    list_records,
    purge,
    restore,
    status_history,
    trash,
    update,
)

__all__ = [
    "KINDS",
    "Kind",
    "ListQuery",
    "Record",
    "change_status",
    "count_records",
    "create",
    "describe",
    "get",
    "get_many",
    "kind_named",
    "list_records",
    "purge",
    "restore",
    "status_history",
    "trash",
    "update",
]
