"""Fault translation and request-schema messages (pure functions)."""

from __future__ import annotations

import testtools

from cellgate.cloud import exceptions as exc
from cellgate.cloud.api import errors, faults
from cellgate.cloud.api.errors import HTTPError
from cellgate.cloud.api.schemas import flavors as flavor_schemas
from cellgate.cloud.api.schemas import servers as server_schemas
from cellgate.cloud.api.validation import validate, validate_identity


class TranslateTest(testtools.TestCase):
    def test_status_per_class(self):
        cases = [
            (exc.InstanceNotFound(instance_id="x"), 404),
            (exc.FlavorNotFound(flavor_id="9"), 404),
            (exc.Invalid("bad"), 400),
            (exc.InstanceInvalidState(action="stop", instance_uuid="u", attr="vm_state",
                                      state="stopped"), 409),
            (exc.FlavorExists(), 409),
            (exc.Forbidden(), 403),
            (exc.QuotaOrCapacityExceeded(), 403),
            (exc.MessagingError(), 500),
        ]
        for error, status in cases:
            self.assertEqual(status, faults.translate(error).status, repr(error))

    def test_message_is_kept(self):
        error = faults.translate(exc.InstanceNotFound(instance_id="abc"))
        self.assertEqual("Instance abc could not be found.", error.message)

    def test_not_found_status_override(self):
        error = faults.translate(exc.ImageNotFound(image_id="i"), not_found_status=400)
        self.assertEqual(400, error.status)

    def test_fault_bodies(self):
        self.assertEqual({"itemNotFound": {"code": 404, "message": "m"}},
                         errors.nova_fault(404, "m"))
        self.assertEqual({"conflictingRequest": {"code": 409, "message": "m"}},
                         errors.nova_fault(409, "m"))
        self.assertEqual({"computeFault": {"code": 406, "message": "m"}},
                         errors.nova_fault(406, "m"))
        self.assertEqual({"error": {"code": 401, "message": "m", "title": "Unauthorized"}},
                         errors.keystone_error(401, "m"))


class SchemaTest(testtools.TestCase):
    def _error(self, validator, body) -> HTTPError:
        return self.assertRaises(HTTPError, validate, validator, body)

    def test_valid_flavor(self):
        validate(flavor_schemas.CREATE, {"flavor": {"name": "f", "ram": 1, "vcpus": 1,
                                                    "disk": 0}})

    def test_wrong_type_names_field(self):
        error = self._error(flavor_schemas.CREATE, {"flavor": {"name": "f", "ram": "x",
                                                               "vcpus": 1, "disk": 0}})
        self.assertEqual(400, error.status)
        self.assertEqual("Invalid input for field/attribute ram. Value: x. 'x' does not match "
                         "'^[0-9]+$'", error.message)

    def test_missing_required(self):
        error = self._error(server_schemas.CREATE_V237, {"server": {
            "name": "s", "flavorRef": "1", "imageRef": "6a9b2c9e-6b6c-4f5e-9d5b-2b1b8f6a0c11"}})
        self.assertTrue(error.message.startswith(
            "Invalid input for field/attribute server. Value: {'name': 's', "), error.message)
        self.assertTrue(error.message.endswith(". 'networks' is a required property"),
                        error.message)

    def test_additional_property(self):
        error = self._error(server_schemas.UPDATE, {"server": {"description": "d"}})
        self.assertIn("Additional properties are not allowed", error.message)
        validate(server_schemas.UPDATE_V219, {"server": {"description": "d"}})

    def test_too_long_name(self):
        error = self._error(server_schemas.CREATE, {"server": {"name": "x" * 256,
                                                               "flavorRef": "1"}})
        self.assertTrue(error.message.startswith("Invalid input for field/attribute name. "
                                                 "Value: xxx"), error.message)
        self.assertTrue(error.message.endswith("' is too long"), error.message)

    def test_identity_errors_use_keystone_wording(self):
        from cellgate.cloud.api.schemas import identity as identity_schemas

        error = self.assertRaises(HTTPError, validate_identity, identity_schemas.AUTH,
                                  {"auth": {"identity": {}}})
        self.assertEqual("Invalid input for field 'auth/identity': 'methods' is a required "
                         "property", error.message)

    def test_formats_are_checked(self):
        error = self._error(server_schemas.UPDATE, {"server": {"accessIPv4": "not-an-ip"}})
        self.assertEqual("Invalid input for field/attribute accessIPv4. Value: not-an-ip. "
                         "'not-an-ip' is not a 'ipv4'", error.message)

    def test_extra_spec_update_needs_exactly_one_key(self):
        self._error(flavor_schemas.EXTRA_SPEC_UPDATE, {})
        self._error(flavor_schemas.EXTRA_SPEC_UPDATE, {"a": "1", "b": "2"})
        self._error(flavor_schemas.EXTRA_SPEC_UPDATE, {"bad/key": "1"})
        validate(flavor_schemas.EXTRA_SPEC_UPDATE, {"hw:cpu_policy": "dedicated"})
