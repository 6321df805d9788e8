"""The SOP workflow: every version of a dataset, from draft to published.

States, transitions and who may take them are defined here; the tables are
in ``model.py``, visibility in ``labels.py``, the API in ``actions.py`` and
``auth.py`` (docs/workflow.md).

Other packages take part through an optional module ``gates.py``:

* ``transition_problems(package, transition) -> list[str]``: reasons why a
  transition may not happen now (validation blocks every step but ``reject``
  while a resource has not passed); any reason refuses the transition;
* ``after_transition(package_id, event)``: called inside the transition's
  transaction once it is recorded (the release calendar, notifications);
* ``after_merge(revision_id, public_id, resources)``: a published revision's
  content has replaced the public dataset's, ``resources`` mapping each of
  its resources to the public one that took its place (validation results
  follow their files).
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any, Iterable, Mapping
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert

from ckan import authz, model
from ckan.plugins import toolkit as tk

from ckanext.magetan import packages
from ckanext.magetan.workflow import tables as wm

JAKARTA = ZoneInfo("Asia/Jakarta")

DRAFT, OPD_REVIEW, SUBMITTED, VERIFIED, APPROVED, SCHEDULED, PUBLISHED = (
    "draft", "opd_review", "submitted", "verified", "approved", "scheduled",
    "published")
STATES = (DRAFT, OPD_REVIEW, SUBMITTED, VERIFIED, APPROVED, SCHEDULED,
          PUBLISHED)
REVIEW_STATES = (OPD_REVIEW, SUBMITTED, VERIFIED, APPROVED, SCHEDULED)

# Per OPD, from CKAN's membership of the dataset's organization.
PENGELOLA, PIMPINAN = "pengelola", "pimpinan"
OPD_ROLES = (PENGELOLA, PIMPINAN)
# Walidata, portal-wide, in magetan_role.
STAF, STATISTISI, KASI, KABID, KADIN = (
    "staf", "statistisi", "kasi", "kabid", "kadin")
WALIDATA_ROLES = (STAF, STATISTISI, KASI, KABID, KADIN)
SYSADMIN, SYSTEM = "sysadmin", "system"

# Who acts on a version in each state, most senior first (the role an
# event records when a person holds several).
HOLDERS: dict[str, tuple[str, ...]] = {
    DRAFT: (PENGELOLA,),
    OPD_REVIEW: (PIMPINAN,),
    SUBMITTED: (KASI, STATISTISI, STAF),
    VERIFIED: (KABID,),
    APPROVED: (KADIN,),
    SCHEDULED: (KADIN,),
    PUBLISHED: (),
}

WALIDATA_LABEL = "workflow-walidata"
SYSADMIN_LABEL = "workflow-sysadmin"


@dataclass(frozen=True)
class Transition:
    """A step of the SOP: from which states, to which, and what it asks."""

    name: str
    sources: tuple[str, ...]
    target: str
    needs_reason: bool = False
    needs_forum: bool = False
    needs_release: bool = False
    # nobody takes two forward steps in one round of a version
    segregated: bool = True
    sysadmin_only: bool = False


TRANSITIONS: dict[str, Transition] = {t.name: t for t in (
    Transition("submit", (DRAFT,), OPD_REVIEW),
    Transition("approve_opd", (OPD_REVIEW,), SUBMITTED),
    Transition("verify", (SUBMITTED,), VERIFIED, needs_forum=True),
    Transition("approve", (VERIFIED,), APPROVED),
    Transition("schedule", (APPROVED,), SCHEDULED, needs_release=True),
    # carrying out a release already decided: no new judgement
    Transition("publish", (SCHEDULED,), PUBLISHED, segregated=False),
    # the head of office moves a scheduled release later, or calls it off
    # (the version waits for a new schedule); the reason is the public's
    # notice on the release calendar
    Transition("postpone", (SCHEDULED,), SCHEDULED, needs_reason=True,
               needs_release=True, segregated=False),
    Transition("cancel_release", (SCHEDULED,), APPROVED, needs_reason=True,
               segregated=False),
    Transition("reject", REVIEW_STATES, DRAFT, needs_reason=True,
               segregated=False),
    # historical data, loaded by a sysadmin with a recorded reason
    Transition("import_published", (DRAFT,), PUBLISHED, needs_reason=True,
               segregated=False, sysadmin_only=True),
)}


def state_label(state: str | None) -> str:
    """The Indonesian (or current language's) name of a state."""
    labels = {
        DRAFT: tk._("Draft"),
        OPD_REVIEW: tk._("Awaiting approval by the head of the OPD"),
        SUBMITTED: tk._("Awaiting verification by Walidata"),
        VERIFIED: tk._("Verified"),
        APPROVED: tk._("Approved by the head of division"),
        SCHEDULED: tk._("Scheduled for release"),
        PUBLISHED: tk._("Published"),
    }
    return labels.get(state or "", state or "")


def role_label(role: str) -> str:
    labels = {
        PENGELOLA: tk._("Data manager of the OPD"),
        PIMPINAN: tk._("Head of the OPD"),
        STAF: tk._("Data and statistics staff"),
        STATISTISI: tk._("Statistician"),
        KASI: tk._("Head of section"),
        KABID: tk._("Head of division"),
        KADIN: tk._("Head of office"),
        SYSADMIN: tk._("System administrator"),
        SYSTEM: tk._("Release schedule"),
    }
    return labels.get(role, role)


def transition_label(name: str) -> str:
    labels = {
        "submit": tk._("Submit to the head of the OPD"),
        "approve_opd": tk._("Approve and send to Walidata"),
        "verify": tk._("Verify (forum decision)"),
        "approve": tk._("Approve for publication"),
        "schedule": tk._("Schedule the release"),
        "publish": tk._("Publish now"),
        "postpone": tk._("Postpone the release"),
        "cancel_release": tk._("Cancel the release"),
        "reject": tk._("Return to the OPD"),
        "import_published": tk._("Import as published"),
    }
    return labels.get(name, name)


# -- reading the state ------------------------------------------------------

def row(package_id: str, lock: bool = False) -> Mapping[str, Any] | None:
    """The workflow row of a dataset (None for one the workflow never saw)."""
    query = sa.select(wm.workflow).where(
        wm.workflow.c.package_id == package_id)
    if lock:
        query = query.with_for_update()
    found = model.Session.execute(query).mappings().first()
    return dict(found) if found else None


def state_of(package_id: str) -> str | None:
    return model.Session.execute(
        sa.select(wm.workflow.c.state).where(
            wm.workflow.c.package_id == package_id)).scalar()


def is_public(found: Mapping[str, Any]) -> bool:
    """Whether a workflow row is a published version (a revision never is)."""
    return found["state"] == PUBLISHED and found["revision_of"] is None


def start(package: model.Package) -> None:
    """A new dataset begins as a draft, hidden (``IPackageController.create``)."""
    package.private = True
    model.Session.execute(
        pg_insert(wm.workflow)
        .values(package_id=package.id, state=DRAFT, since=now())
        .on_conflict_do_nothing())


def enforce_visibility(package: model.Package) -> None:
    """``private`` follows the workflow, whatever an update asked
    (``IPackageController.edit``); a dataset without a row (brought back
    after its row went) starts again as a draft."""
    found = row(package.id)
    if found is None:
        if package.state != "deleted":
            start(package)
        else:
            package.private = True
        return
    package.private = not is_public(found)


def forget_revision(package: model.Package) -> None:
    """A revision deleted before publication is abandoned: its row goes
    (so that another revision may start), its events stay
    (``IPackageController.delete``)."""
    model.Session.execute(sa.delete(wm.workflow).where(
        wm.workflow.c.package_id == package.id,
        wm.workflow.c.revision_of.is_not(None)))


def now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


# -- who may act -------------------------------------------------------------

def walidata_roles(user_id: str | None) -> list[str]:
    """The Walidata roles a user holds now."""
    if not user_id:
        return []
    held = set(model.Session.execute(
        sa.select(wm.role.c.role).where(
            wm.role.c.user_id == user_id,
            wm.role.c.revoked_at.is_(None))).scalars())
    return [r for r in WALIDATA_ROLES if r in held]


def user_object(name_or_id: str | None) -> model.User | None:
    return model.User.get(name_or_id) if name_or_id else None


def roles_on(user: model.User | None, package: model.Package) -> list[str]:
    """The roles a user holds on a dataset: OPD roles, then Walidata's."""
    if user is None:
        return []
    roles: list[str] = []
    if package.owner_org:
        capacity = authz.users_role_for_group_or_org(package.owner_org,
                                                     user.name)
        if capacity in ("editor", "admin"):
            roles.append(PENGELOLA)
        if capacity == "admin":
            roles.append(PIMPINAN)
    return roles + walidata_roles(user.id)


def acting_role(user: model.User | None, package: model.Package,
                state: str, transition: Transition) -> str | None:
    """The role in which ``user`` may take ``transition`` from ``state``
    (``sysadmin`` for a sysadmin without such a role), or None."""
    if user is None or state not in transition.sources:
        return None
    if transition.sysadmin_only:
        return SYSADMIN if user.sysadmin else None
    held = roles_on(user, package)
    for role in HOLDERS.get(state, ()):
        if role in held:
            return role
    return SYSADMIN if user.sysadmin else None


def round_actors(package_id: str) -> set[str]:
    """Users who took a forward step since the version last became a draft."""
    events = model.Session.execute(
        sa.select(wm.event.c.user_id, wm.event.c.to_state,
                  wm.event.c.transition)
        .where(wm.event.c.package_id == package_id)
        .order_by(wm.event.c.id.desc())).all()
    actors: set[str] = set()
    for user_id, to_state, transition in events:
        if to_state == DRAFT:
            break
        # scheduling is the head of office's own decision, which they may
        # take again after calling a release off (cancel_release)
        if transition not in ("reject", "schedule", "postpone",
                              "cancel_release") and user_id:
            actors.add(user_id)
    return actors


def available(user: model.User | None, package: model.Package,
              state: str | None = None) -> list[str]:
    """The transitions ``user`` may take on ``package`` now."""
    if package.state != "active":
        return []
    state = state or state_of(package.id)
    if state is None:
        return []
    return [name for name, transition in TRANSITIONS.items()
            if acting_role(user, package, state, transition) is not None]


def may_ever_take(user: model.User | None, package: model.Package,
                  transition: Transition) -> bool:
    """Whether ``user`` holds a role that takes ``transition`` from one of
    its states (the auth function's question; the state itself is checked
    under the version's lock, so that a race is a conflict)."""
    return any(acting_role(user, package, state, transition) is not None
               for state in transition.sources)


def segregation_blocks(user: model.User, package_id: str,
                       transition: Transition) -> bool:
    return transition.segregated and user.id in round_actors(package_id)


def gates(kind: str) -> Iterable[Any]:
    for module in packages.modules("gates"):
        function = getattr(module, kind, None)
        if function is not None:
            yield function


# -- what package_show and the index say ---------------------------------------

def show_state(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``workflow_state`` and its label in ``package_show``."""
    found = row(pkg_dict["id"]) if pkg_dict.get("id") else None
    if found is not None:
        pkg_dict["workflow_state"] = found["state"]
        pkg_dict["workflow_state_label"] = state_label(found["state"])
        if found["revision_of"]:
            pkg_dict["revision_of"] = found["revision_of"]
    return pkg_dict


def index_state(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``workflow_state`` as a search field (``fq=workflow_state:draft``)."""
    found = row(pkg_dict["id"]) if pkg_dict.get("id") else None
    if found is not None:
        pkg_dict["workflow_state"] = found["state"]
        pkg_dict.pop("workflow_state_label", None)
    return pkg_dict
