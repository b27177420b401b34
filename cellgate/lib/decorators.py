"""Test decorators: tempest.lib's, plus feature/microversion requirements as plain metadata.

`requires_features` and `requires_microversion` only attach attributes to the test function (or
class); the test base class reads them in `setUp` and skips against the harness config, so the
library stays free of any config.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from tempest.lib.common import api_version_request
from tempest.lib.decorators import attr, idempotent_id, skip_because  # noqa: F401  (re-exports)

FEATURES_ATTR = "cellgate_required_features"
MICROVERSION_ATTR = "cellgate_microversion_range"

_T = TypeVar("_T", bound=Callable)


def requires_features(*flags: str) -> Callable[[_T], _T]:
    """Mark a test as needing every `[compute-feature-enabled]` flag in `flags`."""
    if not flags or not all(isinstance(flag, str) and flag for flag in flags):
        raise ValueError("requires_features needs one or more flag names")

    def decorator(target: _T) -> _T:
        existing = tuple(getattr(target, FEATURES_ATTR, ()))
        setattr(target, FEATURES_ATTR, existing + tuple(f for f in flags if f not in existing))
        return target

    return decorator


def requires_microversion(min_version: str, max_version: str | None = None
                          ) -> Callable[[_T], _T]:
    """Mark a test as needing a compute microversion in [min_version, max_version].

    The test does not switch microversion by itself: use the base class's `use_microversion`
    (or the class `microversion`) for that.
    """
    low = api_version_request.APIVersionRequest(min_version)  # raises on malformed input
    if max_version is not None:
        high = api_version_request.APIVersionRequest(max_version)
        if high < low:
            raise ValueError(f"requires_microversion: max {max_version} < min {min_version}")

    def decorator(target: _T) -> _T:
        setattr(target, MICROVERSION_ATTR, (min_version, max_version))
        return target

    return decorator


def required_features_of(target: object) -> tuple[str, ...]:
    """The feature flags `requires_features` attached to `target` (empty when none)."""
    return tuple(getattr(target, FEATURES_ATTR, ()))


def microversion_range_of(target: object) -> tuple[str, str | None] | None:
    """The (min, max) `requires_microversion` attached to `target`, or None."""
    return getattr(target, MICROVERSION_ATTR, None)
