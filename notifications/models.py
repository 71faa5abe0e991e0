"""In-app notifications and each user's choice of how events reach them (docs/notifications.md).

Neither is an object type of the registry: a notification belongs to its recipient alone (nobody
else, administrators included, reads it), and preferences are a person's own settings. So their
visibility is not a data scope of a role but `recipient == user`, decided in one place:
`Notification.objects.visible_to(user)` (and the preference rows are only ever read for the
request's user).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def visible_to(self, user, action="view"):
        """A person's own notifications, whatever their roles (no one reads another's)."""
        if not user or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.filter(recipient_id=user.pk)

    def unread(self):
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("recipient"), on_delete=models.CASCADE,
                                  related_name="notifications")
    event = models.CharField(_("event"), max_length=100)
    title = models.CharField(_("title"), max_length=200)
    body = models.TextField(_("text"), blank=True)
    # A path inside Kedao (where the notification leads), never an outside address.
    url = models.CharField(_("link"), max_length=500, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL,
                              null=True, blank=True, related_name="+")
    target_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    target_id = models.BigIntegerField(null=True, blank=True)
    target = GenericForeignKey("target_type", "target_id")
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ("-created_at", "-id")
        indexes = [
            # The centre (newest first) and the unread badge, one index each.
            models.Index(fields=["recipient", "-created_at"], name="notification_recipient_time"),
            models.Index(fields=["recipient", "read_at"], name="notification_recipient_read"),
        ]

    def __str__(self):
        return self.title

    @property
    def is_read(self):
        return self.read_at is not None


class NotificationPreference(models.Model):
    """How one user wants to hear of one event; without a row, the event's defaults apply
    (core.registry.register_notification_event: in-app on, e-mail off unless it says otherwise)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE,
                             related_name="notification_preferences")
    event = models.CharField(_("event"), max_length=100)
    in_app = models.BooleanField(_("in the notification centre"), default=True)
    email = models.BooleanField(_("by e-mail"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")
        constraints = [models.UniqueConstraint(fields=["user", "event"], name="notification_preference_unique")]

    def __str__(self):
        return f"{self.user}: {self.event}"


class OutgoingMail(models.Model):
    """One notification e-mail to one address, written when the notification is delivered and
    marked sent by the worker in the transaction that sends it, so that a task run again (a retry,
    a worker that died) sends only what was not sent (notifications.tasks). Not shown to anyone;
    sent rows are deleted with old notifications (`notifications.prune`)."""

    event = models.CharField(_("event"), max_length=100)
    address = models.EmailField(_("address"), max_length=254)
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("text"))
    created_at = models.DateTimeField(_("time"), auto_now_add=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)

    class Meta:
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        indexes = [models.Index(fields=["sent_at", "created_at"], name="outgoing_mail_sent")]

    def __str__(self):
        return f"{self.address}: {self.subject}"
