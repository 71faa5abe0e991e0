"""Generic object views, written once and used by every object type.

A new object type declares its queryset, filterset, table and form (see
docs/development/adding-an-object.md); visibility always comes from `visible_to()`.
"""

import contextlib

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import FieldDoesNotExist, PermissionDenied, ValidationError
from django.core.paginator import EmptyPage
from django.db import transaction
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.views import View
from django_tables2.paginators import LazyPaginator

from core import exports, formatting, limits, links
from core.filtersets import list_count_limit
from core.forms import ConfirmForm
from core.limits import TooSlow, time_budget, too_broad_message
from core.permissions import has_perm
from core.registry import EAGER_PANELS, actions_for, get_object_type, panels_for
from core.services import VersionConflict, object_delete, object_save
from core.tagging import is_tag_field

PER_PAGE_CHOICES = (25, 50, 100, 200)


def filled_query(query):
    """`query` (a QueryDict) without empty parameters and without pickers' search boxes."""
    return urlencode([(name, value) for name, values in query.lists() if not name.endswith("__search")
                      for value in values if value != ""])


class ObjectMixin(LoginRequiredMixin):
    queryset = None

    @property
    def model(self):
        return self.queryset.model

    def object_type(self):
        return get_object_type(self.model)

    def require_perm(self, action):
        if not has_perm(self.request.user, self.model, action):
            raise PermissionDenied

    def get_object(self, action="view"):
        """404 outside the view scope (no existence leak); 403 when in view but not in `action` scope."""
        self.require_perm("view")
        pk = self.kwargs["pk"]
        obj = self.queryset.visible_to(self.request.user, "view").filter(pk=pk).first()
        if obj is None:
            raise Http404
        if action != "view":
            self.require_perm(action)
            if not self.model.objects.visible_to(self.request.user, action).filter(pk=pk).exists():
                raise PermissionDenied
        return obj

    def url(self, action, obj=None):
        return self.object_type().url(action, obj)

    def safe_return_url(self, default):
        url = self.request.POST.get("return_url") or self.request.GET.get("return_url")
        if url and url_has_allowed_host_and_scheme(url, allowed_hosts={self.request.get_host()}):
            return url
        return default

    def base_context(self, **extra):
        user = self.request.user
        context = {
            "model": self.model,
            "object_type": self.object_type(),
            "verbose_name": self.model._meta.verbose_name,
            "verbose_name_plural": self.model._meta.verbose_name_plural,
            "perms_for": {action: has_perm(user, self.model, action)
                          for action in ("view", "add", "change", "delete", "export")},
            "list_url": self.url("list"),
            "add_url": self.url("add"),
        }
        context.update(extra)
        return context


class ObjectListView(ObjectMixin, View):
    filterset_class = None
    table_class = None
    template_name = "core/object_list.html"
    bulk_edit = True
    # Further actions on the selected rows: (label, url name, icon, permission). The button sends
    # the selection (`pk`) by POST to a page that asks before it changes anything.
    bulk_actions = ()

    def export_rows(self, request):
        """The rows of this list that `request.user` may export, filtered by `request.GET` (None when
        the filters are invalid). The background export (core/imports/exporting.py) runs it again in
        the worker, for the same user."""
        queryset = self.queryset.visible_to(request.user, "export")
        filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
        valid = filterset.is_valid() if filterset.is_bound else True
        return filterset.qs if valid else None

    def get(self, request):
        self.require_perm("view")
        export_format = request.GET.get("export")
        action = "export" if export_format else "view"
        if export_format:
            if export_format not in exports.FORMATS:
                return HttpResponseBadRequest(_("Unknown export format “%(format)s”: use xlsx or csv.")
                                              % {"format": export_format[:20]})
            self.require_perm("export")
        queryset = self.queryset.visible_to(request.user, action)
        filterset = self.filterset_class(request.GET or None, queryset=queryset, request=request)
        valid = filterset.is_valid() if filterset.is_bound else True
        rows = filterset.qs if valid else queryset.none()
        if export_format:
            if not valid:
                messages.error(request, _("Fix the filters before exporting."))
                return HttpResponseRedirect(self.url("list"))
            if not request.GET.get("foreground"):
                from core.imports.exporting import export_in_background

                # More rows than a request should wait for: a background job (core/imports/).
                background = export_in_background(request, self.model, rows, export_format)
                if background is not None:
                    return background
            return exports.export_response(
                request, rows, self.table_class, export_format, self.model._meta.verbose_name_plural
            )
        hidden = self.hidden_columns()
        searched = (filterset.form.cleaned_data.get("q") or "").strip() if valid and filterset.is_bound else ""
        too_broad = None
        try:
            # A text search no index can answer reads every visible row: it gets a time budget
            # (core.limits.time_budget) and, past it, a message beside the search box.
            with time_budget(self.model) if searched else contextlib.nullcontext():
                table, count = self.page_and_count(request, rows, hidden, valid)
        except TooSlow:
            too_broad = too_broad_message(searched)
            filterset.form.add_error("q", too_broad)
            valid = False
            table, count = self.page_and_count(request, queryset.none(), hidden, valid)
        limit = list_count_limit()
        context = self.base_context(
            table=table, filterset=filterset, filter_valid=valid, count=min(count, limit),
            count_capped=count > limit, per_page=self.per_page(), per_page_choices=PER_PAGE_CHOICES,
            optional_columns=self.table_class.optional_columns(), hidden_columns=hidden,
            bulk_edit_url=self.url("bulk_edit") if self.bulk_edit else None,
            bulk_delete_url=self.url("bulk_delete"),
            extra_bulk_actions=[{"label": label, "url": reverse(url_name), "icon": icon}
                                for label, url_name, icon, permission in self.bulk_actions
                                if has_perm(request.user, self.model, permission)],
            query_without_page=self.query_without("page"),
            import_url=self.import_url(),
            # Shown above the results too: a search typed in the box replaces only the results.
            search_error=too_broad,
        )
        template = self.template_name
        if request.htmx and request.htmx.target == "object-list":
            template = "core/partials/object_list_results.html"
        # A search too broad to answer is not a malformed request: the page says what to do.
        response = render(request, template, context, status=200 if valid or too_broad else 400)
        if request.htmx and request.htmx.target == "object-list":
            # The address bar keeps only the filters in use (a form sends every field, empty too).
            query = filled_query(request.GET)
            response["HX-Push-Url"] = f"{request.path}?{query}" if query else request.path
        return response

    def page_and_count(self, request, rows, hidden, valid):
        """The table with its page of rows read, and the bounded count of `rows`."""
        # Not `request=`: django-tables2 would then paginate with Django's Paginator, whose full
        # COUNT(*) of the visible rows we avoid below (LazyPaginator and a bounded count).
        # The related rows a page names, read narrowed to what names them (narrow_related).
        page_rows = rows.related_by_id(narrow=True) if hasattr(rows, "related_by_id") else rows
        table = self.table_class(page_rows, exclude=hidden)
        table.request = request
        sortable = self.filterset_class.ordering_params()
        for name, bound in table.columns.items():
            if name not in sortable:
                bound.column.orderable = False  # the table's own copy: headers link only to allowed sorts
        ordering = request.GET.get("ordering")
        if ordering and valid:
            table.order_by = ordering
        per_page = self.per_page()
        try:
            table.paginate(paginator_class=LazyPaginator, page=self.page_number(), per_page=per_page)
        except EmptyPage:
            # A bookmark or a narrowed filter points past the last page: show the first one.
            table.paginate(paginator_class=LazyPaginator, page=1, per_page=per_page)
        limit = list_count_limit()
        # A bounded count: exact up to the limit, "limit+" beyond, never a full scan of millions.
        count = rows.order_by()[: limit + 1].count() if valid else 0
        return table, count

    def import_url(self):
        """The "Import" button's address when this type has an importer and the user may add."""
        from core.registry import get_importer

        importer = get_importer(self.model._meta.label_lower)
        if importer is None or not has_perm(self.request.user, self.model, "add"):
            return None
        return reverse("core:import_upload", kwargs={"object_type": importer.key})

    def post(self, request):
        """Save the user's column choice for this list."""
        self.require_perm("view")
        allowed = {name for name, _label in self.table_class.optional_columns()}
        shown = set(request.POST.getlist("columns")) & allowed
        prefs = dict(request.user.preferences or {})
        prefs.setdefault("hidden_columns", {})[self.model._meta.label_lower] = sorted(allowed - shown)
        # The user's own row, by its class (request.user is a lazy proxy; type() of it has no manager).
        request.user._meta.model._base_manager.filter(pk=request.user.pk).update(preferences=prefs)
        request.user.preferences = prefs
        return HttpResponseRedirect(request.get_full_path())

    def hidden_columns(self):
        prefs = self.request.user.preferences or {}
        chosen = prefs.get("hidden_columns", {}).get(self.model._meta.label_lower)
        return tuple(self.table_class.default_hidden if chosen is None else chosen)

    def per_page(self):
        try:
            value = int(self.request.GET.get("per_page", 50))
        except ValueError:
            value = 50
        return value if value in PER_PAGE_CHOICES else 50

    # Beyond this page the offset no longer fits a database integer ("?page=99999999999999999999"
    # was a 500); a page past the end shows the first page anyway.
    MAX_PAGE = 10**6

    def page_number(self):
        page = limits.parse_id(self.request.GET.get("page", "1"))
        return page if page is not None and 1 <= page <= self.MAX_PAGE else 1

    def query_without(self, *names):
        query = self.request.GET.copy()
        for name in names:
            query.pop(name, None)
        return query.urlencode()


class ObjectView(ObjectMixin, View):
    """Record page: a header (title, highlights strip, actions), the object's fields, then the
    panels other apps registered for it (beyond the first, loaded lazily) and a timeline slot."""

    template_name = "core/object_detail.html"
    detail_fields = ()  # names of the fields shown in the main card
    # Detail fields left out while empty: those that only mean something in some states (an open
    # deal has no lost reason), where an empty row would read as missing data.
    hide_when_empty = ()
    highlights = None  # key fields in the header strip; None: the object type's `highlights`

    def get(self, request, pk):
        obj = self.get_object("view")
        can_change = self.model.objects.visible_to(request.user, "change").filter(pk=pk).exists()
        can_delete = self.model.objects.visible_to(request.user, "delete").filter(pk=pk).exists()
        context = self.base_context(
            object=obj, fields=self.field_rows(obj), highlights=self.highlight_rows(obj),
            can_change=can_change, can_delete=can_delete,
            edit_url=self.url("edit", obj), delete_url=self.url("delete", obj),
            actions=self.registered_actions(obj, {"view": True, "change": can_change, "delete": can_delete}),
            **self.panel_context(request, obj),
        )
        return render(request, self.template_name, context)

    def panel_context(self, request, obj):
        """Eager panels are rendered now; lazy ones become placeholders that HTMX fills on reveal."""
        object_type = self.object_type()
        panels, timeline, position = [], [], 0
        for panel in panels_for(self.model):
            lazy = panel.lazy if panel.lazy is not None else position >= EAGER_PANELS
            entry = {"name": panel.name, "key": panel.key, "lazy": lazy}
            if lazy:
                entry["url"] = reverse("core:panel", args=[object_type.key, obj.pk, panel.key])
            else:
                entry["html"] = panel.render(request, obj)
                if not entry["html"]:
                    continue
            (timeline if panel.region == "timeline" else panels).append(entry)
            position += panel.region != "timeline"
        return {"panels": panels, "timeline": timeline}

    def registered_actions(self, obj, allowed):
        actions = []
        for action in actions_for(self.model):
            if action.permission not in allowed:
                allowed[action.permission] = self.model.objects.visible_to(
                    self.request.user, action.permission).filter(pk=obj.pk).exists()
            url = action.url(obj) if allowed[action.permission] else None
            if url:
                actions.append({"action": action, "url": url})
        return actions

    def highlight_rows(self, obj):
        names = self.highlights if self.highlights is not None else getattr(self.object_type(), "highlights", ())
        return [self.field_row(obj, name) for name in names]

    def field_rows(self, obj):
        """Label and text of each detail field, through the one formatting layer (core.formatting);
        an empty value is None so that the template marks it as such."""
        rows = [self.field_row(obj, name) for name in self.detail_fields]
        return [row for row in rows if row["value"] is not None or row["name"] not in self.hide_when_empty]

    def field_row(self, obj, name):
        try:
            field = obj._meta.get_field(name)
        except FieldDoesNotExist:
            # Not a field: an attribute or method of the object (a computed highlight).
            value = getattr(obj, name)
            text = formatting.format_value(value() if callable(value) else value)
            attribute = getattr(type(obj), name, None)
            if isinstance(attribute, property):
                attribute = attribute.fget  # a property labels itself through its getter
            label = getattr(attribute, "short_description", name.replace("_", " "))
            return {"name": name, "label": label, "value": None if text == formatting.EMPTY else text}
        text = formatting.format_field(obj, name)
        if self.hidden_related(obj, field):
            text = formatting.hidden_record_label()
        elif text != formatting.EMPTY:
            # Phone, e-mail, website and a related record one may open are links.
            text = links.field_link(field, getattr(obj, name), self.request.user) or text
        return {"name": name, "label": formatting.field_label(field),
                "value": None if text == formatting.EMPTY else text}


    def hidden_related(self, obj, field):
        """A foreign key to a record outside the user's view scope shows that a record is there,
        not its name (an opportunity shared with you, on a customer you may not see)."""
        if not field.many_to_one or getattr(obj, field.attname) is None:
            return False
        if getattr(field.related_model, "reference_data", False):
            return False  # anyone may pick (and so read) a stage or a product (core.related)
        manager = field.related_model._base_manager
        if not hasattr(manager, "visible_to"):
            return False
        return not manager.visible_to(self.request.user, "view").filter(pk=getattr(obj, field.attname)).exists()


class ObjectEditView(ObjectMixin, View):
    """Create (no pk) or update (pk): the version the form was loaded at must still be current."""

    form_class = None
    template_name = "core/object_edit.html"
    # The service that writes the record: object_save, or an app's wrapper around it that adds a
    # workflow (an opportunity's first stage history row and collision check: sales.services).
    save_service = staticmethod(object_save)

    def get_instance(self):
        if "pk" in self.kwargs:
            return self.get_object("change")
        self.require_perm("add")
        return self.model(**self.initial_from_query())

    def initial_from_query(self):
        """Prefill a foreign key from ?<field>=<id> (e.g. a contact created from a customer)."""
        values = {}
        for field in self.model._meta.concrete_fields:
            if field.is_relation and field.name in self.request.GET:
                related = field.related_model
                manager = related.objects
                candidates = manager.visible_to(self.request.user, "view") if hasattr(manager, "visible_to") \
                    else manager.all()
                pk = limits.parse_id(self.request.GET[field.name], related._meta.pk)
                match = candidates.filter(pk=pk).first() if pk is not None else None
                if match is not None:
                    values[field.name] = match
        return values

    def get(self, request, pk=None):
        instance = self.get_instance()
        form = self.form_class(instance=instance, user=request.user)
        return self.render_form(form, instance)

    def post(self, request, pk=None):
        instance = self.get_instance()
        form = self.form_class(request.POST, request.FILES, instance=instance, user=request.user)
        conflict = None
        if form.is_valid() and pk and form.cleaned_data.get("version") is None:
            # Without the version the form was loaded at, a colleague's edit would be overwritten
            # unseen: refuse rather than skip the conflict check.
            form.add_error(None, _("This form does not say which version of the record it edits; "
                                   "reload the page and make your change again."))
        if form.is_valid():
            try:
                obj = self.save_service(
                    instance=form.save(commit=False), actor=request.user,
                    expected_version=form.cleaned_data.get("version") if pk else None,
                    save_m2m=form.save_m2m,
                )
            except VersionConflict as error:
                conflict = error.current
                form.add_error(None, _("%(user)s saved this record while you were editing it. Your changes "
                                       "were not saved; compare them with the current values below.")
                               % {"user": getattr(conflict, "updated_by", None) or _("Someone")})
            except ValidationError as error:
                self.add_errors(form, error)
            else:
                messages.success(request, _("%(name)s saved.") % {"name": obj})
                return HttpResponseRedirect(self.safe_return_url(self.url("detail", obj)))
        return self.render_form(form, instance, conflict=conflict, status=409 if conflict else 400)

    @staticmethod
    def add_errors(form, error):
        if hasattr(error, "error_dict"):
            for field, errors in error.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, error)

    def render_form(self, form, instance, conflict=None, status=200):
        current = None
        if conflict is not None:
            current = []
            for name, field in form.fields.items():
                if name == "version" or name not in {f.name for f in conflict._meta.get_fields()}:
                    continue
                model_field = conflict._meta.get_field(name)
                value = getattr(conflict, f"get_{name}_display")() if getattr(model_field, "choices", None) \
                    else getattr(conflict, name)
                if is_tag_field(model_field):
                    value = ", ".join(getattr(conflict, name).names())
                elif model_field.many_to_many:
                    value = ", ".join(str(item) for item in getattr(conflict, name).all())
                current.append({"label": field.label, "value": value})
            # The retry is based on what is stored now.
            form.data = form.data.copy()
            form.data["version"] = conflict.version
        context = self.base_context(
            form=form, object=instance if instance.pk else None, current_values=current,
            cancel_url=self.url("detail", instance) if instance.pk else self.url("list"),
        )
        return render(self.request, self.template_name, context, status=status)


class ObjectDeleteView(ObjectMixin, View):
    template_name = "core/object_delete.html"

    def get(self, request, pk):
        obj = self.get_object("delete")
        return render(request, self.template_name, self.base_context(object=obj, form=ConfirmForm()))

    def post(self, request, pk):
        obj = self.get_object("delete")
        try:
            object_delete(instance=obj, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return HttpResponseRedirect(self.url("detail", obj))
        messages.success(request, _("%(name)s moved to the recycle bin.") % {"name": obj})
        return HttpResponseRedirect(self.safe_return_url(self.url("list")))


class BulkEditView(ObjectMixin, View):
    form_class = None
    template_name = "core/bulk_edit.html"

    def post(self, request):
        self.require_perm("change")
        editable = self.queryset.visible_to(request.user, "change")
        form = self.form_class(request.POST, queryset=editable, user=request.user)
        if "_apply" in request.POST and form.is_valid():
            changes = form.changed_values()
            # Tags given in a bulk edit are added to each record's own, not replacing them.
            tag_names = {f.name for f in self.model._meta.get_fields() if is_tag_field(f)} & set(changes)
            added = {name: changes[name] for name in tag_names if changes[name]}
            try:
                with transaction.atomic():
                    for obj in form.cleaned_data["pk"]:
                        for name, value in changes.items():
                            if name not in tag_names:
                                setattr(obj, name, value)
                        object_save(instance=obj, actor=request.user,
                                    save_m2m=(lambda o=obj: [getattr(o, n).add(*v) for n, v in added.items()])
                                    if added else None)
            except ValidationError as error:
                ObjectEditView.add_errors(form, error)
            else:
                messages.success(request, _("%(count)d records updated.") % {"count": len(form.cleaned_data["pk"])})
                return HttpResponseRedirect(self.safe_return_url(self.url("list")))
        elif "_apply" not in request.POST:
            form = self.form_class(initial={"pk": request.POST.getlist("pk")}, queryset=editable,
                                   user=request.user)
            selected = editable.filter(pk__in=limits.parse_ids(request.POST.getlist("pk")[:limits.max_bulk_items()],
                                                               self.model._meta.pk))
            if not selected.exists():
                messages.warning(request, _("Select at least one record you may edit."))
                return HttpResponseRedirect(self.safe_return_url(self.url("list")))
        context = self.base_context(form=form, return_url=self.safe_return_url(self.url("list")))
        return render(request, self.template_name, context, status=200 if not form.errors else 400)


class BulkDeleteView(ObjectMixin, View):
    template_name = "core/bulk_delete.html"

    def post(self, request):
        self.require_perm("delete")
        deletable = self.queryset.visible_to(request.user, "delete")
        pks = limits.parse_ids(request.POST.getlist("pk"), self.model._meta.pk)
        if len(pks) > limits.max_bulk_items():
            error = _("Select at most %(limit)d records at a time.") % {"limit": limits.max_bulk_items()}
            context = self.base_context(objects=[], error=error, return_url=self.safe_return_url(self.url("list")))
            return render(request, self.template_name, context, status=400)
        selected = list(deletable.filter(pk__in=pks))
        if not selected:
            messages.warning(request, _("Select at least one record you may delete."))
            return HttpResponseRedirect(self.safe_return_url(self.url("list")))
        if "_confirm" in request.POST:
            try:
                with transaction.atomic():
                    for obj in selected:
                        object_delete(instance=obj, actor=request.user)
            except ValidationError as error:
                messages.error(request, f"{obj}: {' '.join(error.messages)}")
                return HttpResponseRedirect(self.safe_return_url(self.url("list")))
            messages.success(request, _("%(count)d records moved to the recycle bin.") % {"count": len(selected)})
            return HttpResponseRedirect(self.safe_return_url(self.url("list")))
        context = self.base_context(objects=selected, return_url=self.safe_return_url(self.url("list")))
        return render(request, self.template_name, context)


def object_views(model, *, queryset=None, filterset, table, form, bulk_edit_form=None, detail_fields=None,
                 highlights=None, list_queryset=None, views=("list", "detail", "edit", "delete", "bulk_delete"),
                 save_service=None, **extra):
    """The generic views of a plain object type, as keyword arguments for
    `core.urls.object_urlpatterns()`: one declaration instead of six near-identical classes. Types
    with their own behaviour subclass the generic views instead (customers.views)."""
    name = model.__name__
    base = queryset if queryset is not None else model.objects.all()
    made = {}

    def make(suffix, parent, **attrs):
        return type(f"{name}{suffix}", (parent,), {"__module__": model.__module__, **attrs})

    if "list" in views:
        made["list"] = make("ListView", ObjectListView, queryset=list_queryset if list_queryset is not None else base,
                            filterset_class=filterset, table_class=table, **extra.get("list", {}))
    if "detail" in views:
        attrs = {"queryset": base, "detail_fields": tuple(detail_fields or form.Meta.fields)}
        if highlights is not None:
            attrs["highlights"] = highlights
        made["detail"] = make("View", ObjectView, **attrs, **extra.get("detail", {}))
    if "edit" in views:
        attrs = {"queryset": model.objects.all(), "form_class": form}
        if save_service is not None:
            attrs["save_service"] = staticmethod(save_service)
        made["edit"] = make("EditView", ObjectEditView, **attrs)
    if "delete" in views:
        made["delete"] = make("DeleteView", ObjectDeleteView, queryset=model.objects.all())
    if bulk_edit_form is not None:
        made["bulk_edit"] = make("BulkEditView", BulkEditView, queryset=model.objects.all(), form_class=bulk_edit_form)
    if "bulk_delete" in views:
        made["bulk_delete"] = make("BulkDeleteView", BulkDeleteView, queryset=model.objects.all())
    return made
