"""Quote workflows: create and save (numbering, price list), new version, submit for approval,
send by e-mail, the customer's answer, expiry. Each runs in one transaction with its audit entry
(the quote's history); mail goes out from a background task (sales.quotes.tasks)."""

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.models import ObjectChange
from core.permissions import has_perm
from core.services import log_change, object_save, serialize_object
from sales.models import PriceList, Quote, QuoteLine, QuoteStatus
from sales.models.quotes import DEFAULT_VALIDITY_DAYS

from . import approval, rules, totals

NUMBER_PREFIX = "Q"
SENDABLE = (QuoteStatus.DRAFT, QuoteStatus.APPROVED, QuoteStatus.SENT)


def _require(quote, actor, action="change"):
    """The actor may `action` this quote (and so its opportunity): the one permission decision."""
    if not has_perm(actor, Quote, action) or not Quote.objects.visible_to(actor, action).filter(pk=quote.pk).exists():
        raise PermissionDenied(_("You may not change this quote."))


def _locked(quote):
    return Quote._base_manager.select_for_update().select_related("opportunity").get(pk=quote.pk)


def _log(quote, actor, prechange, **extra):
    post = serialize_object(quote)
    post.update(extra)
    log_change(instance=quote, action=ObjectChange.Action.UPDATE, actor=actor, prechange=prechange, postchange=post)


def next_number(day):
    """Q-2026-000123: the year's next number (the unique constraint catches a simultaneous twin)."""
    prefix = f"{NUMBER_PREFIX}-{day.year}-"
    last = Quote._base_manager.filter(number__startswith=prefix).aggregate(last=Max("number"))["last"]
    tail = last[len(prefix):] if last else ""
    return f"{prefix}{(int(tail) if tail.isdigit() else 0) + 1:06d}"


def default_price_list(opportunity, day, currency):
    """The active price list valid on `day`: the product line's own first, else one for every line."""
    lists = PriceList.objects.filter(
        Q(product_line_id=opportunity.product_line_id) | Q(product_line__isnull=True),
        is_active=True, valid_from__lte=day, currency=currency).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    # The product line's own list before one for every line (NULL sorts differently per database).
    return lists.order_by(F("product_line_id").asc(nulls_last=True), "-valid_from", "-pk").first()


def _reprice(quote, actor):
    """After the price list or the quote date changed: new reference prices; a unit price that was
    the old reference price follows it (one typed by hand stays)."""
    changed = []
    for line in QuoteLine.objects.filter(quote=quote).select_related("product"):
        new = totals.reference_price(quote, line.product)
        if line.unit_price == line.list_price:
            line.unit_price = new
        line.list_price = new
        changed.append(line)
    QuoteLine.objects.bulk_update(changed, ["unit_price", "list_price"])


def quote_save(*, instance, actor, expected_version=None, save_m2m=None, fields=None):
    """Create or update a quote (the save service of its form and serializer).

    A new quote opens the opportunity's chain of versions with the year's next number; it takes
    the price list valid on its date when none is chosen. An opportunity with a quote gets a new
    version of it instead (quote_new_version), and a quote never moves to another opportunity."""
    with transaction.atomic():
        if instance._state.adding or instance.pk is None:
            if Quote.objects.filter(opportunity_id=instance.opportunity_id).exists():
                raise ValidationError({"opportunity": _("This opportunity already has a quote: make a new version "
                                                        "of it instead.")})
            instance.number = next_number(instance.quote_date or timezone.localdate())
            instance.revision = 1
            instance.status = QuoteStatus.DRAFT
            instance.quote_date = instance.quote_date or timezone.localdate()
            if instance.valid_until is None:
                instance.valid_until = instance.quote_date + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS)
            if not instance.price_list_id:
                instance.price_list = default_price_list(instance.opportunity, instance.quote_date, instance.currency)
            return object_save(instance=instance, actor=actor, save_m2m=save_m2m)
        stored = Quote._base_manager.get(pk=instance.pk)
        if instance.opportunity_id != stored.opportunity_id:
            raise ValidationError({"opportunity": _("A quote stays with its opportunity.")})
        saved = object_save(instance=instance, actor=actor, expected_version=expected_version, save_m2m=save_m2m,
                            fields=fields)
        if (saved.price_list_id, saved.quote_date) != (stored.price_list_id, stored.quote_date):
            _reprice(saved, actor)
            totals.recalculate(saved.pk)
        return saved


def quote_line_save(*, instance, actor, expected_version=None, save_m2m=None, fields=None):
    """Create or update a quote line: it stays on its quote, and the quote must be editable."""
    with transaction.atomic():
        if not (instance._state.adding or instance.pk is None):
            stored = QuoteLine._base_manager.get(pk=instance.pk)
            if instance.quote_id != stored.quote_id:
                raise ValidationError({"quote": _("A line stays on its quote.")})
        elif not instance.position:
            last = QuoteLine.objects.filter(quote_id=instance.quote_id).aggregate(last=Max("position"))["last"]
            instance.position = (last or 0) + 1
        return object_save(instance=instance, actor=actor, expected_version=expected_version, save_m2m=save_m2m,
                           fields=fields)


@transaction.atomic
def quote_new_version(*, quote, actor):
    """A new draft version of `quote` (any version of the chain) with a copy of its lines, dated
    today; it becomes the newest version and the only one that can be edited."""
    _require(quote, actor, "view")
    if not has_perm(actor, Quote, "add") or not quote.opportunity.__class__.objects.visible_to(
            actor, "change").filter(pk=quote.opportunity_id).exists():
        raise PermissionDenied(_("You may not add quotes to this opportunity."))
    source = _locked(quote)
    if source.deleted_at is not None:
        raise ValidationError(_("The quote is in the recycle bin."))
    pending = Quote.objects.filter(opportunity_id=source.opportunity_id, status=QuoteStatus.PENDING).first()
    if pending is not None:
        raise ValidationError(_("%(quote)s is waiting for approval: wait for the decision or withdraw it first.")
                              % {"quote": pending})
    today = timezone.localdate()
    revision = (Quote._base_manager.filter(number=source.number).aggregate(last=Max("revision"))["last"] or 0) + 1
    price_list = source.price_list
    if price_list is not None and not price_list.is_valid_on(today):
        price_list = default_price_list(source.opportunity, today, source.currency)
    new = Quote(opportunity=source.opportunity, number=source.number, revision=revision, status=QuoteStatus.DRAFT,
                title=source.title, quote_date=today, currency=source.currency, price_list=price_list,
                discount=source.discount, terms=source.terms, notes=source.notes)
    new.valid_until = today + datetime.timedelta(days=max((source.valid_until - source.quote_date).days, 1)
                                                 if source.valid_until else DEFAULT_VALIDITY_DAYS)
    new = object_save(instance=new, actor=actor)
    lines = []
    for position, line in enumerate(QuoteLine.objects.filter(quote=source).select_related("product"), start=1):
        reference = totals.reference_price(new, line.product)
        lines.append(QuoteLine(
            quote=new, product=line.product, description=line.description, quantity=line.quantity,
            unit_price=reference if line.unit_price == line.list_price else line.unit_price,
            discount=line.discount, list_price=reference, tax_rate=line.product.tax_rate, position=position,
            created_by=actor, updated_by=actor))
    QuoteLine.objects.bulk_create(lines)
    totals.recalculate(new.pk)
    new.refresh_from_db()
    log_change(instance=new, action=ObjectChange.Action.UPDATE, actor=actor, prechange={"copied_from": None},
               postchange={"copied_from": str(source), "lines": len(lines)})
    return new


def _check_can_leave_draft(quote):
    """What refuses a quote going out (for approval or to the customer), checked on the locked row."""
    if not rules.is_newest(quote):
        raise ValidationError(_("Only the newest version of a quote can be submitted or sent."))
    if not QuoteLine.objects.filter(quote=quote).exists():
        raise ValidationError(_("Add at least one line to the quote first."))
    if quote.is_past_validity:
        raise ValidationError(_("The quote was valid until %(day)s: make a new version of it.")
                              % {"day": quote.valid_until.isoformat()})


@transaction.atomic
def quote_submit(*, quote, actor):
    """Ask for approval of a draft whose total discount is above the threshold of its product line
    (approvals app, kind "sales.quote_discount"); the quote waits, read-only, for the decision."""
    _require(quote, actor)
    current = _locked(quote)
    if current.status != QuoteStatus.DRAFT:
        raise ValidationError(_("Only a draft can be submitted for approval; this quote is %(status)s.")
                              % {"status": current.get_status_display().lower()})
    _check_can_leave_draft(current)
    threshold = approval.threshold_for(current)
    if not approval.needs_approval(current, threshold):
        raise ValidationError(_("The total discount is within what may be given without approval: send the "
                                "quote."))
    prechange = serialize_object(current)
    current.status = QuoteStatus.PENDING
    current.updated_by = actor
    current.version += 1
    current.save()
    _log(current, actor, prechange)
    approval.request_approval(current, actor, threshold)
    return current


def clean_recipients(addresses):
    """A list of distinct e-mail addresses (1 to 20), or a ValidationError on "to"."""
    from django.core.validators import validate_email

    found, bad = [], []
    for raw in addresses:
        for address in str(raw).replace("；", ",").replace(";", ",").replace("，", ",").split(","):
            address = address.strip()
            if not address:
                continue
            try:
                validate_email(address)
            except ValidationError:
                bad.append(address[:60])
                continue
            if address.lower() not in {a.lower() for a in found}:
                found.append(address)
    if bad:
        raise ValidationError({"to": _("Not an e-mail address: %(bad)s") % {"bad": ", ".join(bad[:3])}})
    if not found:
        raise ValidationError({"to": _("Give at least one e-mail address.")})
    if len(found) > 20:
        raise ValidationError({"to": _("At most 20 recipients.")})
    return found


def check_sendable(quote):
    """Raise ValidationError when `quote` (the stored row) may not be sent now."""
    if quote.status == QuoteStatus.PENDING:
        raise ValidationError(_("The quote is waiting for approval: it can be sent once it is approved."))
    if quote.status not in SENDABLE:
        raise ValidationError(_("A quote that is %(status)s is not sent again: make a new version of it.")
                              % {"status": quote.get_status_display().lower()})
    _check_can_leave_draft(quote)
    if quote.status == QuoteStatus.DRAFT:
        threshold = approval.threshold_for(quote)
        if approval.needs_approval(quote, threshold):
            raise ValidationError(_("The total discount of %(discount)s%% is above the %(max)s%% allowed without "
                                    "approval: submit the quote for approval first.")
                                  % {"discount": quote.total_discount, "max": threshold.max_discount})


SUBJECT_MAX, MESSAGE_MAX = 200, 5000


def quote_send(*, quote, actor, to, subject, message="", language=None):
    """Queue the e-mail of `quote` (its PDF attached) to `to`; the background task sends it and then
    marks the quote sent in its history. Refused while approval is pending or needed."""
    from django.utils import translation

    recipients = clean_recipients(to if isinstance(to, list | tuple) else [to])
    subject = " ".join(str(subject or "").split())
    message = str(message or "").replace("\x00", "")
    if not subject:
        raise ValidationError({"subject": _("This field is required.")})
    if len(subject) > SUBJECT_MAX:
        raise ValidationError({"subject": _("At most %(n)d characters.") % {"n": SUBJECT_MAX}})
    if len(message) > MESSAGE_MAX:
        raise ValidationError({"message": _("At most %(n)d characters.") % {"n": MESSAGE_MAX}})
    with transaction.atomic():
        _require(quote, actor)
        current = _locked(quote)
        check_sendable(current)
        from .tasks import send_quote

        job = {"quote_id": current.pk, "to": recipients, "subject": subject, "message": message,
               "actor_id": actor.pk, "language": language or translation.get_language()}
        transaction.on_commit(lambda: send_quote.enqueue(**job))
    return current


def quote_mark_sent(*, quote, actor, to):
    """Inside the sending task's transaction, after the mail went out."""
    current = _locked(quote)
    prechange = serialize_object(current)
    current.status = QuoteStatus.SENT
    current.sent_at = timezone.now()
    current.sent_to = ", ".join(to)[:500]
    current.updated_by = actor
    current.version += 1
    current.save()
    _log(current, actor, prechange)
    return current


def quote_log_send_failure(*, quote, actor, error):
    with transaction.atomic():
        log_change(instance=quote, action=ObjectChange.Action.UPDATE, actor=actor,
                   prechange={"send_failed": None}, postchange={"send_failed": str(error)[:300]})


@transaction.atomic
def quote_set_outcome(*, quote, actor, accepted):
    """The customer accepted or rejected the sent quote (the newest version)."""
    _require(quote, actor)
    current = _locked(quote)
    if current.status != QuoteStatus.SENT:
        raise ValidationError(_("Only a sent quote can be accepted or rejected; this one is %(status)s.")
                              % {"status": current.get_status_display().lower()})
    if not rules.is_newest(current):
        raise ValidationError(_("A newer version of this quote exists: record the answer on it."))
    prechange = serialize_object(current)
    current.status = QuoteStatus.ACCEPTED if accepted else QuoteStatus.REJECTED
    current.updated_by = actor
    current.version += 1
    current.save()
    _log(current, actor, prechange)
    return current


def quotes_expire(now=None):
    """Approved and sent quotes past their validity become expired (the scheduled job)."""
    today = timezone.localdate(now) if now else timezone.localdate()
    count = 0
    for quote in Quote.objects.filter(status__in=(QuoteStatus.APPROVED, QuoteStatus.SENT), valid_until__lt=today):
        with transaction.atomic():
            current = _locked(quote)
            if current.status not in (QuoteStatus.APPROVED, QuoteStatus.SENT):
                continue
            prechange = serialize_object(current)
            current.status = QuoteStatus.EXPIRED
            current.version += 1
            current.save()
            _log(current, None, prechange)
            count += 1
    return count


def run_expiry_job(now):
    return _("%(count)d quotes expired") % {"count": quotes_expire(now)}
