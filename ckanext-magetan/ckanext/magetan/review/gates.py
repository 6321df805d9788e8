"""The workflow's hook: a version returned with comments that ask for work
goes back to review only once the OPD has answered each."""
from __future__ import annotations

from ckan import model
from ckan.plugins import toolkit as tk

from ckanext.magetan import review


def transition_problems(package: model.Package, transition: str) -> list[str]:
    if transition != "submit":
        return []
    open_comments = review.unanswered(package.id)
    if not open_comments:
        return []
    return [tk._("Answer the review comments first: {n} of the last round "
                 "ask for work and have no answer.").format(n=open_comments)]
