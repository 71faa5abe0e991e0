from csp.decorators import csp_replace
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from core.forms import LoginForm
from core.views import auth, pages

urlpatterns = [
    path("", pages.home, name="home"),
    path("healthz", auth.healthz, name="healthz"),
    # Browsers ask for /favicon.ico on their own whatever the page says (and on a first visit in
    # parallel with the page): answer with the icon, not a 404 page.
    path("favicon.ico", pages.favicon),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
         name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Forgotten password: Django's reset by e-mail (a one-time link), with our templates.
    path("password-reset/", auth_views.PasswordResetView.as_view(form_class=auth.StyledPasswordResetForm),
         name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/",
         auth_views.PasswordResetConfirmView.as_view(form_class=auth.StyledSetPasswordForm),
         name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("core.urls")),
    path("org/", include("org.urls")),
    path("", include("customers.urls")),
    path("sales/", include("sales.urls")),
    path("", include("activities.urls")),
    path("", include("targets.urls")),
    path("", include("notifications.urls")),
    path("", include("approvals.urls")),
    path("api/auth/token/", auth.ObtainTokenView.as_view(), name="api_token"),
    path("api/schema/", SpectacularAPIView.as_view(), name="api_schema"),
    # Swagger UI: the split view serves its start-up script from this URL (no inline script); the
    # page's own <style> and Swagger UI's style attributes need inline styles, on this page only
    # (replaced, not added to: beside the plotly hashes a browser would ignore 'unsafe-inline').
    path("api/docs/", csp_replace({"style-src": ["'self'", "'unsafe-inline'"]})(
        SpectacularSwaggerSplitView.as_view(url_name="api_schema")), name="api_docs"),
    path("api/core/", include("core.api.urls")),
    path("api/org/", include("org.api.urls")),
    path("api/customers/", include("customers.api.urls")),
    path("api/sales/", include("sales.api.urls")),
    path("api/activities/", include("activities.api.urls")),
    path("api/targets/", include("targets.api.urls")),
    path("api/notifications/", include("notifications.api.urls")),
    path("api/approvals/", include("approvals.api.urls")),
    path("api/", include("core.imports.api_urls")),
    path("admin/", admin.site.urls),
]


handler400 = "core.views.errors.bad_request"
handler403 = "core.views.errors.permission_denied"
handler404 = "core.views.errors.page_not_found"
handler500 = "core.views.errors.server_error"
