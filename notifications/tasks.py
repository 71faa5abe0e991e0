"""Notification e-mail, sent by the task worker (`manage.py run_worker`) so that no request waits
for the mail server. A failure (the server refused, it is down) fails the attempt; the task is
retried with back-off (core.tasks.kedao_task) and, failing still, listed for administrators.

Each mail is an OutgoingMail row, marked sent inside the transaction that sends it, row locked:
a run again (a retry, or a worker that died mid-way, recovered by core.tasks.tasks_recover) sends
only the mails not yet sent. The one window left is a worker killed between the server's "250
accepted" and the commit, milliseconds; the mail then goes twice with the same Message-ID, which
mail clients show once."""

from django.conf import settings
from django.core.mail import EmailMessage, get_connection, send_mass_mail
from django.db import transaction
from django.utils import timezone

from core.tasks import kedao_task


def _message_id(mail):
    domain = settings.DEFAULT_FROM_EMAIL.rpartition("@")[2].strip(">") or "kedao.local"
    return f"<kedao-mail-{mail.pk}-{mail.created_at:%Y%m%d%H%M%S}@{domain}>"


@kedao_task()
def send_notification_mails(mail_ids):
    """`mail_ids`: OutgoingMail ids. Sends those not sent yet, over one connection. (A list of
    [subject, body, address] — tasks queued before OutgoingMail existed — is sent as it is.)"""
    from .models import OutgoingMail

    if mail_ids and isinstance(mail_ids[0], list | tuple):
        datatuple = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for subject, body, address in mail_ids]
        return send_mass_mail(datatuple, fail_silently=False)
    sent = 0
    with get_connection(fail_silently=False) as connection:
        for pk in mail_ids:
            with transaction.atomic():
                mail = OutgoingMail.objects.select_for_update().filter(pk=pk, sent_at__isnull=True).first()
                if mail is None:
                    continue  # sent by an earlier run, or pruned
                message = EmailMessage(subject=mail.subject, body=mail.body, from_email=settings.DEFAULT_FROM_EMAIL,
                                       to=[mail.address], connection=connection,
                                       headers={"Message-ID": _message_id(mail)})
                message.send()
                mail.sent_at = timezone.now()
                mail.save(update_fields=["sent_at"])
                sent += 1
    return sent
