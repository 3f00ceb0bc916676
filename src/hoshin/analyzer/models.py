"""The analyzer's limits: one row, edited by the strategy office."""

from __future__ import annotations

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from hoshin.analyzer.plan import Limits
from hoshin.core.history import History

_DEFAULTS = Limits()


class AnalyzerSettings(models.Model):
    """The configurable limits of SPEC §4 (a singleton row, pk=1)."""

    max_objectives = models.PositiveSmallIntegerField(
        default=_DEFAULTS.max_objectives, validators=[MinValueValidator(1)],
        verbose_name="Objectives per unit", help_text="More objectives than this in one "
        "quarter is too-many-objectives.")
    max_krs = models.PositiveSmallIntegerField(
        default=_DEFAULTS.max_krs, validators=[MinValueValidator(1)],
        verbose_name="Key results per objective", help_text="More is too-many-krs.")
    max_owner_krs = models.PositiveSmallIntegerField(
        default=_DEFAULTS.max_owner_krs, validators=[MinValueValidator(1)],
        verbose_name="Key results per owner", help_text="A person owning more in one quarter "
        "is an overloaded-owner.")
    max_themes = models.PositiveSmallIntegerField(
        default=_DEFAULTS.max_themes, validators=[MinValueValidator(1)],
        verbose_name="Strategic themes per quarter", help_text="More is too-many-themes.")
    department_depth = models.PositiveSmallIntegerField(
        default=_DEFAULTS.department_depth, validators=[MinValueValidator(1),
                                                       MaxValueValidator(10)],
        verbose_name="Department level", help_text="Levels below the company where departments "
        "sit (1: directly under it; 2: under divisions). Used by silos.")
    overlap_threshold = models.FloatField(
        null=True, blank=True, validators=[MinValueValidator(0.0), MaxValueValidator(1.0)],
        verbose_name="Overlap threshold", help_text="Similarity (0-1) from which two units' "
        "items are reported as overlap; empty for the built-in default.")
    history = History()

    class Meta:
        verbose_name = verbose_name_plural = "analyzer settings"

    def __str__(self) -> str:
        return "Analyzer settings"

    @classmethod
    def current(cls) -> AnalyzerSettings:
        return cls.objects.filter(pk=1).first() or cls(pk=1)

    def limits(self, **overrides) -> Limits:
        values = {name: getattr(self, name) for name in LIMIT_FIELDS}
        values.update({k: v for k, v in overrides.items() if v is not None})
        return Limits(**values)


LIMIT_FIELDS = ("max_objectives", "max_krs", "max_owner_krs", "max_themes", "department_depth",
                "overlap_threshold")
