"""VersionedObject: fields with types, a version, and a primitive form for the wire.

A primitive is ``{"cellgate_object.name", "cellgate_object.version", "cellgate_object.data"}``.
Reading one ignores fields this code does not know and defaults fields it lacks, so a cell
running older (or newer) code can still read objects sent by another.
"""

from __future__ import annotations

import copy
import datetime
from collections.abc import Callable
from typing import Any, ClassVar

UTC = datetime.timezone.utc


def utcnow() -> datetime.datetime:
    """Aware UTC now, without microseconds below the millisecond."""
    return datetime.datetime.now(UTC)


class Field:
    """A field: how to turn a value into JSON-safe data and back, and its default."""

    def __init__(self, default: Any = None, factory: Callable[[], Any] | None = None) -> None:
        self._default = default
        self._factory = factory

    def default(self) -> Any:
        """A fresh default value."""
        return self._factory() if self._factory else copy.copy(self._default)

    def to_primitive(self, value: Any) -> Any:
        """The JSON-safe form of ``value``."""
        return value

    def from_primitive(self, value: Any) -> Any:
        """The value from its JSON-safe form."""
        return value


class DateTimeField(Field):
    """An aware UTC datetime, ISO 8601 on the wire."""

    def to_primitive(self, value: Any) -> Any:
        """The JSON-safe form of ``value``."""
        return value.isoformat() if value is not None else None

    def from_primitive(self, value: Any) -> Any:
        """The value from its JSON-safe form."""
        if value is None or isinstance(value, datetime.datetime):
            return value
        parsed = datetime.datetime.fromisoformat(value)
        return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


class VersionedObject:
    """Base of versioned objects; subclasses set OBJ_NAME, VERSION and FIELDS."""

    OBJ_NAME: ClassVar[str] = "Object"
    VERSION: ClassVar[str] = "1.0"
    FIELDS: ClassVar[dict[str, Field]] = {}

    def __init__(self, **values: Any) -> None:
        data = {name: field.default() for name, field in self.FIELDS.items()}
        for key, value in values.items():
            if key not in self.FIELDS:
                raise TypeError(f"{self.OBJ_NAME} has no field {key!r}")
            data[key] = value
        object.__setattr__(self, "_data", data)
        object.__setattr__(self, "_changed", set())

    def __getattr__(self, name: str) -> Any:
        try:
            return self.__dict__["_data"][name]
        except KeyError:
            raise AttributeError(name) from None

    def __setattr__(self, name: str, value: Any) -> None:
        if name.startswith("_"):
            object.__setattr__(self, name, value)
            return
        if name not in self.FIELDS:
            raise AttributeError(f"{self.OBJ_NAME} has no field {name!r}")
        self._data[name] = value
        self._changed.add(name)

    def obj_what_changed(self) -> set[str]:
        """Names of fields set since creation or the last obj_reset_changes()."""
        return set(self._changed)

    def obj_reset_changes(self) -> None:
        """Forget which fields changed (after they were saved)."""
        self._changed.clear()

    def obj_to_primitive(self) -> dict[str, Any]:
        """The JSON-safe wire form of this object."""
        return {
            "cellgate_object.name": self.OBJ_NAME,
            "cellgate_object.version": self.VERSION,
            "cellgate_object.data": {name: field.to_primitive(self._data[name])
                                     for name, field in self.FIELDS.items()},
        }

    def obj_data(self) -> dict[str, Any]:
        """Just the data part of the primitive (what databases store)."""
        return self.obj_to_primitive()["cellgate_object.data"]

    @classmethod
    def obj_from_data(cls, data: dict[str, Any]) -> VersionedObject:
        """Build from stored data: unknown fields ignored, missing fields defaulted."""
        obj = cls()
        for name, field in cls.FIELDS.items():
            if name in data:
                obj._data[name] = field.from_primitive(data[name])
        return obj

    @classmethod
    def obj_from_primitive(cls, primitive: dict[str, Any]) -> VersionedObject:
        """Build from a wire primitive sent by any version of this object."""
        name = primitive.get("cellgate_object.name")
        if name != cls.OBJ_NAME:
            raise ValueError(f"primitive holds a {name!r}, not a {cls.OBJ_NAME!r}")
        return cls.obj_from_data(primitive.get("cellgate_object.data") or {})

    def __repr__(self) -> str:
        return f"<{self.OBJ_NAME} {self._data.get('uuid', '')}>"
