"""A dataset that was public and is then deleted or purged leaves CKAN's
other channels too: its activities (and their stored copy of it), its
tags and formats."""
from __future__ import annotations

import pytest

from ckan.plugins import toolkit as tk
from ckan.tests import factories, helpers

from tests.conftest import indikator

pytestmark = pytest.mark.usefixtures("clean_db")


def anonymous(action: str, **params):
    return helpers.call_action(action, context={"user": "",
                                                "ignore_auth": False},
                               **params)


def activity_ids(dataset_id: str) -> list[str]:
    return [a["id"] for a in anonymous(
        "recently_changed_packages_activity_list")
        if a["object_id"] == dataset_id]


@pytest.mark.parametrize("how", ["package_delete", "dataset_purge"])
def test_a_withdrawn_dataset_leaves_the_activity_streams(how):
    sysadmin = factories.Sysadmin()
    org = factories.Organization()
    dataset = indikator(org, tags=[{"name": "pernah-publik"}])
    helpers.call_action("package_patch", context={"user": sysadmin["name"]},
                        id=dataset["id"], notes="perubahan publik")
    seen = activity_ids(dataset["id"])
    assert seen
    assert anonymous("activity_show", id=seen[0], include_data=False)
    assert "pernah-publik" in anonymous("tag_list")

    helpers.call_action(how, context={"user": sysadmin["name"]},
                        id=dataset["id"])
    assert activity_ids(dataset["id"]) == []
    for activity_id in seen:
        with pytest.raises((tk.NotAuthorized, tk.ObjectNotFound)):
            anonymous("activity_show", id=activity_id, include_data=False)
    assert "pernah-publik" not in anonymous("tag_list")
    assert anonymous("tag_autocomplete", q="pernah") == []


def test_member_list_names_only_what_the_caller_may_see():
    org = factories.Organization()
    public = indikator(org)
    draft = indikator(org, private=True)
    members = [m[0] for m in anonymous("member_list", id=org["id"],
                                       object_type="package")]
    assert public["id"] in members and draft["id"] not in members
    everything = [m[0] for m in helpers.call_action(
        "member_list", id=org["id"], object_type="package")]
    assert draft["id"] in everything
