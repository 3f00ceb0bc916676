"""The organisation: its settings, units (a tree), people, memberships and API tokens."""

from __future__ import annotations

import hashlib

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.urls import reverse

from hoshin.core import clock
from hoshin.core.history import History
from hoshin.core.models import PlanElement


class Organization(models.Model):
    """The one organisation this installation serves (a singleton row, pk=1)."""

    name = models.CharField(max_length=300)
    fiscal_year_start = models.PositiveSmallIntegerField(
        default=1, help_text="Month (1-12) in which the fiscal year starts."
    )
    include_child_objectives = models.BooleanField(
        default=True,
        help_text="Roll aligned child objectives into their parent objective's progress.",
    )
    # Set by `hoshin demo` after loading a demo (and cleared by any plan import): the login
    # page then offers the demo's people, whose shared password is printed anyway.
    demo = models.BooleanField(
        default=False, help_text="Holds a demo: the login page offers its people by role.")
    history = History()

    def __str__(self) -> str:
        return self.name

    @classmethod
    def current(cls) -> Organization:
        org = cls.objects.filter(pk=1).first()
        return org or cls(pk=1, name="My organisation")


class Role(models.TextChoices):
    ADMIN = "admin", "Admin"
    STRATEGY_OFFICE = "strategy_office", "Strategy office"
    UNIT_LEAD = "unit_lead", "Unit lead"
    MEMBER = "member", "Member"
    VIEWER = "viewer", "Viewer"


class PersonManager(BaseUserManager):
    use_in_migrations = True

    def create_user(self, email, password=None, **fields):
        if not email:
            raise ValueError("email is required")
        person = self.model(email=self.normalize_email(email).lower(), **fields)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email, password=None, **fields):
        fields["role"] = Role.ADMIN
        return self.create_user(email, password, **fields)

    def get_by_natural_key(self, email):
        return self.get(email__iexact=email)


class Person(AbstractBaseUser, PermissionsMixin):
    """A person in the organisation; also the login account."""

    email = models.EmailField(unique=True)
    name = models.CharField(max_length=300)
    role = models.CharField(max_length=20, choices=Role.choices, default=Role.MEMBER)
    is_active = models.BooleanField(default=True)
    date_joined = models.DateTimeField(default=clock.now)
    history = History(excluded_fields=["password", "last_login"])

    objects = PersonManager()

    def get_absolute_url(self) -> str:
        return reverse("okrs:person", args=[self.pk])

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["name"]

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"

    @property
    def key(self) -> str:
        return self.email

    @property
    def is_staff(self) -> bool:
        # The Django admin is for administrators only.
        return self.is_active and self.role == Role.ADMIN

    def save(self, *args, **kwargs):
        self.email = self.email.strip().lower()
        self.is_superuser = self.role == Role.ADMIN
        super().save(*args, **kwargs)

    def get_full_name(self) -> str:
        return self.name

    def get_short_name(self) -> str:
        return self.name.split(" ")[0]


class Unit(PlanElement):
    """A node of the organisation tree: company, division, department, team."""

    KEY_PREFIX = "U"

    name = models.CharField(max_length=300)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    lead = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="led_units"
    )
    members = models.ManyToManyField(Person, through="Membership", related_name="units")
    history = History()

    def get_absolute_url(self) -> str:
        return reverse("okrs:unit", args=[self.key])

    class Meta:
        ordering = ["name"]


class Membership(models.Model):
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="memberships")
    history = History()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "unit"], name="membership_unique")
        ]

    def __str__(self) -> str:
        return f"{self.person.email} in {self.unit.key}"


class ApiToken(models.Model):
    """A bearer token for the REST API. Only its SHA-256 digest is stored.

    A token acts as its person with at most its scope's reach, until it expires or is
    revoked. `created_by` is who made it: when that is someone else (an admin), every act
    done with it is recorded as that person's on behalf of the token's person."""

    class Scope(models.TextChoices):
        READ = "read", "Read"  # GET only
        CHECKIN = "checkin", "Check-in"  # reads, and check-ins on the person's key results
        WRITE = "write", "Write"  # everything the person may do

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100, blank=True)
    prefix = models.CharField(max_length=12, help_text="First characters, to recognise it.")
    digest = models.CharField(max_length=64, unique=True)
    scope = models.CharField(max_length=10, choices=Scope.choices, default=Scope.WRITE)
    created_at = models.DateTimeField(default=clock.now)
    # Null for the server's operator (`hoshin token`).
    created_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="tokens_created")
    # Null only for tokens made before expiry existed (they keep working until revoked).
    expires_at = models.DateTimeField(null=True, blank=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="tokens_revoked")

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.person.email})"

    @staticmethod
    def digest_of(raw: str) -> str:
        # Tokens are long random strings, so a fast unsalted hash is enough to make a
        # stolen database useless for calling the API.
        return hashlib.sha256(raw.encode()).hexdigest()

    @property
    def on_behalf(self) -> bool:
        """Made by someone other than its person: acts done with it name both."""
        return self.created_by_id is not None and self.created_by_id != self.person_id

    def expired(self, now=None) -> bool:
        return self.expires_at is not None and self.expires_at <= (now or clock.now())

    def allows(self, method: str, path: str) -> bool:
        """Whether the scope reaches a request: reads for all; a check-in scope adds
        POST .../checkins; write reaches everything (the person's rights still apply)."""
        if self.scope == self.Scope.WRITE or method in ("GET", "HEAD", "OPTIONS"):
            return True
        return (self.scope == self.Scope.CHECKIN and method == "POST"
                and path.rstrip("/").endswith("/checkins"))
