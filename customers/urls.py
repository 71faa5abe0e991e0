from core.urls import object_urlpatterns

from . import views

app_name = "customers"
urlpatterns = [
    *object_urlpatterns("customer", "customers", list=views.CustomerListView, detail=views.CustomerView,
                        edit=views.CustomerEditView, delete=views.CustomerDeleteView,
                        bulk_edit=views.CustomerBulkEditView, bulk_delete=views.CustomerBulkDeleteView),
    *object_urlpatterns("contact", "contacts", list=views.ContactListView, detail=views.ContactView,
                        edit=views.ContactEditView, delete=views.ContactDeleteView,
                        bulk_delete=views.ContactBulkDeleteView),
]
