"""Statements compiled once per dialect and run on the driver's cursor.

Every board op runs the same half-dozen small statements. Through
``Connection.execute`` each one pays SQLAlchemy's execution context, 15–25 µs on
SQLite, several times what SQLite itself takes. A :class:`Prepared` statement is still
written in SQLAlchemy Core and keeps SQLAlchemy's own type conversions (JSON, booleans),
but it is compiled once and then runs on the DB-API cursor of the caller's connection,
inside the caller's transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement
from sqlalchemy.types import TypeEngine

Processor = Callable[[Any], Any]


@dataclass
class _Compiled:
    sql: str
    # Positional drivers (sqlite3) take a tuple in this order; named ones (psycopg) a dict.
    positional: tuple[str, ...] | None
    binds: dict[str, Processor]
    defaults: dict[str, Any]
    # A SELECT's column types; their converters are looked up from the first result's
    # description, since some drivers' converters depend on the type code it names.
    column_types: tuple[TypeEngine[Any], ...]
    results: tuple[Processor | None, ...] | None = None


class Prepared:
    """One statement, compiled on first use for each dialect.

    ``column_keys`` names the columns an INSERT or UPDATE sets, as the keys of the
    parameters passed to ``Connection.execute`` would.
    """

    def __init__(self, statement: ClauseElement, column_keys: Iterable[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = None if column_keys is None else list(column_keys)
        selected = statement.selected_columns if isinstance(statement, Select) else ()
        self.names = tuple(str(column.key) for column in selected)
        self._compiled: dict[str, _Compiled] = {}

    def _for(self, dialect: Dialect) -> _Compiled:
        compiled = self._compiled.get(dialect.name)
        if compiled is None:
            compiled = self._compiled[dialect.name] = self._compile(dialect)
        return compiled

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
        assert isinstance(compiled, SQLCompiler)
        binds: dict[str, Processor] = {}
        defaults: dict[str, Any] = {}
        for bind, name in compiled.bind_names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                binds[name] = process
            if not bind.required:  # a value written in the statement, such as LIMIT 1
                defaults[name] = bind.effective_value if process is None \
                    else process(bind.effective_value)
        column_types = tuple(column.type for column in self.statement.selected_columns) \
            if isinstance(self.statement, Select) else ()
        positional = tuple(compiled.positiontup or ()) if compiled.positional else None
        return _Compiled(compiled.string, positional, binds, defaults, column_types)

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        """Run the statement in ``conn``'s transaction; returns the DB-API cursor."""
        compiled = self._for(conn.dialect)
        if compiled.binds:
            params = {key: (process(value) if (process := compiled.binds.get(key)) else value)
                      for key, value in params.items()}
        if compiled.defaults:
            params = {**compiled.defaults, **params}
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        if compiled.positional is None:
            cursor.execute(compiled.sql, params)
        else:
            cursor.execute(compiled.sql, tuple(params[name] for name in compiled.positional))
        return cursor

    def first(self, conn: Connection, params: Mapping[str, Any]) -> Sequence[Any] | None:
        """The first row of a SELECT, converted as SQLAlchemy would, or None."""
        cursor = self.execute(conn, params)
        row = cursor.fetchone()
        compiled = self._for(conn.dialect)
        results = compiled.results
        if results is None:
            dialect = conn.dialect
            results = compiled.results = tuple(
                kind.dialect_impl(dialect).result_processor(dialect, described[1])
                for kind, described in zip(compiled.column_types, cursor.description,
                                           strict=True))
        cursor.close()
        if row is None:
            return None
        return tuple(value if process is None else process(value)
                     for process, value in zip(results, row, strict=True))

    def first_dict(self, conn: Connection, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first row of a SELECT as a dict by column name (or label), or None."""
        row = self.first(conn, params)
        return None if row is None else dict(zip(self.names, row, strict=True))
