"""REST API of imports (docs/api.md, "Imports"): upload, mapping, preview, commit, poll, error report.

Errors are 400 with {"field": ["reason"]}: a bad file under "file", a bad mapping under "mapping".
"""

from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from core.permissions import has_perm
from core.registry import get_importer

from . import engine, views
from .models import ExportJob, ImportJob, JobStatus
from .reading import ImportFileError


class ImportJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    fields_available = serializers.SerializerMethodField()
    error_report = serializers.SerializerMethodField()

    class Meta:
        model = ImportJob
        fields = ("id", "object_type", "file_name", "file_size", "headers", "mapping", "mode", "match_key",
                  "skip_bad_rows", "status", "phase", "percent", "total_rows", "processed_rows", "created_count",
                  "updated_count", "skipped_count", "failed_count", "duplicate_count", "message", "created_at",
                  "started_at", "finished_at", "fields_available", "error_report")
        read_only_fields = fields

    def get_fields_available(self, job) -> list[str]:
        importer = get_importer(job.object_type)
        return [name for name, _label in engine.field_choices(importer)] if importer else []

    def get_error_report(self, job) -> str | None:
        return f"/api/imports/{job.pk}/errors/" if job.errors else None


class UploadSerializer(serializers.Serializer):
    object_type = serializers.CharField(help_text="customers.customer or customers.contact")
    file = serializers.FileField()


class MappingSerializer(serializers.Serializer):
    mapping = serializers.ListField(child=serializers.CharField(allow_blank=True),
                                    help_text="One field name (or \"\") per column of `headers`.")
    mode = serializers.ChoiceField(choices=ImportJob.Mode.choices, default=ImportJob.Mode.CREATE)
    match_key = serializers.CharField(required=False, allow_blank=True, default="")
    skip_bad_rows = serializers.BooleanField(default=False)


class PreviewRowSerializer(serializers.Serializer):
    row = serializers.IntegerField()
    action = serializers.CharField()
    values = serializers.DictField(child=serializers.CharField())
    errors = serializers.ListField(child=serializers.DictField())
    duplicates = serializers.ListField(child=serializers.CharField())




def _job(request, pk):
    job = ImportJob.objects.filter(pk=pk, user=request.user).first()
    if job is None:
        raise Http404
    return job


class ImportListView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(responses=ImportJobSerializer(many=True), summary="The caller's imports, newest first")
    def get(self, request):
        jobs = ImportJob.objects.filter(user=request.user).order_by("-created_at")[:100]
        return Response(ImportJobSerializer(jobs, many=True).data)

    @extend_schema(request=UploadSerializer, responses={201: ImportJobSerializer},
                   summary="Upload a spreadsheet (.xlsx or .csv); the mapping is guessed from its headers")
    def post(self, request):
        serializer = UploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        importer = get_importer(serializer.validated_data["object_type"])
        if importer is None:
            raise ValidationError({"object_type": ["Unknown or not importable object type."]})
        if not has_perm(request.user, importer.model, "add"):
            raise PermissionDenied
        try:
            job = views.create_job(user=request.user, importer=importer, upload=serializer.validated_data["file"])
        except ImportFileError as error:
            raise ValidationError({"file": [str(error)]}) from error
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)


class ImportDetailView(APIView):
    @extend_schema(responses=ImportJobSerializer, summary="One import: status, progress, counts (poll it)")
    def get(self, request, pk):
        return Response(ImportJobSerializer(_job(request, pk)).data)


class ImportMappingView(APIView):
    @extend_schema(request=MappingSerializer, responses=ImportJobSerializer,
                   summary="Set the column mapping and options of an uploaded import")
    def put(self, request, pk):
        job = _job(request, pk)
        if job.status != JobStatus.UPLOADED:
            raise ValidationError({"status": ["This import has already been committed."]})
        serializer = MappingSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        importer = get_importer(job.object_type)
        errors = engine.clean_mapping(importer, job.headers, data["mapping"], data["mode"], data["match_key"])
        if errors:
            raise ValidationError(errors)
        job.mapping, job.mode, job.match_key = data["mapping"], data["mode"], data["match_key"]
        job.skip_bad_rows = data["skip_bad_rows"]
        job.save(update_fields=["mapping", "mode", "match_key", "skip_bad_rows"])
        engine.save_mapping(request.user, importer, job.headers, job.mapping)
        return Response(ImportJobSerializer(job).data)


class ImportPreviewView(APIView):
    @extend_schema(responses=inline_serializer("ImportPreview", fields={"rows": PreviewRowSerializer(many=True)}),
                   summary="The first rows as they would be imported, with errors and possible duplicates")
    def get(self, request, pk):
        job = _job(request, pk)
        importer = get_importer(job.object_type)
        errors = engine.clean_mapping(importer, job.headers, job.mapping, job.mode, job.match_key)
        if errors:
            raise ValidationError(errors)
        try:
            rows = engine.preview(job, importer, request.user)
        except ImportFileError as error:
            raise ValidationError({"file": [str(error)]}) from error
        return Response({"rows": [{"row": r.number, "action": r.action, "values": r.values,
                                   "errors": [{"column": c, "message": m} for c, m in r.errors],
                                   "duplicates": r.duplicates} for r in rows]})


class ImportCommitView(APIView):
    @extend_schema(request=None, responses={202: ImportJobSerializer},
                   summary="Start the import in the background; poll the job until it is done or failed")
    def post(self, request, pk):
        job = _job(request, pk)
        if job.status != JobStatus.UPLOADED:
            raise ValidationError({"status": ["This import has already been committed."]})
        importer = get_importer(job.object_type)
        errors = engine.clean_mapping(importer, job.headers, job.mapping, job.mode, job.match_key)
        if errors:
            raise ValidationError(errors)
        views.commit_job(job)
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportErrorsView(APIView):
    @extend_schema(parameters=[OpenApiParameter("file_format", str, enum=["xlsx", "csv"], default="xlsx")],
                   responses={(200, "application/octet-stream"): OpenApiTypes.BINARY},
                   summary="The error report: row, column, message (text neutralised against formulas)")
    def get(self, request, pk):
        job = _job(request, pk)
        export_format = request.query_params.get("file_format", "xlsx")
        if export_format not in ("xlsx", "csv"):
            raise ValidationError({"file_format": ["Use xlsx or csv."]})
        return views.error_report_response(job, export_format)


class ExportJobSerializer(serializers.ModelSerializer):
    percent = serializers.IntegerField(read_only=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = ("id", "object_type", "export_format", "status", "percent", "total_rows", "processed_rows",
                  "file_name", "message", "created_at", "finished_at", "download")
        read_only_fields = fields

    def get_download(self, job) -> str | None:
        return f"/exports/{job.pk}/download/" if job.status == JobStatus.DONE else None


class ExportDetailView(APIView):
    @extend_schema(responses=ExportJobSerializer, summary="A background export: progress and download link")
    def get(self, request, pk):
        job = ExportJob.objects.filter(pk=pk, user=request.user).first()
        if job is None:
            raise Http404
        return Response(ExportJobSerializer(job).data)
