"""The one place where domain exceptions of the cloud core become HTTP errors."""

from __future__ import annotations

from cellgate.cloud import exceptions as exc
from cellgate.cloud.api.errors import HTTPError

# Most specific classes first: the first isinstance match wins.
_STATUS_BY_CLASS: tuple[tuple[type[exc.CloudError], int], ...] = (
    (exc.NotFound, 404),
    (exc.Invalid, 400),
    (exc.InstanceInvalidState, 409),
    (exc.Conflict, 409),
    (exc.Forbidden, 403),
    (exc.QuotaOrCapacityExceeded, 403),
)


def translate(error: exc.CloudError, *, not_found_status: int | None = None) -> HTTPError:
    """Map a domain exception to an HTTPError with Nova's status code.

    `not_found_status` lets a caller say that a missing referenced resource is the client's
    mistake rather than a missing target (Nova answers 400 for an unknown image or flavor on
    boot, 404 for an unknown server).
    """
    for cls, status in _STATUS_BY_CLASS:
        if isinstance(error, cls):
            if status == 404 and not_found_status is not None:
                status = not_found_status
            return HTTPError(status, error.message)
    return HTTPError(500, "Unexpected API Error. Please report this at "
                          "http://bugs.launchpad.net/nova/ and attach the Nova API log if "
                          "possible.\n%s" % type(error).__name__)
