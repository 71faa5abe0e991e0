"""Saving a deal document: the file is checked and written inside the save's transaction, and
removed again when the save fails (no orphan file left in the private storage)."""

from django.db import transaction

from core.services import object_save


def opportunity_document_save(*, instance, actor, expected_version=None, save_m2m=None, fields=None):
    """Create or update a document as `actor` (the save service of its form and serializer)."""
    instance.take_upload()  # the API validated a copy of the instance: the checked values go on this one
    new_file = bool(instance.file) and not getattr(instance.file, "_committed", True)
    try:
        with transaction.atomic():
            return object_save(instance=instance, actor=actor, expected_version=expected_version,
                               save_m2m=save_m2m, fields=fields)
    except Exception:
        if new_file and getattr(instance.file, "_committed", False):
            instance.file.storage.delete(instance.file.name)
        raise
