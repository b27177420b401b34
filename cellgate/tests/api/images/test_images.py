"""Glance v2 images seen by a member: the configured images are listed and active; unknown
images are 404 in Glance and 400 when booting from them."""

from __future__ import annotations

from tempest.lib import exceptions as lib_exc
from tempest.lib.common.utils import data_utils

from cellgate.lib import decorators
from cellgate.tests import base
from cellgate.tests.api.servers import _helpers


class ImagesTest(base.BaseComputeTest):
    """Image v2 list and show through the catalog's image endpoint."""

    required_features = ("images",)

    @classmethod
    def resource_setup(cls):
        super().resource_setup()
        cls.client = cls.os_member.images_client

    def _all_images(self):
        images, params = [], {}
        for _ in range(100):
            body = self.client.list_images(params=params)
            images.extend(body["images"])
            if not body.get("next") or not body["images"]:
                return images
            params = {"marker": body["images"][-1]["id"]}
        self.fail("image listing never ended")

    @decorators.idempotent_id('63efc639-5892-4c82-b647-d32aaf6e4f6e')
    def test_configured_images_are_listed_and_active(self):
        by_id = {image["id"]: image for image in self._all_images()}
        for ref in {self.image_ref, self.image_ref_alt}:
            self.assertIn(ref, by_id)
            self.assertEqual("active", by_id[ref]["status"])

    @decorators.idempotent_id('dd2cd278-e1ed-4317-8e5e-1fa9f834f7d1')
    def test_show_image(self):
        image = self.client.show_image(self.image_ref)
        self.assertEqual(self.image_ref, image["id"])
        self.assertEqual("active", image["status"])
        self.assertTrue(image["name"])
        self.assertIn(image["visibility"], ("public", "shared", "community", "private"))

    @decorators.idempotent_id('8cb26b56-610a-4740-8cd0-e17a9ebfb327')
    def test_list_filtered_by_name(self):
        name = self.client.show_image(self.image_ref)["name"]
        images = self.client.list_images(params={"name": name})["images"]
        self.assertIn(self.image_ref, [i["id"] for i in images])
        self.assertEqual({name}, {i["name"] for i in images})

    @decorators.idempotent_id('d34293ba-9769-40d1-9e2a-8b6cd38e97a0')
    def test_list_with_limit_pages(self):
        first = self.client.list_images(params={"limit": 1})
        self.assertEqual(1, len(first["images"]))
        if self.image_ref == self.image_ref_alt:
            self.skipTest("[compute] image_ref and image_ref_alt are the same image")
        self.assertIn("next", first, "two images exist, so a limit of 1 leaves a page")
        marker = first["images"][0]["id"]
        second = self.client.list_images(params={"limit": 1, "marker": marker})["images"]
        self.assertEqual(1, len(second))
        self.assertNotEqual(marker, second[0]["id"])

    @decorators.idempotent_id('ccc70974-e051-4e48-8002-19c4d72a5902')
    def test_show_unknown_image_is_404(self):
        self.assertRaises(lib_exc.NotFound, self.client.show_image, data_utils.rand_uuid())

    @decorators.idempotent_id('0b8db9d3-3c49-434f-b7db-dd95d4f7f3ca')
    def test_boot_with_unknown_image_is_400(self):
        body = {"name": _helpers.unique_name("noimage"), "imageRef": data_utils.rand_uuid(),
                "flavorRef": self.flavor_ref}
        client = self.os_member.servers_client
        self.assertRaises(lib_exc.BadRequest, client.create_server, **body)
        listed = client.list_servers(name=body["name"])["servers"]
        self.assertEqual([], _helpers.find_by_name(listed, body["name"]))
