"""Statements compiled once per dialect and run on the driver's cursor.

Every board op runs the same half-dozen small statements. Through
``Connection.execute`` each one pays SQLAlchemy's execution context, 15–25 µs on
SQLite, several times what SQLite itself takes. A :class:`Prepared` statement is still
written in SQLAlchemy Core and keeps SQLAlchemy's own type conversions (JSON, booleans),
but it is compiled once and then runs on the DB-API cursor of the caller's connection.

What it skips, by design: the caller must have begun the transaction
(``Database.write``/``read`` do), every column an INSERT or UPDATE sets is passed (no
Python-side defaults), and errors are the driver's own (``sqlite3.Error``,
``psycopg.Error``), not SQLAlchemy's wrappers. Statements it cannot run faithfully
are refused when first compiled.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from operator import itemgetter
from typing import Any

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import Select
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.dml import ValuesBase
from sqlalchemy.sql.expression import ClauseElement
from sqlalchemy.types import TypeEngine

Processor = Callable[[Any], Any]


@dataclass
class _Compiled:
    sql: str
    # The driver's parameters from the caller's: built for this statement when compiled.
    arguments: Callable[[Mapping[str, Any]], Any]
    # A SELECT's converters, looked up from the first result's description, since some
    # drivers' converters depend on the type code it names: (column index, converter)
    # for each column that converts.
    results: tuple[tuple[int, Processor], ...] | None = None


def _arguments(names: Sequence[str] | None, binds: dict[str, Processor],
               defaults: dict[str, Any]) -> Callable[[Mapping[str, Any]], Any]:
    """A function from the caller's parameters to the driver's, run for every statement
    of every op.

    ``names``: a positional driver's (sqlite3) parameter names in order, or None for a
    named driver (psycopg), which takes a dict. ``defaults`` are the values written into
    the statement (LIMIT 1, say), which the caller's override; a missing required value
    is a KeyError.
    """
    if names is None:
        def named(params: Mapping[str, Any]) -> Mapping[str, Any]:
            if defaults:
                params = {**defaults, **params}
            if binds:
                params = {key: (process(value) if (process := binds.get(key)) else value)
                          for key, value in params.items()}
            return params
        return named
    # One C call picks the values; only the few that convert (JSON, say) are touched.
    pick: Callable[[Mapping[str, Any]], Sequence[Any]]
    if len(names) > 1:
        pick = itemgetter(*names)
    elif names:  # itemgetter of one name gives the value, not a tuple
        only = names[0]
        pick = lambda params: (params[only],)  # noqa: E731
    else:
        pick = lambda params: ()  # noqa: E731
    if defaults:
        picked = pick
        pick = lambda params: picked({**defaults, **params})  # noqa: E731
    converting = tuple((i, binds[name]) for i, name in enumerate(names) if name in binds)
    if not converting:
        return pick

    def positional(params: Mapping[str, Any]) -> list[Any]:
        values = list(pick(params))
        for i, process in converting:
            values[i] = process(values[i])
        return values
    return positional


class Prepared:
    """One statement, compiled on first use for each dialect (so each engine).

    ``column_keys`` names the columns an INSERT or UPDATE sets, as the keys of the
    parameters passed to ``Connection.execute`` would.
    """

    def __init__(self, statement: ClauseElement, column_keys: Iterable[str] | None = None) -> None:
        self.statement = statement
        self.column_keys = None if column_keys is None else list(column_keys)
        if self.column_keys is not None:
            assert isinstance(statement, ValuesBase), "column_keys are for INSERT and UPDATE"
            unknown = set(self.column_keys) - set(statement.table.c.keys())
            if unknown:
                raise ValueError(f"{statement.table} has no column {sorted(unknown)}")
        selected = statement.selected_columns if isinstance(statement, Select) else ()
        self.names = tuple(column.key for column in selected)
        self._column_types: tuple[TypeEngine[Any], ...] = tuple(c.type for c in selected)
        self._names_are_keys = None not in self.names and len(set(self.names)) == len(self.names)
        # Keyed by the dialect object: each engine has its own, with its own settings.
        self._compiled: weakref.WeakKeyDictionary[Dialect, _Compiled] = \
            weakref.WeakKeyDictionary()
        # The last one used: a process has one engine, so this is nearly always it. It
        # keeps that one dialect alive (one per statement), unlike _compiled.
        self._last: tuple[Dialect, _Compiled] | None = None

    def _for(self, dialect: Dialect) -> _Compiled:
        last = self._last
        if last is not None and last[0] is dialect:
            return last[1]
        compiled = self._compiled.get(dialect)
        if compiled is None:
            compiled = self._compiled[dialect] = self._compile(dialect)
        self._last = (dialect, compiled)
        return compiled

    def _compile(self, dialect: Dialect) -> _Compiled:
        compiled = self.statement.compile(dialect=dialect, column_keys=self.column_keys)
        assert isinstance(compiled, SQLCompiler)
        if compiled.insert_prefetch or compiled.update_prefetch:
            raise ValueError("Pass every column this statement sets: Python-side defaults "
                             "are not evaluated here.")
        if compiled.escaped_bind_names or "POSTCOMPILE" in compiled.string:
            raise ValueError("Expanding (IN) or escaped bind parameters need "
                             "Connection.execute.")
        binds: dict[str, Processor] = {}
        defaults: dict[str, Any] = {}
        for bind, name in compiled.bind_names.items():
            process = bind.type.dialect_impl(dialect).bind_processor(dialect)
            if process is not None:
                binds[name] = process
            if not bind.required:
                defaults[name] = bind.effective_value
        names = tuple(compiled.positiontup or ()) if compiled.positional else None
        return _Compiled(compiled.string, _arguments(names, binds, defaults))

    def _run(self, conn: Connection, params: Mapping[str, Any]) -> tuple[_Compiled, Any]:
        compiled = self._for(conn.dialect)
        args = compiled.arguments(params)
        cursor = conn.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(compiled.sql, args)
        except BaseException:
            cursor.close()
            raise
        return compiled, cursor

    def execute(self, conn: Connection, params: Mapping[str, Any]) -> int:
        """Run the statement in ``conn``'s transaction; returns the rows it changed."""
        _, cursor = self._run(conn, params)
        try:
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def first(self, conn: Connection, params: Mapping[str, Any]) -> Sequence[Any] | None:
        """The first row of a SELECT, converted as SQLAlchemy would, or None."""
        compiled, cursor = self._run(conn, params)
        try:
            row = cursor.fetchone()
            results = compiled.results
            if results is None:
                dialect = conn.dialect
                processors = (
                    kind.dialect_impl(dialect).result_processor(dialect, described[1])
                    for kind, described in zip(self._column_types, cursor.description,
                                               strict=True))
                compiled.results = results = tuple(
                    (i, process) for i, process in enumerate(processors) if process is not None)
        finally:
            cursor.close()
        if row is None:
            return None
        if not results:
            return tuple(row)
        values = list(row)
        for i, process in results:
            values[i] = process(values[i])
        return tuple(values)

    def first_dict(self, conn: Connection, params: Mapping[str, Any]) -> dict[str, Any] | None:
        """The first row of a SELECT as a dict by column name (or label), or None."""
        if not self._names_are_keys:
            raise ValueError(f"Label every column to read rows as dicts: {self.names}")
        row = self.first(conn, params)
        return None if row is None else dict(zip(self.names, row, strict=True))  # type: ignore[arg-type]
