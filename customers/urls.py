from django.urls import path

from core.urls import object_urlpatterns

from . import account_team as team
from . import team_panels, views

app_name = "customers"
urlpatterns = [
    path("customers/<int:pk>/account-team/", team_panels.account_team_manage, name="account_team_manage"),
    *object_urlpatterns("customer", "customers", list=views.CustomerListView, detail=views.CustomerView,
                        edit=views.CustomerEditView, delete=views.CustomerDeleteView,
                        bulk_edit=views.CustomerBulkEditView, bulk_delete=views.CustomerBulkDeleteView),
    *object_urlpatterns("contact", "contacts", list=views.ContactListView, detail=views.ContactView,
                        edit=views.ContactEditView, delete=views.ContactDeleteView,
                        bulk_delete=views.ContactBulkDeleteView),
    *object_urlpatterns("accountteammember", "account-team-members", list=team.AccountTeamMemberListView,
                        detail=team.AccountTeamMemberView, edit=team.AccountTeamMemberEditView,
                        delete=team.AccountTeamMemberDeleteView, bulk_delete=team.AccountTeamMemberBulkDeleteView),
    *object_urlpatterns("customerstrategy", "customer-strategies", list=team.CustomerStrategyListView,
                        detail=team.CustomerStrategyView, edit=team.CustomerStrategyEditView,
                        delete=team.CustomerStrategyDeleteView, bulk_delete=team.CustomerStrategyBulkDeleteView),
]
