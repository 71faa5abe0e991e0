"""The Chinese catalogue is complete: every message has a translation and none is a fuzzy guess
(makemessages marks a changed message fuzzy; a fuzzy entry is not used, so the page shows English)."""

import re
from pathlib import Path

from django.conf import settings

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def entries():
    for block in PO.read_text(encoding="utf-8").split("\n\n"):
        lines = [line for line in block.splitlines() if line.strip()]
        msgid = "".join(re.findall(r'^(?:msgid )?"(.*)"$', "\n".join(
            line for line in lines if line.startswith(("msgid", '"')) and not line.startswith("msgid_plural")
        ).split("msgstr")[0], re.M)) if any(line.startswith("msgid") for line in lines) else None
        if not msgid:
            continue  # the header
        strings = re.findall(r'^msgstr(?:\[\d\])? "(.*)"((?:\n".*")*)', block, re.M)
        translated = all(first or rest.strip() for first, rest in strings) and strings
        yield msgid, bool(translated), any(line.startswith("#, ") and "fuzzy" in line for line in lines)


def test_every_message_is_translated_and_none_is_fuzzy():
    untranslated = [msgid for msgid, translated, _fuzzy in entries() if not translated]
    fuzzy = [msgid for msgid, _translated, is_fuzzy in entries() if is_fuzzy]
    assert not untranslated, untranslated[:20]
    assert not fuzzy, fuzzy[:20]

