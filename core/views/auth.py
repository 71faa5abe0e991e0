from django.contrib import messages
from django.contrib.auth import authenticate, update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from rest_framework import serializers, status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle
from rest_framework.views import APIView

from core.forms import style_fields
from core.registry import password_setter


def lockout_response(request, credentials, *args, **kwargs):
    """What a locked-out login sees (django-axes): a clear message, HTTP 429."""
    message = _("Too many failed logins. Wait a few minutes, then try again, or ask an administrator.")
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=429)
    return render(request, "registration/locked_out.html", {"message": message}, status=429)


@login_required
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    style_fields(form)
    if request.method == "POST" and form.is_valid():
        # Revokes the API tokens and every other session; this one stays logged in.
        user = request.user
        password_setter()(employee=user, password=form.cleaned_data["new_password1"],
                          keep_session_key=request.session.session_key)
        update_session_auth_hash(request, user)
        messages.success(request, _("Your password was changed."))
        return redirect("home")
    return render(request, "registration/password_change.html", {"form": form},
                  status=400 if form.errors else 200)


class StyledPasswordResetForm(PasswordResetForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)


class StyledSetPasswordForm(SetPasswordForm):
    """The new password of a reset by e-mail: set like every other new password (org.services),
    so that old API tokens and sessions stop working and the change time is recorded."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style_fields(self)

    def save(self, commit=True):
        password_setter()(employee=self.user, password=self.cleaned_data["new_password1"])
        return self.user


def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:  # any database failure means "not healthy"
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok"})


class LoginThrottle(AnonRateThrottle):
    scope = "login"


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)


class TokenResponseSerializer(serializers.Serializer):
    token = serializers.CharField()


class ObtainTokenView(APIView):
    """Exchange a username and password for an API token (`Authorization: Token …`)."""

    permission_classes = [AllowAny]
    authentication_classes = []
    throttle_classes = [LoginThrottle]
    serializer_class = TokenRequestSerializer

    def post(self, request):
        serializer = TokenRequestSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            user = authenticate(request._request, username=serializer.validated_data["username"],
                                password=serializer.validated_data["password"])
        except PermissionDenied:
            return Response({"detail": _("Too many failed logins. Wait a few minutes, then try again.")},
                            status=429)
        if user is None or not user.is_active:
            if getattr(request._request, "axes_locked_out", False):
                return Response({"detail": _("Too many failed logins. Wait a few minutes, then try again.")},
                                status=429)
            return Response({"non_field_errors": [_("Unable to log in with these credentials.")]},
                            status=status.HTTP_400_BAD_REQUEST)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


try:
    from drf_spectacular.utils import extend_schema

    ObtainTokenView.post = extend_schema(request=TokenRequestSerializer, responses=TokenResponseSerializer)(
        ObtainTokenView.post
    )
except ImportError:  # pragma: no cover
    pass
