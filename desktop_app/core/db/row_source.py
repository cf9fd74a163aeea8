"""Plain SQL read as rows of tuples, the same way over a SQLAlchemy connection or a bare driver connection."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable

if TYPE_CHECKING:
    from sqlalchemy import Connection

Parameters = dict[str, Any]


@runtime_checkable
class RowSource(Protocol):
    """Runs SQL text with ``:name`` parameters (a list or tuple value fills ``IN :name``) and returns its rows.

    ``dialect`` is "sqlite" or "postgresql"; ``errors`` are the exceptions the driver beneath raises.
    """

    @property
    def dialect(self) -> str: ...

    @property
    def errors(self) -> tuple[type[BaseException], ...]: ...

    def rows(self, sql: str, parameters: Parameters | None = None) -> list[tuple[Any, ...]]: ...


class Rows:
    """What every RowSource of the program holds: its dialect and its driver's errors."""

    def __init__(self, dialect: str, errors: tuple[type[BaseException], ...]) -> None:
        self._dialect = dialect
        self._errors = errors

    @property
    def dialect(self) -> str:
        return self._dialect

    @property
    def errors(self) -> tuple[type[BaseException], ...]:
        return self._errors


class ConnectionRows(Rows):
    """A SQLAlchemy connection (or session) as a RowSource."""

    def __init__(self, connection: Any) -> None:
        from sqlalchemy.exc import DBAPIError

        self._connection = connection
        bind = connection.get_bind() if hasattr(connection, "get_bind") else connection
        super().__init__(str(bind.dialect.name), (DBAPIError,))

    def rows(self, sql: str, parameters: Parameters | None = None) -> list[tuple[Any, ...]]:
        from sqlalchemy import bindparam, text

        statement = text(sql)
        lists = [name for name, value in (parameters or {}).items() if isinstance(value, list | tuple)]
        if lists:
            statement = statement.bindparams(*(bindparam(name, expanding=True) for name in lists))
        return [tuple(row) for row in self._connection.execute(statement, parameters or {})]


def row_source(connection: Connection | RowSource) -> RowSource:
    """``connection`` as a RowSource: itself when it is one, else a SQLAlchemy connection wrapped."""
    if isinstance(connection, RowSource):
        return connection
    return ConnectionRows(connection)
