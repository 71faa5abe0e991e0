"""The login page: a language switch before logging in, and a forgotten password reset by e-mail."""

import re

import pytest
from django.core import mail

pytestmark = pytest.mark.django_db


def test_login_page_switches_language_without_logging_in(client):
    html = client.get("/login/").content.decode()
    switch = html.split('data-testid="login-language"')[1].split("</form>")[0]
    assert 'name="language"' in switch and 'data-submit-on-change' in switch
    assert '<option value="en" lang="en">English</option>' in switch
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"}, follow=True)
    assert "Log in to Kedao" in response.content.decode()


def test_forgotten_password_is_reset_through_an_emailed_link(client, world):
    from rest_framework.authtoken.models import Token

    user = world.seller1
    token = Token.objects.create(user=user)
    html = client.get("/login/").content.decode()
    assert 'href="/password-reset/" data-testid="forgot-password"' in html and "忘记密码" in html
    page = client.get("/password-reset/").content.decode()
    assert "重置密码" in page and 'class="form-control' in page
    response = client.post("/password-reset/", {"email": user.email})
    assert response.status_code == 302 and response["Location"] == "/password-reset/sent/"
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert "重置" in message.subject and user.username in message.body
    link = re.search(r"https?://[^/]+(/password-reset/[^/]+/[^/\s]+/)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "设置新密码" in form.content.decode()
    response = client.post(form.redirect_chain[-1][0], {"new_password1": "Kedao-新密码-2026",
                                                        "new_password2": "Kedao-新密码-2026"})
    assert response.status_code == 302 and response["Location"] == "/password-reset/done/"
    user.refresh_from_db()
    assert user.check_password("Kedao-新密码-2026")
    # Like every new password: the old API token stops working, the change time is kept.
    assert not Token.objects.filter(pk=token.pk).exists() and user.password_changed_at is not None
    # The link works once.
    assert "已失效" in client.get(link, follow=True).content.decode()
