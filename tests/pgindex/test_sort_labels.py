"""Whether a field is sortable is decided over what the caller may see."""
from __future__ import annotations

from typing import Any

import pytest

from ckan.logic import ValidationError
from ckan.tests import factories, helpers

from tests.pgindex.stock import (  # noqa: F401 (stock_db: a fixture)
    stock, stock_db)


def sort_as(user: dict[str, Any] | None, field: str) -> int:
    context = {"ignore_auth": False, "user": user["name"] if user else ""}
    return helpers.call_action("package_search", context=context,
                               include_private=True,
                               sort=f"{field} asc")["count"]


@stock()
@pytest.mark.usefixtures("stock_db")
def test_a_private_field_is_no_oracle():
    member = factories.User()
    org = factories.Organization(
        users=[{"name": member["name"], "capacity": "member"}])
    factories.Dataset(owner_org=org["id"], private=True, name="rahasia",
                      extras=[{"key": "kode_rahasia", "value": "x1"}])
    factories.Dataset(owner_org=org["id"], name="terbuka")
    message = ('Cannot sort by "kode_rahasia": no indexed dataset has this '
               "field.")
    for user in (None, factories.User()):
        with pytest.raises(ValidationError) as error:
            sort_as(user, "kode_rahasia")
        assert error.value.error_dict == {"sort": [message]}
    # the same answer as for a field no dataset has
    with pytest.raises(ValidationError) as error:
        sort_as(None, "kode_lain")
    assert error.value.error_dict["sort"][0].startswith("Cannot sort by")
    assert sort_as(member, "kode_rahasia") == 2
    assert sort_as(factories.Sysadmin(), "kode_rahasia") == 2
