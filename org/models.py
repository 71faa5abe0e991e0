from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from core.models import KedaoModel, KedaoQuerySet, PhoneField
from core.registry import ACTION_LABELS
from core.search import SearchKeyModel

PATH_SEGMENT = 8  # digits per level: "00000001.00000004"


class OrgUnit(KedaoModel, SearchKeyModel):
    """A node of the organisation: company, region (大区), branch (分公司), department, team."""
    # What a list reads of a unit it names (core.models.KedaoQuerySet.narrow_related): __str__.
    display_fields = ("name",)

    search_text_fields = ("name",)

    class Kind(models.TextChoices):
        COMPANY = "company", _("Company")
        REGION = "region", _("Region")
        BRANCH = "branch", _("Branch")
        DEPARTMENT = "department", _("Department")
        TEAM = "team", _("Team")

    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(_("code"), max_length=50, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    parent = models.ForeignKey(
        "self", verbose_name=_("parent unit"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="children",
    )
    manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("manager"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="managed_units",
    )
    # Materialised path of primary keys: a subtree is one indexed prefix match.
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ("path",)

    def __str__(self):
        return self.name

    def clean(self):
        if self.parent_id and self.pk:
            if self.parent_id == self.pk or (self.path and self.parent.path.startswith(self.path + ".")):
                raise ValidationError({"parent": _("A unit cannot sit below itself or its own sub-units.")})

    def save(self, *args, **kwargs):
        # The path is a structural invariant of the tree, kept with the row it describes; it needs
        # the primary key, so it is written right after the insert.
        old_path = self.path
        super().save(*args, **kwargs)
        new_path = self._compute_path()
        if new_path == old_path:
            return
        self.path, self.depth = new_path, new_path.count(".")
        OrgUnit.all_objects.filter(pk=self.pk).update(path=self.path, depth=self.depth)
        if old_path:
            for child in OrgUnit.all_objects.filter(path__startswith=old_path + "."):
                path = new_path + child.path[len(old_path):]
                OrgUnit.all_objects.filter(pk=child.pk).update(path=path, depth=path.count("."))

    def check_delete(self):
        if self.children.exists():
            raise ValidationError(_("Move or delete its sub-units first."))
        if self.employees.filter(is_active=True).exists():
            raise ValidationError(_("Move its employees to another unit first."))

    def _compute_path(self):
        own = str(self.pk).zfill(PATH_SEGMENT)
        return f"{self.parent.path}.{own}" if self.parent_id else own

    def subtree(self):
        return OrgUnit.objects.filter(models.Q(pk=self.pk) | models.Q(path__startswith=self.path + "."))


class ProductLine(KedaoModel):
    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.CharField(_("code"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product line")
        verbose_name_plural = _("product lines")
        ordering = ("name",)

    def __str__(self):
        return self.name


class Role(KedaoModel):
    """A bundle of grants: per object type and action, a data scope."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    code = models.SlugField(_("code"), max_length=50, unique=True)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        ordering = ("name",)

    def __str__(self):
        return self.name

    def audit_extra(self):
        return {"grants": sorted(f"{p.object_type}.{p.action}:{p.scope}" for p in self.permissions.all())}

    def replace_grants(self, grants):
        """Set the role's grants to exactly `grants`: (object type key, action, scope) triples.
        Called inside object_save (save_m2m), so the audit row records the new grants."""
        RolePermission.objects.filter(role=self).delete()
        RolePermission.objects.bulk_create(
            RolePermission(role=self, object_type=key, action=action, scope=scope) for key, action, scope in grants
        )
        # A prefetched list would still hold the old grants when the audit reads them.
        getattr(self, "_prefetched_objects_cache", {}).pop("permissions", None)


class Scope(models.TextChoices):
    OWN = "own", _("Own records")
    SUBORDINATES = "subordinates", _("Own and subordinates'")
    UNIT = "unit", _("Own unit")
    SUBTREE = "subtree", _("Own unit and sub-units")
    ALL = "all", _("Whole company")


class RolePermission(models.Model):
    role = models.ForeignKey(Role, on_delete=models.CASCADE, related_name="permissions")
    object_type = models.CharField(_("object type"), max_length=100)
    action = models.CharField(_("action"), max_length=20, choices=list(ACTION_LABELS.items()))
    scope = models.CharField(_("data scope"), max_length=20, choices=Scope.choices, default=Scope.OWN)

    class Meta:
        verbose_name = _("role permission")
        verbose_name_plural = _("role permissions")
        constraints = [
            models.UniqueConstraint(fields=["role", "object_type", "action"], name="role_permission_unique")
        ]

    def __str__(self):
        return f"{self.role}: {self.object_type}.{self.action} ({self.scope})"


class EmployeeManager(UserManager.from_queryset(KedaoQuerySet)):
    pass


class Employee(AbstractUser, SearchKeyModel):
    """A person who logs in. Belongs to one line unit; may report to several managers."""
    # What a list reads of a person it names (core.models.KedaoQuerySet.narrow_related): __str__.
    display_fields = ("first_name", "last_name", "username")

    # Found as 杨建华, yangjianhua or yjh, not only by the separate family and given names.
    search_text_fields = (("last_name", "first_name"),)
    search_person_name = True
    # Pickers show unit and title, so two 王伟 can be told apart.
    picker_detail_fields = ("unit", "title")

    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="employees",
    )
    manager = models.ForeignKey(
        "self", verbose_name=_("manager (solid line)"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="direct_reports",
    )
    dotted_managers = models.ManyToManyField(
        "self", verbose_name=_("managers (dotted line)"), symmetrical=False, blank=True,
        related_name="dotted_reports",
    )
    title = models.CharField(_("job title"), max_length=100, blank=True)
    mobile = PhoneField(_("mobile"), blank=True)
    roles = models.ManyToManyField(Role, verbose_name=_("roles"), blank=True, related_name="employees")
    product_lines = models.ManyToManyField(
        ProductLine, verbose_name=_("product lines"), blank=True, related_name="employees"
    )
    preferences = models.JSONField(default=dict, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    # Set by org.services.employee_password_set: the history shows who reset a password and when
    # (the hash itself is never audited), and an update that only sets a password is a change.
    password_changed_at = models.DateTimeField(_("password changed at"), null=True, blank=True, editable=False)

    objects = EmployeeManager()

    audit_exclude = ("password", "last_login", "version", "preferences")
    scope_kind = "global"
    scope_parent = None

    class Meta:
        verbose_name = _("employee")
        verbose_name_plural = _("employees")
        ordering = ("username",)

    def __str__(self):
        return self.get_full_name() or self.username

    def get_full_name(self):
        # Chinese names are written family name first, without a space.
        full = f"{self.last_name}{self.first_name}".strip()
        return full or self.username

    @property
    def etag(self):
        return f'"{self.pk}-{self.version}"'

    def get_absolute_url(self):
        from django.urls import reverse

        return reverse("org:employee_detail", kwargs={"pk": self.pk})


class Team(KedaoModel):
    """People across units working together: project team, product-line team, account team."""

    class Kind(models.TextChoices):
        PROJECT = "project", _("Project team")
        PRODUCT_LINE = "product_line", _("Product-line team")
        ACCOUNT = "account", _("Account team")
        SALES = "sales", _("Sales team")

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.PROJECT)
    product_line = models.ForeignKey(
        ProductLine, verbose_name=_("product line"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="teams",
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("leader"), on_delete=models.SET_NULL, null=True,
        blank=True, related_name="led_teams",
    )
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="teams"
    )
    description = models.TextField(_("description"), blank=True)

    class Meta:
        verbose_name = _("team")
        verbose_name_plural = _("teams")
        ordering = ("name",)

    def __str__(self):
        return self.name


class CompanySettings(models.Model):
    """Company-wide switches, one row (pk 1). Read at most once per request (org.permissions)."""

    hierarchy_visibility = models.BooleanField(
        _("managers see what their people work on"), default=True,
        help_text=_("Whoever has the subordinates, unit or subtree scope also sees the records shared "
                    "with the people inside that scope (and their account-team customers)."),
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    updated_at = models.DateTimeField(auto_now=True)

    audit_exclude = ("version", "updated_at")

    class Meta:
        verbose_name = _("company settings")
        verbose_name_plural = _("company settings")

    def __str__(self):
        return str(_("Company settings"))

    @classmethod
    def current(cls):
        """The settings row; the defaults when none was saved yet (no write on a read)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
