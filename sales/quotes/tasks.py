"""Sending a quote by e-mail, in the background worker (django-tasks): the PDF is drawn and the
mail sent there, so no request waits for either; the quote is marked sent once the mail went."""

from core.tasks import kedao_task


@kedao_task()
def send_quote(*, quote_id, to, subject, message, actor_id, language):
    from django.conf import settings
    from django.core.exceptions import PermissionDenied, ValidationError
    from django.core.mail import EmailMessage
    from django.db import transaction
    from django.utils import translation

    from org.models import Employee
    from sales.models import Quote

    from . import services
    from .pdf import filename, render_pdf

    quote = Quote.objects.select_related("opportunity__customer", "opportunity__owner").filter(pk=quote_id).first()
    actor = Employee.objects.filter(pk=actor_id, is_active=True).first()
    if quote is None or actor is None:
        return "gone"
    try:
        with transaction.atomic():
            services._require(quote, actor)
            # Checked again on the locked row: it may have changed since the request was queued.
            current = services._locked(quote)
            services.check_sendable(current)
            with translation.override(language):
                pdf = render_pdf(current)
            mail = EmailMessage(subject=subject, body=message, from_email=settings.DEFAULT_FROM_EMAIL, to=to,
                                reply_to=[actor.email] if actor.email else None)
            mail.attach(filename(current), pdf, "application/pdf")
            mail.send()
            services.quote_mark_sent(quote=current, actor=actor, to=to)
    except (ValidationError, PermissionDenied, OSError) as error:
        text = " ".join(getattr(error, "messages", None) or [str(error)])
        services.quote_log_send_failure(quote=quote, actor=actor, error=text)
        return f"failed: {text}"
    return "sent"
