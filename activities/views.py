import datetime

from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.registry import get_activity_target
from core.views.generic import ObjectEditView, object_views

from . import filtersets, forms, tables
from .links import resolve_related
from .models import Activity, ActivityKind
from .services import activity_complete, activity_save


class ActivityEditView(ObjectEditView):
    queryset = Activity.objects.all()
    form_class = forms.ActivityForm
    save_service = staticmethod(activity_save)

    def initial_from_query(self):
        """Also the type from ?kind= ("Log a visit" on a customer's page), and the times from
        ?starts_at= / ?ends_at= / ?due_at= (local "YYYY-MM-DDTHH:MM") and ?all_day=1 (a calendar
        slot clicked). Anything unreadable is left out: the form is only prefilled."""
        values = super().initial_from_query()
        kind = self.request.GET.get("kind")
        if kind in ActivityKind.values:
            values["kind"] = kind
        for name in ("starts_at", "ends_at", "due_at"):
            moment = _local_moment(self.request.GET.get(name, ""))
            if moment is not None:
                values[name] = moment
        if values.get("ends_at") and (not values.get("starts_at") or values["ends_at"] < values["starts_at"]):
            del values["ends_at"]
        if self.request.GET.get("all_day") == "1":
            values["all_day"] = True
        if self.request.GET.get("related"):
            try:
                record = resolve_related(self.request.GET["related"], self.request.user)
            except ValidationError:
                record = None
            if record is not None:
                values["related_type"] = ContentType.objects.get_for_model(type(record))
                values["related_id"] = record.pk
                target = get_activity_target(type(record))
                customer_id = getattr(record, f"{target.customer_field}_id", None) if target.customer_field else None
                if customer_id and "customer" not in values:
                    values["customer_id"] = customer_id
        return values


def _local_moment(text):
    """A local "YYYY-MM-DDTHH:MM" as an aware datetime, or None."""
    if not text or len(text) > 32:
        return None
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError:
        return None
    if not (1900 <= moment.year <= 2999):
        return None
    return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


activity = object_views(
    Activity,
    queryset=Activity.objects.select_related("customer", "contact", "opportunity", "owner", "org_unit",
                                             "updated_by").prefetch_related("participants"),
    list_queryset=Activity.objects.select_related("customer", "opportunity", "owner", "org_unit"),
    filterset=filtersets.ActivityFilterSet, table=tables.ActivityTable, form=forms.ActivityForm,
    bulk_edit_form=forms.ActivityBulkEditForm, save_service=activity_save,
    detail_fields=("kind", "subject", "status", "starts_at", "ends_at", "due_at", "done_at", "priority", "customer",
                   "contact", "opportunity", "participants", "location", "checkin_at", "checkin_place",
                   "email_from", "email_to", "remind_minutes_before", "description"),
    highlights=("kind", "status", "starts_at", "customer"),
    detail={"hide_when_empty": ("ends_at", "due_at", "done_at", "contact", "opportunity", "location", "checkin_at",
                                "checkin_place", "email_from", "email_to", "remind_minutes_before")})
activity["edit"] = ActivityEditView


@require_POST
def activity_complete_view(request, pk):
    if not request.user.is_authenticated:
        raise PermissionDenied
    obj = get_object_or_404(Activity.objects.visible_to(request.user, "view"), pk=pk)
    done = activity_complete(activity=obj, actor=request.user)
    messages.success(request, _("“%(subject)s” is done.") % {"subject": done.subject})
    return HttpResponseRedirect(done.get_absolute_url())
