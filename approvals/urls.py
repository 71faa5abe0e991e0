from django.urls import path

from core.urls import object_urlpatterns

from . import policies, views

app_name = "approvals"
urlpatterns = [
    path("approvals/", views.inbox, name="inbox"),
    path("approvals/<int:pk>/", views.request_detail, name="request_detail"),
    path("approvals/<int:pk>/decide/", views.request_decide, name="request_decide"),
    path("approvals/<int:pk>/cancel/", views.request_cancel, name="request_cancel"),
    *object_urlpatterns("approvalpolicy", "approval-policies", list=policies.ApprovalPolicyListView,
                        detail=policies.ApprovalPolicyView, edit=policies.ApprovalPolicyEditView,
                        delete=policies.ApprovalPolicyDeleteView, bulk_delete=policies.ApprovalPolicyBulkDeleteView),
]
