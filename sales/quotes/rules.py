"""Which quotes may change: only the newest version of an opportunity's quotes, while it is a
draft. Older versions and quotes that are waiting for approval, approved, sent or decided are
read-only (make a new version to change them). Enforced as write guards
(core.services.register_write_guard), so pages, bulk actions and the API all refuse the same way."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from sales.models import Quote, QuoteStatus


def newest_revision(opportunity_id):
    return (Quote.objects.filter(opportunity_id=opportunity_id).order_by("-revision")
            .values_list("revision", flat=True).first())


def is_newest(quote):
    return not Quote.objects.filter(opportunity_id=quote.opportunity_id, revision__gt=quote.revision).exists()


def why_locked(quote):
    """Why `quote` may not be edited (text for the person), or None when it may."""
    if quote.status != QuoteStatus.DRAFT:
        return _("This quote is %(status)s and can no longer be changed: make a new version of it.") % {
            "status": quote.get_status_display().lower()}
    if not is_newest(quote):
        return _("Only the newest version of a quote can be changed.")
    return None


def is_editable(quote):
    return quote.pk is not None and quote.deleted_at is None and why_locked(quote) is None


def guard_quote(*, actor, instance, action):
    if action == "change":
        reason = why_locked(instance)
        if reason:
            raise ValidationError(reason)
    elif action == "delete" and instance.status != QuoteStatus.DRAFT:
        raise ValidationError(_("Only a draft quote can be deleted; this one is %(status)s.")
                              % {"status": instance.get_status_display().lower()})


def guard_line(*, actor, instance, action):
    """A line is part of its quote: adding, changing, deleting or restoring one changes the quote."""
    if instance.quote_id is None:
        return
    quote = Quote._base_manager.get(pk=instance.quote_id)
    reason = why_locked(quote) if quote.deleted_at is None else _("The quote is in the recycle bin.")
    if reason:
        raise ValidationError({"quote": reason})
