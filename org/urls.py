from django.urls import path

from core.urls import object_urlpatterns

from . import company_settings, handover_views, views

app_name = "org"
urlpatterns = [
    path("chart/", views.org_tree, name="orgunit_tree"),
    path("employees/<int:pk>/handover/", handover_views.employee_handover, name="employee_handover"),
    path("settings/", company_settings.company_settings, name="company_settings"),
    *object_urlpatterns("orgunit", "units", list=views.OrgUnitListView, detail=views.OrgUnitView,
                        edit=views.OrgUnitEditView, delete=views.OrgUnitDeleteView),
    *object_urlpatterns("employee", "employees", list=views.EmployeeListView, detail=views.EmployeeView,
                        edit=views.EmployeeEditView, bulk_edit=views.EmployeeBulkEditView),
    *object_urlpatterns("productline", "product-lines", list=views.ProductLineListView,
                        detail=views.ProductLineView, edit=views.ProductLineEditView,
                        delete=views.ProductLineDeleteView),
    *object_urlpatterns("team", "teams", list=views.TeamListView, detail=views.TeamView,
                        edit=views.TeamEditView, delete=views.TeamDeleteView),
    *object_urlpatterns("role", "roles", list=views.RoleListView, detail=views.RoleView,
                        edit=views.RoleEditView, delete=views.RoleDeleteView),
]
