"""Notification e-mail, sent by the task worker (`manage.py db_worker`) so that no request waits
for the mail server. A failure (the server refused, it is down) fails the task, which the task
backend records, instead of silently dropping the mail."""

from django.conf import settings
from django.core.mail import send_mass_mail
from django_tasks import task


@task()
def send_notification_mails(messages):
    """`messages`: [[subject, body, address], …]. Sends them over one connection."""
    datatuple = [(subject, body, settings.DEFAULT_FROM_EMAIL, [address]) for subject, body, address in messages]
    return send_mass_mail(datatuple, fail_silently=False)
