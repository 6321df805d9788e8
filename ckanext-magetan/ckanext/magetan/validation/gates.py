"""The workflow's hooks: a version moves on only when every table of it
has passed validation, and a published revision's results follow its
files to the public dataset."""
from __future__ import annotations

from typing import Mapping

from ckan import model
from ckan.plugins import toolkit as tk

from ckanext.magetan import validation


# steps that move nothing forward: returning a version, and the head of
# office moving or calling off its release
NOT_GATED = ("reject", "postpone", "cancel_release")


def transition_problems(package: model.Package, transition: str) -> list[str]:
    if transition in NOT_GATED:
        return []
    messages = {
        validation.FAILURE: tk._("Resource {name} failed validation: fix "
                                 "the file (see its validation report) "
                                 "before this step."),
        validation.ERROR: tk._("Resource {name} could not be validated: see "
                               "its validation report, fix the file or "
                               "run the validation again."),
        validation.PENDING: tk._("Resource {name} is still being validated: "
                                 "wait for its result before this step.")}
    return [messages[status].format(name=resource.name or resource.id)
            for resource, status in validation.blocking(package.id)]


def after_merge(revision_id: str, public_id: str,
                resources: Mapping[str, str]) -> None:
    validation.copy_results(resources)
    validation.forget(resources)
