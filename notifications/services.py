"""The one way every app tells people something: `notify()` (docs/notifications.md).

An app registers its events once (core.registry.register_notification_event) and calls
`notify(recipients=…, event=…, title=…)` from its service, inside the service's transaction. Nothing
is written or sent until that transaction commits: a refused or rolled-back write tells nobody.
Then each recipient gets an in-app notification and/or an e-mail, as their preferences for that
event say (or the event's defaults). E-mail goes through a background task (notifications.tasks),
so no request waits for a mail server.
"""

import datetime
import logging
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from core.registry import get_notification_event, notification_events
from core.text import clean_text

from .models import Notification, NotificationPreference, OutgoingMail

logger = logging.getLogger(__name__)

# Read notifications older than this are deleted by the scheduled job `notifications.prune`.
KEEP_READ_DAYS = 180
# The badge says "99+" beyond this: counting further would cost more and tell nobody anything.
BADGE_CAP = 99


def _recipient_ids(recipients):
    ids = []
    for recipient in recipients or ():
        pk = recipient.pk if isinstance(recipient, models.Model) else recipient
        if pk is not None and int(pk) not in ids:
            ids.append(int(pk))
    return ids


def internal_path(url):
    """Only a path inside Kedao: a notification never links elsewhere (no open redirect)."""
    url = str(url or "")
    return url if url.startswith("/") and not url.startswith("//") and "\\" not in url else ""


def notify(*, recipients, event, title, body="", url="", actor=None, target=None, include_actor=False):
    """Tell `recipients` (employees or their ids) that `event` happened, once the current
    transaction commits: one in-app Notification each and an e-mail to those whose preference (or
    the event's default) says so. The actor is not told of their own action unless
    `include_actor`. `url` is a path inside Kedao; `target` an optional record it is about.
    `title` and `body` may be lazy translations: they are rendered in the company's language."""
    definition = get_notification_event(event)
    if definition is None:
        raise ValueError(f"Unknown notification event {event!r}: register it with register_notification_event().")
    ids = _recipient_ids(recipients)
    if actor is not None and not include_actor:
        ids = [pk for pk in ids if pk != actor.pk]
    if not ids:
        return
    target_type = ContentType.objects.get_for_model(target.__class__) if target is not None else None
    deliver = partial(_deliver, recipient_ids=ids, event=event, title=title, body=body, url=internal_path(url),
                      actor_id=actor.pk if actor is not None else None,
                      target_type_id=target_type.pk if target_type else None,
                      target_id=target.pk if target is not None else None)
    # robust: the caller's write has committed; a failure to tell people is logged, not raised.
    transaction.on_commit(deliver, robust=True)


def _deliver(*, recipient_ids, event, title, body, url, actor_id, target_type_id, target_id):
    definition = get_notification_event(event)
    with translation.override(settings.LANGUAGE_CODE):
        title = clean_text(str(title)).strip()[:200]
        body = clean_text(str(body or ""), multiline=True)
    people = list(get_user_model().objects.filter(pk__in=recipient_ids, is_active=True).only("pk", "email"))
    chosen = {row.user_id: row for row in NotificationPreference.objects.filter(user_id__in=recipient_ids,
                                                                                 event=event)}
    rows, mails = [], []
    for person in people:
        preference = chosen.get(person.pk)
        in_app = preference.in_app if preference else definition.in_app
        email = preference.email if preference else definition.email
        if in_app:
            rows.append(Notification(recipient_id=person.pk, event=event, title=title, body=body, url=url,
                                     actor_id=actor_id, target_type_id=target_type_id, target_id=target_id))
        if email and person.email:
            mails.append(OutgoingMail(event=event, subject=title, body=_mail_body(body, url), address=person.email))
    with transaction.atomic():
        if rows:
            Notification.objects.bulk_create(rows)
        if mails:
            from .tasks import send_notification_mails

            # The mails and their task commit together: none is queued without its rows.
            ids = [mail.pk for mail in OutgoingMail.objects.bulk_create(mails)]
            send_notification_mails.enqueue(ids)


def _absolute(path):
    return f"{settings.KEDAO.get('SITE_URL', '')}{path}"


def _mail_body(body, url):
    with translation.override(settings.LANGUAGE_CODE):
        parts = [body] if body else []
        if url:
            parts.append(_("Open in Kedao: %(url)s") % {"url": _absolute(url)})
        parts.append("--\n" + _("You get this e-mail because of your notification settings: %(url)s")
                     % {"url": _absolute(reverse("notifications:preferences"))})
    return "\n\n".join(parts)


# --- reading and marking -----------------------------------------------------------------------


def unread_count(user, cap=BADGE_CAP):
    """Unread notifications of `user`, counted up to `cap + 1` (one indexed query)."""
    if not user or not user.is_authenticated:
        return 0
    return Notification.objects.visible_to(user).unread().order_by()[: cap + 1].count()


def notifications_mark_read(*, user, ids=None, now=None):
    """Mark the user's own unread notifications read (those in `ids`, or all). Returns how many."""
    rows = Notification.objects.visible_to(user).unread()
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=now or timezone.now())


def notifications_prune(now=None):
    """The scheduled job: delete read notifications older than KEEP_READ_DAYS."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=KEEP_READ_DAYS)
    deleted, _by_model = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff).delete()
    OutgoingMail.objects.filter(sent_at__isnull=False, created_at__lt=cutoff).delete()
    return f"{deleted} old notifications deleted"


# --- preferences ---------------------------------------------------------------------------------


def preferences_for(user):
    """[(event, in_app, email)] for every registered event: the user's choice or the defaults."""
    chosen = {row.event: row for row in NotificationPreference.objects.filter(user_id=user.pk)}
    result = []
    for definition in notification_events():
        row = chosen.get(definition.key)
        result.append((definition, row.in_app if row else definition.in_app, row.email if row else definition.email))
    return result


@transaction.atomic
def preferences_save(*, user, choices):
    """Store `choices` ({event key: (in_app, email)}) as the user's preferences. Unknown events are
    refused (ValueError); a choice equal to the event's defaults removes the row."""
    for key, (in_app, email) in choices.items():
        definition = get_notification_event(key)
        if definition is None:
            raise ValueError(key)
        if (bool(in_app), bool(email)) == (definition.in_app, definition.email):
            NotificationPreference.objects.filter(user_id=user.pk, event=key).delete()
        else:
            NotificationPreference.objects.update_or_create(user_id=user.pk, event=key,
                                                            defaults={"in_app": bool(in_app), "email": bool(email)})
