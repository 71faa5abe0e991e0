"""Converting a lead into a customer, a contact and (optionally) an opportunity, in one transaction."""

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from core.services import check_allowed, object_save
from core.validators import validate_phone
from customers.duplicates import find_candidates
from customers.models import Contact, Customer
from customers.models.customer import Source

from ..models import Lead, LeadStatus, Opportunity
from .opportunities import opportunity_save

# Where a model's validation error lands on the conversion form / API body.
CUSTOMER_FIELDS = {"name": "customer_name", "phone": "phone", "email": "email", "province": "province",
                   "city": "city"}
CONTACT_FIELDS = {"name": "contact_name", "title": "title", "mobile": "phone", "phone": "phone", "email": "email"}
OPPORTUNITY_FIELDS = {"name": "opportunity_name", "product_line": "product_line", "pipeline": "product_line",
                      "stage": "product_line", "amount": "amount", "expected_close_date": "expected_close_date"}


class DuplicateCustomers(Exception):
    """Probable duplicates of the customer the conversion would create (customers.duplicates
    Candidates, best first): nothing was written. Choose one of them, or confirm a new customer."""

    def __init__(self, candidates):
        self.candidates = candidates
        super().__init__(f"{len(candidates)} probable duplicates")


@dataclass
class Conversion:
    lead: Lead
    customer: Customer
    contact: Contact
    opportunity: Opportunity | None
    customer_created: bool


def _remap(error, mapping, model):
    found = {}
    for field, messages in error.message_dict.items():
        key = mapping.get(field)
        if key is None:
            key = NON_FIELD_ERRORS
            messages = [f"{capfirst(model._meta.verbose_name)}: {message}" for message in messages]
        found.setdefault(key, []).extend(messages)
    return found


def _checked(instance, mapping):
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ValidationError(_remap(error, mapping, instance.__class__)) from error
    return instance


def _saved(save, instance, mapping, **options):
    try:
        return save(instance=instance, **options)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise ValidationError(_remap(error, mapping, instance.__class__)) from error
        raise


def _is_mobile(phone):
    digits = "".join(ch for ch in phone if ch.isdigit())
    return len(digits) == 11 and digits.startswith("1")


def customer_source(source):
    """The customer's source (a fixed list) for the lead's source (an editable one), by its code."""
    if source is None:
        return ""
    return source.code if source.code in Source.values else Source.OTHER


def _text(value, default):
    return default if value is None else " ".join(str(value).split())


def lead_convert(*, lead, actor, customer=None, confirm_duplicate=False, customer_name=None, contact_name=None,
                 title=None, phone=None, email=None, province=None, city=None, create_opportunity=True,
                 opportunity_name=None, product_line=None, amount=None, expected_close_date=None):
    """Convert `lead` as `actor`: a new customer (or the existing `customer`, which the actor must be
    able to change), a contact at it and, with `create_opportunity`, an opportunity through
    `opportunity_save` (collision registration and the pipeline's first stage apply). Values not
    given come from the lead. The new records belong to the lead's owner (the actor when the lead
    is unassigned); the lead becomes "converted", read-only, and points at them.

    Raises DuplicateCustomers when no customer was chosen, `confirm_duplicate` is false and
    customers.duplicates finds probable duplicates; ValidationError with the form's field names
    (customer_name, contact_name, title, phone, email, province, city, opportunity_name,
    product_line, amount, expected_close_date, customer) for bad values. Nothing is written then."""
    from ..selectors import default_pipeline, first_stage

    with transaction.atomic():
        check_allowed(instance=lead, actor=actor, action="change")
        stored = Lead._base_manager.select_for_update().get(pk=lead.pk)  # no join: PostgreSQL locks no outer join
        if stored.status == LeadStatus.CONVERTED:
            raise ValidationError(_("This lead is converted already."))
        if stored.status == LeadStatus.DISQUALIFIED:
            raise ValidationError(_("A disqualified lead is not converted: set it back to working first."))
        owner = stored.owner or actor
        phone = _text(phone, stored.phone)
        email = _text(email, stored.email)
        created = customer is None
        if customer is not None:
            if not Customer.objects.visible_to(actor, "change").filter(pk=customer.pk).exists():
                raise ValidationError({"customer": _("Choose a customer you may change.")})
        else:
            name = _text(customer_name, stored.company or stored.name)
            if not confirm_duplicate:
                candidates = find_candidates(name=name, phone=phone, email=email, limit=5)
                if candidates:
                    raise DuplicateCustomers(candidates)
            customer = Customer(name=name, kind=Customer.Kind.COMPANY if stored.company else Customer.Kind.PERSON,
                                industry=stored.industry, province=_text(province, stored.province),
                                city=_text(city, stored.city), phone=phone, email=email,
                                source=customer_source(stored.source), owner=owner)
            _checked(customer, CUSTOMER_FIELDS)
            customer = _saved(object_save, customer, CUSTOMER_FIELDS, actor=actor)

        contact = Contact(customer=customer, name=_text(contact_name, stored.name), title=_text(title, stored.title),
                          email=email, notes=stored.description)
        if phone:
            try:
                validate_phone(phone)
            except ValidationError as error:
                raise ValidationError({"phone": error.messages}) from error
            setattr(contact, "mobile" if _is_mobile(phone) else "phone", phone)
        _checked(contact, CONTACT_FIELDS)
        contact = _saved(object_save, contact, CONTACT_FIELDS, actor=actor)

        opportunity = None
        if create_opportunity:
            line = product_line or stored.product_line
            if line is None:
                raise ValidationError({"product_line": _("Choose the product line of the opportunity.")})
            pipeline = default_pipeline(line)
            stage = first_stage(pipeline) if pipeline else None
            if stage is None:
                raise ValidationError({"product_line": _("No active pipeline for this product line; ask an "
                                                         "administrator.")})
            opportunity = Opportunity(
                name=_text(opportunity_name, "") or f"{customer.name} · {line.name}", customer=customer,
                product_line=line, pipeline=pipeline, stage=stage, amount=amount,
                expected_close_date=expected_close_date, source=stored.source, lead=stored, owner=owner)
            _checked(opportunity, OPPORTUNITY_FIELDS)
            opportunity = _saved(opportunity_save, opportunity, OPPORTUNITY_FIELDS, actor=actor)

        stored.status = LeadStatus.CONVERTED
        stored.converted_at = timezone.now()
        stored.converted_customer = customer
        stored.converted_contact = contact
        fields = ["status", "converted_at", "converted_customer", "converted_contact"]
        if stored.owner_id is None:
            stored.owner = actor
            fields.append("owner")
        stored = object_save(instance=stored, actor=actor, fields=fields)
    return Conversion(lead=stored, customer=customer, contact=contact, opportunity=opportunity,
                      customer_created=created)
