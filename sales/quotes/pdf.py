"""The quote as a PDF (A4), drawn with reportlab so that Chinese renders whatever reads it.

The font: a CJK TrueType font found on the machine (settings.KEDAO["PDF_FONT"], else WenQuanYi
Micro Hei from Debian's fonts-wqy-microhei, else Noto Sans CJK) is embedded as a subset, so any
viewer shows the same glyphs and the text can be searched and copied. Without one, Adobe's
standard CID font STSong-Light is used: it needs no file (viewers bring it), so a PDF is always
produced and stays readable, only less uniform across viewers."""

import io
import os
from functools import lru_cache
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from .document import document

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
)
CID_FONT = "STSong-Light"
BRAND = colors.HexColor("#0b5cab")
GREY = colors.HexColor("#5c6670")
RULE = colors.HexColor("#d0d5da")


@lru_cache(maxsize=1)
def font_name():
    """Register the CJK font once per process; its reportlab name."""
    configured = (settings.KEDAO.get("PDF_FONT") or "").strip()
    for path in ((configured,) if configured else ()) + FONT_CANDIDATES:
        if path and os.path.isfile(path):
            try:
                pdfmetrics.registerFont(TTFont("KedaoCJK", path, subfontIndex=0))
            except Exception:  # noqa: S112 — an unreadable font file: try the next one
                continue
            return "KedaoCJK"
    pdfmetrics.registerFont(UnicodeCIDFont(CID_FONT))
    return CID_FONT


def _styles(font):
    base = ParagraphStyle("body", fontName=font, fontSize=9, leading=13, wordWrap="CJK")
    return {
        "body": base,
        "small": ParagraphStyle("small", parent=base, fontSize=8, leading=11, textColor=GREY),
        "company": ParagraphStyle("company", parent=base, fontSize=15, leading=20, textColor=BRAND),
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=TA_RIGHT),
        "right": ParagraphStyle("right", parent=base, alignment=TA_RIGHT),
        "small_right": ParagraphStyle("small_right", parent=base, fontSize=8, leading=11, textColor=GREY,
                                      alignment=TA_RIGHT),
        "heading": ParagraphStyle("heading", parent=base, fontSize=10, leading=14, textColor=BRAND, spaceBefore=8,
                                  spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8.5, leading=11.5),
        "cell_right": ParagraphStyle("cell_right", parent=base, fontSize=8.5, leading=11.5, alignment=TA_RIGHT),
        "total": ParagraphStyle("total", parent=base, fontSize=11, leading=15, alignment=TA_RIGHT),
    }


def _p(text, style):
    return Paragraph(escape(str(text or "")).replace("\n", "<br/>"), style)


def _footer(doc_data, font):
    def draw(canvas, doc):
        canvas.saveState()
        canvas.setFont(font, 7.5)
        canvas.setFillColor(GREY)
        canvas.drawString(doc.leftMargin, 10 * mm, f"{doc_data['company']} · {doc_data['number']}")
        canvas.drawRightString(A4[0] - doc.rightMargin, 10 * mm,
                               _("Page %(page)d") % {"page": canvas.getPageNumber()})
        canvas.restoreState()
    return draw


def render_pdf(quote):
    """The PDF of `quote` (bytes), in the active language."""
    font = font_name()
    data = document(quote)
    s = _styles(font)
    width = A4[0] - 36 * mm
    story = []
    header = Table([[_p(data["company"], s["company"]), _p(_("Quotation"), s["title"])],
                    ["", _p(data["number"], s["right"])]], colWidths=[width * 0.6, width * 0.4])
    header.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 1), (-1, 1), 1, BRAND),
                                ("BOTTOMPADDING", (0, 1), (-1, 1), 6), ("LEFTPADDING", (0, 0), (-1, -1), 0),
                                ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story += [header, Spacer(1, 5 * mm)]

    to = [_p(pgettext("addressee", "To"), s["small"]), _p(data["customer"], s["body"])]
    if data["customer_address"]:
        to.append(_p(data["customer_address"], s["small"]))
    if data["customer_phone"]:
        to.append(_p(data["customer_phone"], s["small"]))
    facts = [(_("Quote date"), data["quote_date"]), (_("Valid until"), data["valid_until"]),
             (_("Currency"), quote.currency), (_("Sales contact"), data["seller"])]
    if data["seller_phone"] or data["seller_email"]:
        facts.append(("", " · ".join(x for x in (data["seller_phone"], data["seller_email"]) if x)))
    facts_table = Table([[_p(label, s["small"]), _p(value, s["body"])] for label, value in facts],
                        colWidths=[22 * mm, width * 0.45 - 22 * mm])
    facts_table.setStyle(TableStyle([("LEFTPADDING", (0, 0), (-1, -1), 0), ("TOPPADDING", (0, 0), (-1, -1), 1),
                                     ("BOTTOMPADDING", (0, 0), (-1, -1), 1)]))
    parties = Table([[to, facts_table]], colWidths=[width * 0.55, width * 0.45])
    parties.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LEFTPADDING", (0, 0), (-1, -1), 0)]))
    story += [parties, Spacer(1, 4 * mm)]
    if data["title"]:
        story.append(_p(data["title"], s["heading"]))

    head = [_("No."), _("Product"), _("Quantity"), _("Unit price"), _("Discount"), _("Tax rate"), _("Amount")]
    table_rows = [[_p(text, s["cell_right"] if index >= 2 else s["cell"]) for index, text in enumerate(head)]]
    for row in data["rows"]:
        product = f"{row.code} {row.name}" + (f"\n{row.description}" if row.description else "")
        table_rows.append([_p(row.position, s["cell"]), _p(product, s["cell"]),
                           _p(f"{row.quantity} {row.unit}", s["cell_right"]), _p(row.unit_price, s["cell_right"]),
                           _p(row.discount, s["cell_right"]), _p(row.tax_rate, s["cell_right"]),
                           _p(row.amount, s["cell_right"])])
    widths = [11 * mm, None, 18 * mm, 24 * mm, 18 * mm, 18 * mm, 26 * mm]
    widths[1] = width - sum(w for w in widths if w)
    lines = Table(table_rows, colWidths=widths, repeatRows=1)
    lines.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#eef3f9")), ("LINEBELOW", (0, 0), (-1, 0), 0.8, BRAND),
        ("LINEBELOW", (0, 1), (-1, -1), 0.4, RULE), ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 3), ("BOTTOMPADDING", (0, 0), (-1, -1), 3)]))
    story += [lines, Spacer(1, 3 * mm)]

    summary = [[_p(label, s["right"]), _p(value, s["right"])] for label, value in data["summary"]]
    summary.append([_p(_("Total"), s["total"]), _p(data["gross"], s["total"])])
    if data["gross_words"]:
        summary.append([_p(_("In words (RMB)"), s["small_right"]), _p(data["gross_words"], s["right"])])
    totals = Table(summary, colWidths=[width - 55 * mm, 55 * mm])
    total_row = len(data["summary"])
    totals.setStyle(TableStyle([("LINEABOVE", (0, total_row), (-1, total_row), 0.8, BRAND),
                                ("RIGHTPADDING", (0, 0), (-1, -1), 0)]))
    story += [totals]
    for label, text in ((_("Terms"), data["terms"]), (_("Notes"), data["notes"])):
        if text:
            story += [_p(label, s["heading"]), _p(text, s["body"])]

    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=18 * mm, rightMargin=18 * mm, topMargin=16 * mm,
                            bottomMargin=18 * mm, title=f"{_('Quotation')} {data['number']}", author=data["company"],
                            subject=data["customer"], creator="Kedao")
    doc.build(story, onFirstPage=_footer(data, font), onLaterPages=_footer(data, font))
    return buffer.getvalue()


def filename(quote):
    return f"{quote.number}-v{quote.revision}.pdf"
