from core.tagging import prefetch_tags
from core.views import generic

from . import filtersets, forms, tables
from .models import Project


class ProjectListView(generic.ObjectListView):
    queryset = Project.objects.select_related("customer", "owner", "org_unit").prefetch_related(prefetch_tags())
    filterset_class = filtersets.ProjectFilterSet
    table_class = tables.ProjectTable


class ProjectView(generic.ObjectView):
    queryset = Project.objects.select_related("customer", "sponsor", "owner", "org_unit", "updated_by")
    detail_fields = ("name", "customer", "stage", "budget", "due_date", "sponsor", "tags", "notes")
    highlights = ("owner", "customer", "stage", "due_date")


class ProjectEditView(generic.ObjectEditView):
    queryset = Project.objects.all()
    form_class = forms.ProjectForm


class ProjectDeleteView(generic.ObjectDeleteView):
    queryset = Project.objects.all()


class ProjectBulkEditView(generic.BulkEditView):
    queryset = Project.objects.all()
    form_class = forms.ProjectBulkEditForm


class ProjectBulkDeleteView(generic.BulkDeleteView):
    queryset = Project.objects.all()
