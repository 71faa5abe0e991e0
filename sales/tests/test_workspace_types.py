"""The deal workspace's object types through the generated suites: documents and strategy notes
follow their opportunity (product-line isolation and the deal team included)."""

import json

from django.core.files.uploadedfile import SimpleUploadedFile

from core.testing.api import APITests
from core.testing.badinput import BadInputTests
from core.testing.pages import PageTests
from core.testing.queries import QueryCountTests
from core.testing.randomized import RandomizedScopeTests
from core.testing.scope import ScopeTests
from sales.models import OpportunityDocument, OpportunityNote
from sales.tests.test_opportunities import _OpportunityChild
from sales.tests.workspace_factories import PDF, OpportunityDocumentFactory, OpportunityNoteFactory

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200 + b"This program cannot be run"


class Upload(SimpleUploadedFile):
    """A test upload that can be posted again (the bad-input tests post the same data many times):
    every full read starts from the beginning."""

    def read(self, size=-1):
        if size is None or size < 0:
            self.seek(0)
        return super().read(size)


def upload(name="技术方案.pdf", content=PDF):
    return Upload(name, content, content_type="application/octet-stream")


# In JSON-able API data, "upload:<name>" stands for a file; `send` posts it as multipart.
MARKER = "upload:"


class TestOpportunityDocument(_OpportunityChild, PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests,
                              RandomizedScopeTests):
    model = OpportunityDocument
    factory = OpportunityDocumentFactory
    label_field = "title"
    ordering_field = "title"
    badinput_skip_fields = ("file",)

    def create_fields(self, ctx):
        return {"opportunity": str(self.deal(ctx, ctx.users["ceo"]).pk), "file": upload(), "kind": "proposal",
                "title": "方案建议书"}

    invalid_fields = [
        ("file", lambda data: {**data, "file": upload("setup.pdf", EXE)}),           # an .exe renamed .pdf
        ("file", lambda data: {**data, "file": upload("setup.exe", EXE)}),           # not an allowed type
        ("file", lambda data: {key: value for key, value in data.items() if key != "file"}),
        ("kind", {"kind": "boss"}),
        ("opportunity", {"opportunity": "99999999"}),
    ]

    def edit_changes(self, ctx):
        return ({"title": "改名文档一"}, {"title": "改名文档二", "kind": "tender"})

    def api_create_data(self, ctx):
        return {"opportunity": self.deal(ctx, ctx.users["ceo"]).pk, "file": f"{MARKER}API方案.pdf", "title": "API文档"}

    api_invalid = [
        ("file", lambda data: {**data, "file": f"{MARKER}virus.pdf"}),
        ("file", lambda data: {key: value for key, value in data.items() if key != "file"}),
        ("kind", {"kind": "boss"}),
        ("opportunity", {"opportunity": 99999999}),
    ]

    def api_changes(self, ctx):
        return ({"title": "API改名一"}, {"kind": "tender"})

    @staticmethod
    def send(client, method, url, data=None, **headers):
        """A create with a file goes as multipart/form-data, as a client uploading would send it."""
        marker = (data or {}).get("file")
        if method == "post" and isinstance(marker, str) and marker.startswith(MARKER):
            name = marker.removeprefix(MARKER)
            content = EXE if name.startswith("virus") else PDF
            return client.post(url, {**data, "file": upload(name, content)}, headers=headers)
        body = json.dumps(data) if data is not None else None
        return getattr(client, method)(url, body, content_type="application/json", headers=headers)


class TestOpportunityNote(_OpportunityChild, PageTests, APITests, BadInputTests, ScopeTests, QueryCountTests,
                          RandomizedScopeTests):
    model = OpportunityNote
    factory = OpportunityNoteFactory
    label_field = "title"
    ordering_field = "title"

    def create_fields(self, ctx):
        return {"opportunity": str(self.deal(ctx, ctx.users["ceo"]).pk), "kind": "decision", "title": "决策链分析",
                "body": "总经理拍板；信息中心主任影响技术选型。"}

    invalid_fields = [("title", {"title": ""}), ("kind", {"kind": "boss"}),
                      ("opportunity", {"opportunity": "99999999"})]

    def edit_changes(self, ctx):
        return ({"title": "改名策略一"}, {"title": "改名策略二", "kind": "risk"})

    def api_create_data(self, ctx):
        return {"opportunity": self.deal(ctx, ctx.users["ceo"]).pk, "title": "API策略", "kind": "plan"}

    api_invalid = [("title", {"title": ""}), ("kind", {"kind": "boss"}), ("opportunity", {"opportunity": 99999999})]

    def api_changes(self, ctx):
        return ({"title": "API改名一"}, {"body": "先做样板工程"})
