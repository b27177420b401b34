"""Domain exceptions of the cloud core.

They know nothing of HTTP: the HTTP layer maps each class to a status code in one place
(NotFound -> 404, Invalid -> 400, Conflict -> 409, Forbidden -> 403, ...). Every exception
carries a ready-to-show ``message`` written the way Nova words it.
"""

from __future__ import annotations


class CloudError(Exception):
    """Base of every domain exception; ``message`` is the text shown to API users."""

    msg_fmt = "An unknown error occurred."

    def __init__(self, message: str | None = None, **kwargs: object) -> None:
        self.kwargs = kwargs
        if message is None:
            try:
                message = self.msg_fmt % kwargs
            except (KeyError, TypeError):
                message = self.msg_fmt
        self.message = message
        super().__init__(message)


class NotFound(CloudError):
    """A resource does not exist (or is not visible to the caller)."""

    msg_fmt = "Resource could not be found."


class FlavorNotFound(NotFound):
    msg_fmt = "Flavor %(flavor_id)s could not be found."


class FlavorAccessNotFound(NotFound):
    msg_fmt = "Flavor access not found for %(flavor_id)s / %(project_id)s combination."


class FlavorExtraSpecsNotFound(NotFound):
    msg_fmt = "Flavor %(flavor_id)s has no extra specs with key %(extra_specs_key)s."


class ImageNotFound(NotFound):
    """Unknown image; the HTTP layer answers 400 when it happens on boot."""

    msg_fmt = "Image %(image_id)s could not be found."


class InstanceNotFound(NotFound):
    msg_fmt = "Instance %(instance_id)s could not be found."


class MetadataItemNotFound(NotFound):
    msg_fmt = "Metadata item was not found"


class InstanceActionNotFound(NotFound):
    msg_fmt = "Action for request_id %(request_id)s on instance %(instance_uuid)s not found"


class HypervisorNotFound(NotFound):
    msg_fmt = "Hypervisor with ID %(hypervisor_id)s could not be found."


class ServiceNotFound(NotFound):
    msg_fmt = "Service %(service_id)s could not be found."


class KeypairNotFound(NotFound):
    msg_fmt = "Keypair %(name)s not found for user %(user_id)s"


class InstanceGroupNotFound(NotFound):
    msg_fmt = "Instance group %(group_uuid)s could not be found."


class Invalid(CloudError):
    """The request is malformed or names something impossible (-> 400)."""

    msg_fmt = "Invalid input received."


class InvalidKeypair(Invalid):
    msg_fmt = "Keypair data is invalid: %(reason)s"


class Conflict(CloudError):
    """The request conflicts with the current state of a resource (-> 409)."""

    msg_fmt = "Conflict."


class FlavorExists(Conflict):
    msg_fmt = "Flavor already exists."


class FlavorAccessExists(Conflict):
    msg_fmt = ("Flavor access already exists for flavor %(flavor_id)s and project "
               "%(project_id)s combination.")


class KeyPairExists(Conflict):
    msg_fmt = "Key pair '%(key_name)s' already exists."


class InstanceInvalidState(Conflict):
    """An action is not allowed in the instance's current state (-> 409).

    Build it with ``InstanceInvalidState(action=, instance_uuid=, attr=, state=)``; the message
    reads as Nova's: "Cannot 'stop' instance <uuid> while it is in vm_state stopped".
    """

    msg_fmt = "Cannot '%(action)s' instance %(instance_uuid)s while it is in %(attr)s %(state)s"


class UnshelveInvalidState(Conflict):
    """A zone or host given to unshelve a server that is not offloaded (-> 409)."""

    msg_fmt = ('Specifying an availability zone or a host when unshelving server '
               '"%(instance_uuid)s" with status "%(state)s" is not supported. The server '
               'status must be SHELVED_OFFLOADED.')


class HostNotInZone(Conflict):
    """Unshelve to a host outside the zone the server is (or is to be) in (-> 409)."""

    msg_fmt = 'Host "%(host)s" is not in the availability zone "%(availability_zone)s".'


class InstanceIsLocked(Conflict):
    """A locked server refuses actions to non-admins (-> 409)."""

    msg_fmt = "Instance %(instance_uuid)s is locked"


class InstanceNotReady(Conflict):
    """The server has no host to ask (-> 409)."""

    msg_fmt = "Instance %(instance_id)s is not ready"


class Forbidden(CloudError):
    """The caller may not do this (-> 403)."""

    msg_fmt = "Policy doesn't allow this operation to be performed."


class QuotaOrCapacityExceeded(CloudError):
    """A quota or hard limit would be exceeded (-> 403 as Nova's quota errors)."""

    msg_fmt = "Quota exceeded."


class KeypairLimitExceeded(QuotaOrCapacityExceeded):
    msg_fmt = "Quota exceeded, too many key pairs."


class ServerGroupLimitExceeded(QuotaOrCapacityExceeded):
    msg_fmt = "Quota exceeded, too many server groups."


class GroupMemberLimitExceeded(QuotaOrCapacityExceeded):
    msg_fmt = "Quota exceeded, too many servers in group"


class MessagingError(CloudError):
    """A message could not be routed, decoded or handled (unknown method, bad version, ...)."""

    msg_fmt = "Messaging error."


class UnknownMethod(MessagingError):
    msg_fmt = "Cell %(cell)s has no handler for method %(method)s"


class MessageTimeout(MessagingError):
    msg_fmt = "No reply to %(method)s from cell %(cell)s within %(timeout)s seconds"


class SecurityGroupNotFound(NotFound):
    msg_fmt = "Security group %(security_group_id)s does not exist"


class SecurityGroupRuleNotFound(NotFound):
    msg_fmt = "Security group rule %(rule_id)s does not exist"


class SecurityGroupInUse(Invalid):
    """Nova answers Neutron's 409 on a group delete with 400."""

    msg_fmt = "Security Group %(security_group_id)s in use."


class SecurityGroupRuleExists(QuotaOrCapacityExceeded):
    """Neutron's 409 on a duplicate rule, which Nova answers with 403 (as if over quota)."""

    msg_fmt = "Security group rule already exists. Rule id is %(rule_id)s."


class NoUniqueMatch(Conflict):
    msg_fmt = ("Multiple security_group matches found for name '%(name)s', use an ID to be "
               "more specific.")


class AggregateNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s could not be found."


class AggregateNameExists(Conflict):
    msg_fmt = "Aggregate %(aggregate_name)s already exists."


class AggregateHostExists(Conflict):
    msg_fmt = "Aggregate %(aggregate_id)s already has host %(host)s."


class AggregateHostNotFound(NotFound):
    msg_fmt = "Aggregate %(aggregate_id)s has no host %(host)s."


class ComputeHostNotFound(NotFound):
    msg_fmt = "Compute host %(host)s could not be found."
