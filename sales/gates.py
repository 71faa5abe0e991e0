"""Stage gates: what an opportunity must have before it may enter a stage.

Each requirement is a key with a label and a check; a stage lists the keys it requires
(Stage.requirements). Other parts of the app (quotes) register theirs with `register_requirement`."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Requirement:
    key: str
    label: str
    check: callable  # check(opportunity) -> bool
    missing: str  # what the refusal says


_requirements: dict[str, Requirement] = {}


def register_requirement(key, label, check, missing):
    _requirements[key] = Requirement(key=key, label=label, check=check, missing=missing)


def requirements():
    return list(_requirements.values())


def get_requirement(key):
    return _requirements.get(key)


def requirement_choices():
    return [(r.key, r.label) for r in requirements()]


def missing_requirements(opportunity, stage):
    """The refusals for the requirements of `stage` that `opportunity` does not meet (in stage order)."""
    found = []
    for key in stage.requirements or ():
        requirement = _requirements.get(key)
        if requirement is not None and not requirement.check(opportunity):
            found.append(requirement.missing)
    return found


def _has_decision_maker(opportunity):
    return opportunity.decision_makers.filter(deleted_at__isnull=True).exists()


def _has_lines(opportunity):
    return opportunity.lines.filter(deleted_at__isnull=True).exists()


def _has_competitor(opportunity):
    return opportunity.competitors.filter(deleted_at__isnull=True).exists()


register_requirement("amount", _("Amount"), lambda o: bool(o.amount), _("Enter the amount."))
register_requirement("expected_close_date", _("Expected close date"), lambda o: o.expected_close_date is not None,
                     _("Enter the expected close date."))
register_requirement("decision_maker", _("A decision-maker contact"), _has_decision_maker,
                     _("Add a decision-maker contact."))
register_requirement("line_items", _("Line items"), _has_lines, _("Add at least one product line item."))
register_requirement("competitor", _("A competitor"), _has_competitor, _("Record at least one competitor."))
register_requirement("next_step", _("Next step"), lambda o: bool((o.next_step or "").strip()),
                     _("Say what the next step is."))
