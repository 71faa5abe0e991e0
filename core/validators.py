"""Validators shared by every object type."""

import re

from django.core.exceptions import ValidationError
from django.utils.deconstruct import deconstructible
from django.utils.translation import gettext_lazy as _

# "+86 10 1234 5678", "(010) 1234-5678", "138 0013 8000", "010-12345678 转 801", "… ext. 801",
# "… x801", "… #801": digits, spaces, +, -, parentheses and dots, then an optional extension.
PHONE_PATTERN = re.compile(
    r"^\+?[\d\s().\-]*\d[\d\s().\-]*"
    r"(?:\s*(?:转|分机|ext\.?|extension|x|#)\s*\d{1,6})?$",
    re.IGNORECASE,
)
PHONE_MIN_DIGITS = 3  # 110, 120, 95588: short service numbers are real phone numbers


@deconstructible
class PhoneValidator:
    message = _("Enter a phone number: digits, spaces, +, - and parentheses, then an optional "
                "extension (转 801, ext. 801).")
    code = "invalid_phone"

    def __call__(self, value):
        text = str(value).strip()
        if not PHONE_PATTERN.match(text) or sum(char.isdigit() for char in text) < PHONE_MIN_DIGITS:
            raise ValidationError(self.message, code=self.code, params={"value": value})

    def __eq__(self, other):
        return isinstance(other, PhoneValidator)


validate_phone = PhoneValidator()
