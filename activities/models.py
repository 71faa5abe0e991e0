"""Activities (M4): what sellers do with customers — tasks, calls, visits, meetings, notes, logged
e-mails — each linked to a customer, a contact or an opportunity, with participants from any unit."""

import datetime

from django.contrib.contenttypes.fields import GenericForeignKey
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import ScopedModel
from core.search import SearchKeyModel


class ActivityKind(models.TextChoices):
    TASK = "task", _("Task")
    CALL = "call", _("Call")
    VISIT = "visit", _("Visit")
    MEETING = "meeting", _("Meeting")
    NOTE = "note", pgettext_lazy("activity type", "Note")
    EMAIL = "email", pgettext_lazy("activity type", "E-mail")


# Kinds that are a contact with the customer: done, they set the customer's last-contacted date.
CONTACT_KINDS = (ActivityKind.CALL, ActivityKind.VISIT, ActivityKind.MEETING, ActivityKind.EMAIL, ActivityKind.NOTE)


class ActivityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Priority(models.TextChoices):
    LOW = "low", _("Low")
    NORMAL = "normal", _("Normal")
    HIGH = "high", _("High")


class Activity(ScopedModel, SearchKeyModel):
    """One thing done or to do. Visible to whoever the owner's scope reaches, and to its
    participants (activities.access)."""

    search_text_fields = ("subject",)
    picker_detail_fields = ("customer",)
    # The longest span: the calendar looks this far back for entries still running (and a
    # quarter-long "visit" is a typing error).
    MAX_SPAN = datetime.timedelta(days=62)

    kind = models.CharField(_("type"), max_length=10, choices=ActivityKind.choices, default=ActivityKind.TASK)
    subject = models.CharField(_("subject"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    starts_at = models.DateTimeField(_("starts"), null=True, blank=True)
    ends_at = models.DateTimeField(_("ends"), null=True, blank=True)
    all_day = models.BooleanField(_("all day"), default=False)
    due_at = models.DateTimeField(_("due"), null=True, blank=True)
    priority = models.CharField(_("priority"), max_length=10, choices=Priority.choices, default=Priority.NORMAL)
    status = models.CharField(_("status"), max_length=10, choices=ActivityStatus.choices,
                              default=ActivityStatus.PLANNED)
    done_at = models.DateTimeField(_("done at"), null=True, blank=True, editable=False)
    customer = models.ForeignKey("customers.Customer", verbose_name=_("customer"), on_delete=models.PROTECT,
                                 null=True, blank=True, related_name="activities")
    contact = models.ForeignKey("customers.Contact", verbose_name=_("contact"), on_delete=models.PROTECT,
                                null=True, blank=True, related_name="activities")
    opportunity = models.ForeignKey("sales.Opportunity", verbose_name=_("opportunity"), on_delete=models.PROTECT,
                                    null=True, blank=True, related_name="activities")
    # A record of a later type (core.registry.register_activity_target: a lead, a contract…).
    related_type = models.ForeignKey("contenttypes.ContentType", verbose_name=_("linked record type"),
                                     on_delete=models.PROTECT, null=True, blank=True, editable=False,
                                     related_name="+")
    related_id = models.PositiveBigIntegerField(_("linked record"), null=True, blank=True, editable=False)
    related = GenericForeignKey("related_type", "related_id")
    participants = models.ManyToManyField("org.Employee", verbose_name=_("participants"), blank=True,
                                          related_name="activities_joined")
    location = models.CharField(_("place"), max_length=200, blank=True)
    checkin_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    checkin_place = models.CharField(_("check-in place"), max_length=200, blank=True)
    checkin_lat = models.DecimalField(_("check-in latitude"), max_digits=9, decimal_places=6, null=True, blank=True,
                                      validators=[MinValueValidator(-90), MaxValueValidator(90)])
    checkin_lng = models.DecimalField(_("check-in longitude"), max_digits=9, decimal_places=6, null=True,
                                      blank=True, validators=[MinValueValidator(-180), MaxValueValidator(180)])
    email_from = models.CharField(_("e-mail from"), max_length=254, blank=True)
    email_to = models.CharField(_("e-mail to"), max_length=500, blank=True)
    remind_minutes_before = models.PositiveIntegerField(
        _("remind minutes before"), null=True, blank=True, validators=[MaxValueValidator(60 * 24 * 30)],
        help_text=_("Empty: no reminder."))
    reminded_at = models.DateTimeField(_("reminded at"), null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("activity")
        verbose_name_plural = _("activities")
        ordering = ("-starts_at", "-pk")
        indexes = [
            # A person's or a unit's calendar (activities.calendar_selectors.window_condition).
            models.Index(fields=["owner", "starts_at", "ends_at", "due_at"], name="activity_owner_when"),
            models.Index(fields=["org_unit", "starts_at", "ends_at", "due_at"], name="activity_unit_when"),
            # A bounded count asks a manager's units or a seller's own rows first (core.models.
            # KedaoQuerySet.count): live rows only, read from the index alone (13.7 → 0.2 ms for a branch).
            models.Index(fields=["org_unit"], condition=models.Q(deleted_at__isnull=True), name="activity_unit_live"),
            models.Index(fields=["owner"], condition=models.Q(deleted_at__isnull=True), name="activity_owner_live"),
            models.Index(fields=["customer", "starts_at"], name="activity_customer_start"),
            models.Index(fields=["opportunity", "starts_at"], name="activity_opp_start"),
            models.Index(fields=["related_type", "related_id", "starts_at"], name="activity_related_start"),
            models.Index(fields=["status", "due_at"], name="activity_status_due"),
            # Open tasks by owner and due time (overdue tasks in the daily reports and reports).
            models.Index(fields=["owner", "due_at"], name="activity_open_task_due",
                         condition=models.Q(status="planned", kind="task")),
            models.Index(fields=["owner", "done_at"], name="activity_owner_done"),
            # A person's planned activities by due time (the home page's "my open tasks"): without it
            # PostgreSQL walked (status, due_at) over every planned activity looking for theirs, 1.9 s
            # on 10,000,000 activities for someone with none due.
            models.Index(fields=["owner", "due_at", "starts_at"], name="activity_owner_planned",
                         condition=models.Q(status="planned")),
            # The list's default order: the CEO's first page walks it instead of sorting millions.
            models.Index(fields=["-starts_at", "-id"], name="activity_start_desc"),
            # The daily reports count the tasks ticked off in a day.
            models.Index(fields=["done_at"], name="activity_done"),
            # The activity reports (activities/reports.py) group a period's, or every planned,
            # activity by owner or unit, with the viewer's condition (units, owners, participants
            # by id): every column they read is in these indexes, so PostgreSQL reads the index
            # alone, not rows spread over the whole table (a month of a 10,000,000-activity
            # company, visits per seller: 1.6 s → 0.15 s; docs/benchmarks.md). PostgreSQL only:
            # other databases have no INCLUDE and skip them.
            models.Index(fields=["starts_at"], include=["owner", "org_unit", "kind", "status", "id"],
                         condition=models.Q(deleted_at__isnull=True), name="activity_start_cover"),
            models.Index(fields=["done_at"], include=["owner", "org_unit", "id"],
                         condition=models.Q(kind="task", status="done", deleted_at__isnull=True),
                         name="activity_task_done_cover"),
            models.Index(fields=["due_at"], include=["starts_at", "owner", "org_unit", "kind", "id"],
                         condition=models.Q(status="planned", deleted_at__isnull=True), name="activity_planned_cover"),
        ]

    def __str__(self):
        return self.subject

    @property
    def when(self):
        """The time that places the activity: its start, else its due time (tasks)."""
        return self.starts_at or self.due_at

    def clean(self):
        self.subject = " ".join((self.subject or "").split())
        errors = {}
        if self.starts_at and self.ends_at and self.ends_at < self.starts_at:
            errors["ends_at"] = _("The end is before the start.")
        if self.ends_at and not self.starts_at:
            errors["starts_at"] = _("Give the start too.")
        if self.starts_at and self.ends_at and self.ends_at - self.starts_at > self.MAX_SPAN:
            errors["ends_at"] = _("An activity lasts at most %(days)s days; plan a longer one as several.") % {
                "days": self.MAX_SPAN.days}
        if self.kind == ActivityKind.TASK and not (self.due_at or self.starts_at):
            errors["due_at"] = _("A task needs a due time.")
        if self.kind in (ActivityKind.VISIT, ActivityKind.MEETING, ActivityKind.CALL) and not self.starts_at:
            errors["starts_at"] = _("Give the time of the %(kind)s.") % {"kind": self.get_kind_display().lower()}
        if (self.checkin_lat is None) != (self.checkin_lng is None):
            errors["checkin_lng" if self.checkin_lng is None else "checkin_lat"] = _(
                "Give both latitude and longitude.")
        # The links must agree: a contact of the customer, a deal of the customer.
        if self.contact_id and self.customer_id and self.contact.customer_id != self.customer_id:
            errors["contact"] = _("This contact belongs to another customer.")
        if self.opportunity_id and self.customer_id and self.opportunity.customer_id != self.customer_id:
            errors["opportunity"] = _("This opportunity is for another customer.")
        related_customer_id = self.related_customer_id()
        if related_customer_id and self.customer_id and related_customer_id != self.customer_id:
            errors["customer"] = _("The linked record is for another customer.")
        if errors:
            raise ValidationError(errors)
        if not self.customer_id:
            if self.contact_id:
                self.customer_id = self.contact.customer_id
            elif self.opportunity_id:
                self.customer_id = self.opportunity.customer_id
            elif related_customer_id:
                self.customer_id = related_customer_id

    def related_customer_id(self):
        """The customer of the linked record of a later type, when its type names one."""
        from core.registry import get_activity_target

        if not (self.related_type_id and self.related_id):
            return None
        target = get_activity_target(self.related_type.model_class())
        related = self.related if target and target.customer_field else None
        return getattr(related, f"{target.customer_field}_id", None) if related is not None else None


from .calendar_models import CalendarFeed  # noqa: E402,F401  (the calendar's own model, kept in its module)
from .models_reports import DailyReport, DailyReportComment, Plan, PlanComment, PlanPeriod  # noqa: E402, F401
