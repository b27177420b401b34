"""Nova's validation of known flavor extra specs (microversion 2.86).

The validators are Nova 34's (`nova/api/validation/extra_specs`): the hw, hw_rng, hw_video,
os, quota, capabilities, accel, pci_passthrough, vmware, aggregate and un-namespaced ones are
data in `cellgate/data/extra_spec_validators.json`; the trait and resources ones are made, as
Nova makes them, from os-traits and os-resource-classes. A key in a known namespace that no
validator names is refused; a key in any other namespace (or none) is left alone.
"""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources
from typing import Any

import os_resource_classes
import os_traits

from cellgate.cloud.api.errors import HTTPError

_GROUP = {"name": "group", "pattern": r"([a-zA-Z0-9_-]{1,64})?"}
_TRUE = ("1", "t", "true", "on", "y", "yes")
_FALSE = ("0", "f", "false", "off", "n", "no")


@dataclass(frozen=True)
class _Validator:
    name: str
    name_regex: re.Pattern
    value: dict[str, Any]

    def check(self, value: str) -> None:
        spec = self.value
        if spec["type"] == "int":
            try:
                number = int(value)
            except ValueError:
                _fail(f"'{value}' is not a valid integer value.")
            if "max" in spec and spec["max"] < number:
                _fail(f"'{value}' is greater than the max value of '{spec['max']}'.")
            if "min" in spec and spec["min"] > number:
                _fail(f"'{value}' is less than the min value of '{spec['min']}'.")
        elif spec["type"] == "bool":
            if value.strip().lower() not in _TRUE + _FALSE:
                _fail(f"'{value}' is not a valid boolean-like value.")
        elif "pattern" in spec:
            if not re.fullmatch(spec["pattern"], value):
                _fail(f"'{value}' is not of the format '{spec['pattern']}'.")
        elif "enum" in spec and value not in spec["enum"]:
            _fail(f"'{value}' is not one of: {', '.join(str(x) for x in spec['enum'])}.")


def _fail(why: str) -> None:
    raise HTTPError(400, f"Validation failed; {why}")


def _build(name: str, value: dict[str, Any], parameters: list[dict[str, str]]) -> _Validator:
    regex = name
    for param in parameters:  # 'hw:numa_cpus.{id}' -> 'hw:numa_cpus.(?P<id>\d+)'
        regex = regex.replace("{%s}" % param["name"], f"(?P<{param['name']}>{param['pattern']})")
    return _Validator(name, re.compile(regex), value)


@functools.cache
def _registry() -> tuple[dict[str, _Validator], tuple[re.Pattern, ...]]:
    data = json.loads(resources.files("cellgate").joinpath(
        "data/extra_spec_validators.json").read_text(encoding="utf-8"))
    made = [_build(v["name"], v["value"], v.get("parameters", [])) for v in data["validators"]]
    for rc in os_resource_classes.STANDARDS:
        made.append(_build(f"resources{{group}}:{rc}", {"type": "int"}, [_GROUP]))
    made.append(_build("resources{group}:CUSTOM_{resource}", {"type": "int"},
                       [_GROUP, {"name": "resource", "pattern": r"[A-Z0-9_]+"}]))
    presence = {"type": "str", "enum": ["required", "forbidden"]}
    for trait in os_traits.get_traits():
        made.append(_build(f"trait{{group}}:{trait}", presence, [_GROUP]))
    made.append(_build("trait{group}:CUSTOM_{trait}", presence,
                       [_GROUP, {"name": "trait", "pattern": r"[A-Z0-9_]+"}]))
    namespaces = {v.name_regex.pattern.split(":", 1)[0] for v in made
                  if ":" in v.name_regex.pattern}
    return {v.name: v for v in made}, tuple(re.compile(n) for n in sorted(namespaces))


def validate(name: str, value: str) -> None:
    """400 with Nova's message when ``name``/``value`` is not a valid known extra spec."""
    validators, namespaces = _registry()
    if name in validators:
        validators[name].check(value)
        return
    for validator in validators.values():
        if validator.name_regex.fullmatch(name):
            validator.check(value)
            return
    if ":" not in name:
        return
    prefix = name.split(":", 1)[0]
    if any(namespace.fullmatch(prefix) for namespace in namespaces):
        _fail(f"extra spec '{name}' does not appear to be a valid extra spec.")
