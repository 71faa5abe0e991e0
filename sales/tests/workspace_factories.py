"""Factories of the deal workspace's records (documents, strategy notes)."""

import factory
from django.core.files.base import ContentFile
from factory.django import DjangoModelFactory

from sales.models import OpportunityDocument, OpportunityNote
from sales.tests.factories import OpportunityFactory

# The smallest file every check accepts as a PDF: the signature is what counts.
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


class OpportunityDocumentFactory(DjangoModelFactory):
    class Meta:
        model = OpportunityDocument

    opportunity = factory.SubFactory(OpportunityFactory)
    file = factory.LazyFunction(lambda: ContentFile(PDF, name="技术方案.pdf"))
    kind = "technical"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        # Through the model's upload check, as the form and the API do (name, type, size).
        document = model_class(*args, **kwargs)
        document.take_upload()
        document.save()
        return document


class OpportunityNoteFactory(DjangoModelFactory):
    class Meta:
        model = OpportunityNote

    opportunity = factory.SubFactory(OpportunityFactory)
    title = factory.Sequence(lambda n: f"策略{n}")
    body = "决策链：总经理拍板，信息中心主任影响技术选型。"
