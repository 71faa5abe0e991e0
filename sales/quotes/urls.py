"""Quote pages, included in sales/urls.py (namespace "sales")."""

from django.urls import path

from core.urls import object_urlpatterns

from . import views

urlpatterns = [
    *object_urlpatterns("quote", "quotes", **views.quote),
    *object_urlpatterns("quoteline", "quote-lines", **views.quoteline),
    *object_urlpatterns("quotediscountthreshold", "quote-discount-thresholds", **views.quotediscountthreshold),
    path("quotes/<int:pk>/new-version/", views.quote_new_version, name="quote_new_version"),
    path("quotes/<int:pk>/submit/", views.quote_submit, name="quote_submit"),
    path("quotes/<int:pk>/send/", views.quote_send, name="quote_send"),
    path("quotes/<int:pk>/accepted/", views.quote_outcome, {"outcome": "accepted"}, name="quote_accepted"),
    path("quotes/<int:pk>/rejected/", views.quote_outcome, {"outcome": "rejected"}, name="quote_rejected"),
    path("quotes/<int:pk>/print/", views.quote_print, name="quote_print"),
    path("quotes/<int:pk>/pdf/", views.quote_pdf, name="quote_pdf"),
]
