"""Unified social credit code (统一社会信用代码), GB 32100-2015."""

import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, S, V, Z
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17):
    total = sum(CHARSET.index(char) * weight for char, weight in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalize_credit_code(value):
    """What people type → the code: full-width characters as ASCII, every kind of space removed
    (also the ideographic one), upper case."""
    return "".join(unicodedata.normalize("NFKC", value or "").split()).upper()


def validate_credit_code(value):
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(_("A unified social credit code has 18 characters; this one has %(n)d."),
                              code="length", params={"n": len(code)})
    bad = [char for char in code if char not in CHARSET]
    if bad:
        raise ValidationError(_("“%(char)s” cannot appear in a unified social credit code."),
                              code="charset", params={"char": bad[0]})
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(_("The check digit is wrong: check the code for a typing error."),
                              code="checksum")
