"""The secret address of a person's iCalendar feed (activities.feed): phone and desktop calendars
subscribe without logging in, so the address itself is the key. One per employee; revoking it
makes the old address answer 404, regenerating gives a new one."""

import secrets

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


def new_feed_token():
    # 32 random bytes, URL-safe: not guessable, and short enough for a calendar app's address field.
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    employee = models.OneToOneField(settings.AUTH_USER_MODEL, verbose_name=_("employee"), on_delete=models.CASCADE,
                                    related_name="calendar_feed")
    token = models.CharField(_("token"), max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    # Empty while the address works; set when its owner turns it off.
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    class Meta:
        verbose_name = _("calendar feed")
        verbose_name_plural = _("calendar feeds")

    def __str__(self):
        return f"{self.employee} calendar feed"

    @property
    def active(self):
        return self.revoked_at is None
