from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date
from functools import lru_cache
from pathlib import PurePosixPath
from typing import ClassVar, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import AnonymousUser, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import ExpressionWrapper
from django.db.models.functions import Lower
from django.utils import timezone

from clinical.facts import (
    assessment_counts_on,
    assessment_valid_until,
    clearance_that_counts,
    clearance_valid_on,
)
from clinical.help import country_for_timezone
from clinical.readiness import ASSESSMENT_ITEM_FIELDS, assessment_passed, balance_passed
from web.validators import no_control_characters


class Role(models.TextChoices):
    COACH = "coach", "Coach"
    ATHLETE = "athlete", "Athlete"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)  # None gives an unusable password (e.g. code-only login)
        user.full_clean(exclude=["password"])
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, *, role: str, **extra) -> User:
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, role=role, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra) -> User:
        from .services import account_email_ensure  # services import this module

        extra.setdefault("role", Role.COACH)
        extra["is_staff"] = True
        extra["is_superuser"] = True
        user = self._create(email, password, **extra)
        account_email_ensure(user=user)
        return user

    def get_by_natural_key(self, username: str | None) -> User:
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """A person who signs in: a coach or an athlete. E-mail is the login; staff use is_staff."""

    email = models.EmailField("e-mail address", max_length=254, unique=True)
    name = models.CharField(max_length=150, blank=True, validators=[no_control_characters])
    role = models.CharField(max_length=10, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(
        default=False, help_text="Staff can sign in to the admin and see every record."
    )
    date_joined = models.DateTimeField(default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        constraints = [
            models.UniqueConstraint(Lower("email"), name="user_email_unique_ci"),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values), name="user_role_valid"
            ),
        ]
        ordering = ["email"]

    def __str__(self) -> str:
        return self.email

    def clean(self) -> None:
        super().clean()
        self.email = self.__class__.objects.normalize_email(self.email).lower()

    @property
    def is_coach(self) -> bool:
        return self.role == Role.COACH

    @property
    def is_athlete(self) -> bool:
        return self.role == Role.ATHLETE

    def get_full_name(self) -> str:
        return self.name or self.email

    def get_short_name(self) -> str:
        return (self.name.split() or [self.email])[0]


# --- Athletes ------------------------------------------------------------------------------


class DeliveryType(models.TextChoices):
    VAGINAL = "vaginal", "Vaginal"
    ASSISTED_VAGINAL = "assisted_vaginal", "Assisted vaginal (forceps or ventouse)"
    CAESAREAN_PLANNED = "caesarean_planned", "Planned caesarean"
    CAESAREAN_EMERGENCY = "caesarean_emergency", "Emergency caesarean"


class YesNoUnknown(models.TextChoices):
    YES = "yes", "Yes"
    NO = "no", "No"
    UNKNOWN = "unknown", "Not known"


class Units(models.TextChoices):
    KM = "km", "Kilometres"
    MI = "mi", "Miles"


@lru_cache(maxsize=1)
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


def zone_of(name: str) -> ZoneInfo:
    """Her time zone by name; UTC for a name that is not one."""
    return ZoneInfo(name) if _timezone_is_valid(name) else ZoneInfo("UTC")


def _timezone_is_valid(name: str) -> bool:
    if name not in known_timezones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def validate_country(value: str) -> None:
    if value and not (len(value) == 2 and value.isascii() and value.isalpha() and value.isupper()):
        raise ValidationError(
            "Use the two capital letters of her country (ISO 3166), such as GB, US or NZ.",
            code="invalid_country",
        )


def validate_timezone(value: str) -> None:
    if not _timezone_is_valid(value):
        raise ValidationError(
            "“%(value)s” is not a known time zone; use a name such as Europe/London.",
            params={"value": value},
            code="invalid_timezone",
        )


# The profile as a coach edits it (SPEC §4), in the order forms, the API and exports use.
PROFILE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "date_of_birth",
    "timezone",
    "country",
    "units",
    "delivery_date",
    "delivery_type",
    "perineal_tear_degree",
    "diastasis_recti",
    "prior_incontinence",
    "breastfeeding",
    "previous_births",
    "years_running",
    "prior_weekly_km",
    "prior_longest_run_km",
    "goal",
    "notes",
)


class AthleteScopedQuerySet(models.QuerySet):
    """Rows that belong to one athlete: her profile, or a record reached from it through
    ``athlete_path``. ``visible_to(user)`` keeps those the access policy (``athletes.access``)
    lets ``user`` see; a class whose rows are kept for the coach says ``coach_side_only``.

    Every athlete-scoped model of every app uses a subclass as its manager."""

    athlete_path: ClassVar[str] = "athlete__"
    coach_side_only: ClassVar[bool] = False

    def visible_to(self, user: User | AnonymousUser) -> Self:
        # Imported here: the policy module imports this one.
        from .access import athlete_scope

        return self.filter(
            athlete_scope(user, self.athlete_path, coach_side_only=self.coach_side_only)
        )


class AthleteQuerySet(AthleteScopedQuerySet):
    athlete_path = ""

    def active(self) -> AthleteQuerySet:
        return self.filter(archived=False)


class Athlete(models.Model):
    """A woman returning to running after birth, coached by one coach.

    ``stage`` and ``level`` record where she stands in the protocol; the plans layer keeps
    them up to date when a decision is approved (this app does not interpret them).
    """

    coach = models.ForeignKey(
        User,
        on_delete=models.PROTECT,
        related_name="athletes",
        limit_choices_to={"role": Role.COACH},
    )
    user = models.OneToOneField(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="athlete_profile",
        limit_choices_to={"role": Role.ATHLETE},
        help_text="Her login, linked when she accepts an invitation.",
    )
    first_name = models.CharField(max_length=100, validators=[no_control_characters])
    last_name = models.CharField(max_length=100, blank=True, validators=[no_control_characters])
    email = models.EmailField(
        "e-mail", blank=True, help_text="Needed to invite her to check in from her phone."
    )
    date_of_birth = models.DateField(null=True, blank=True)
    timezone = models.CharField(
        "time zone",
        max_length=64,
        default="Europe/London",
        validators=[validate_timezone],
        help_text="Her weeks start on Monday in this time zone.",
    )
    country = models.CharField(
        max_length=2,
        blank=True,
        validators=[validate_country],
        help_text="Two letters (ISO 3166), e.g. GB: which emergency and crisis numbers she is "
        "shown. Left empty, it follows her time zone.",
    )
    units = models.CharField(max_length=2, choices=Units.choices, default=Units.KM)
    delivery_date = models.DateField(help_text="The baby's date of birth.")
    delivery_type = models.CharField(max_length=24, choices=DeliveryType.choices)
    perineal_tear_degree = models.PositiveSmallIntegerField(
        "perineal tear degree",
        null=True,
        blank=True,
        validators=[MaxValueValidator(4)],
        help_text="0–4; degrees 3 and 4 are obstetric anal sphincter injuries (OASI).",
    )
    diastasis_recti = models.CharField(
        max_length=7, choices=YesNoUnknown.choices, default=YesNoUnknown.UNKNOWN
    )
    prior_incontinence = models.BooleanField(
        "stress urinary incontinence before or during pregnancy",
        default=False,
        help_text="Raises the risk of symptoms on return to running (Moore et al. 2021).",
    )
    breastfeeding = models.BooleanField(default=False)
    previous_births = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(20)], help_text="Births before this one."
    )
    years_running = models.PositiveSmallIntegerField(
        null=True, blank=True, validators=[MaxValueValidator(80)]
    )
    prior_weekly_km = models.DecimalField(
        "weekly km before pregnancy",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    prior_longest_run_km = models.DecimalField(
        "longest run before pregnancy (km)",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(500)],
    )
    goal = models.CharField(
        max_length=300, blank=True, help_text="For example: return to a 50 km trail race."
    )
    notes = models.TextField("coach notes", blank=True, max_length=5000)
    archived = models.BooleanField(default=False)
    stage = models.CharField(max_length=20, blank=True, editable=False)
    level = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    last_activity_at = models.DateTimeField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AthleteQuerySet.as_manager()

    class Meta:
        ordering = ["first_name", "last_name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(perineal_tear_degree__isnull=True)
                | models.Q(perineal_tear_degree__gte=0, perineal_tear_degree__lte=4),
                name="athlete_tear_degree_0_4",
            ),
            models.CheckConstraint(
                condition=models.Q(previous_births__gte=0, previous_births__lte=20),
                name="athlete_previous_births_0_20",
            ),
            models.CheckConstraint(
                condition=models.Q(years_running__isnull=True)
                | models.Q(years_running__gte=0, years_running__lte=80),
                name="athlete_years_running_0_80",
            ),
            models.CheckConstraint(
                condition=models.Q(prior_weekly_km__isnull=True)
                | models.Q(prior_weekly_km__gte=0, prior_weekly_km__lte=500),
                name="athlete_prior_weekly_km_0_500",
            ),
            models.CheckConstraint(
                condition=models.Q(prior_longest_run_km__isnull=True)
                | models.Q(prior_longest_run_km__gte=0, prior_longest_run_km__lte=500),
                name="athlete_prior_longest_run_km_0_500",
            ),
            models.CheckConstraint(
                condition=models.Q(delivery_type__in=DeliveryType.values),
                name="athlete_delivery_type_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(diastasis_recti__in=YesNoUnknown.values),
                name="athlete_diastasis_recti_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(units__in=Units.values), name="athlete_units_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(level__isnull=True) | models.Q(level__gte=1, level__lte=10),
                name="athlete_level_1_10",
            ),
            models.UniqueConstraint(
                "coach",
                Lower("email"),
                condition=~models.Q(email=""),
                name="athlete_email_unique_per_coach",
                violation_error_message="You already have an athlete with this e-mail address.",
            ),
        ]
        indexes = [models.Index(fields=["coach", "archived"])]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def tz(self) -> ZoneInfo:
        return zone_of(self.timezone)

    def today(self) -> date:
        """Today's date where she lives."""
        return timezone.now().astimezone(self.tz).date()

    def days_postpartum(self, on: date | None = None) -> int:
        return ((on or self.today()) - self.delivery_date).days

    def weeks_postpartum_on(self, on: date) -> int:
        return self.days_postpartum(on) // 7

    @property
    def weeks_postpartum(self) -> int:
        """Whole weeks from the birth to today in her time zone."""
        return self.weeks_postpartum_on(self.today())

    @property
    def is_oasi(self) -> bool:
        return self.perineal_tear_degree is not None and self.perineal_tear_degree >= 3

    @property
    def help_country(self) -> str:
        """Her country for the get-help card: the one on her profile, else her time zone's."""
        return self.country or country_for_timezone(self.timezone)

    @property
    def needs_pelvic_health_physio(self) -> bool:
        """After a third- or fourth-degree tear, prior incontinence or a tummy gap, her
        running clearance should come from a pelvic health physiotherapist (SPEC §14)."""
        return self.is_oasi or self.prior_incontinence or self.diastasis_recti == YesNoUnknown.YES

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        tz_ok = _timezone_is_valid(self.timezone or "")
        today = timezone.now().astimezone(ZoneInfo(self.timezone) if tz_ok else UTC).date()
        if self.delivery_date and self.delivery_date > today:
            errors["delivery_date"] = "The birth date cannot be in the future."
        if self.date_of_birth:
            if self.date_of_birth >= today:
                errors["date_of_birth"] = "The date of birth must be in the past."
            elif self.delivery_date and self.date_of_birth >= self.delivery_date:
                errors["date_of_birth"] = "Her date of birth must be before the baby's."
        if self.email:
            self.email = self.email.strip().lower()
        if errors:
            raise ValidationError(errors)


# --- Clearance -----------------------------------------------------------------------------


class ClinicianRole(models.TextChoices):
    GP = "gp", "GP"
    OBSTETRICIAN = "obstetrician", "Obstetrician"
    MIDWIFE = "midwife", "Midwife"
    PELVIC_HEALTH_PHYSIO = "pelvic_health_physio", "Pelvic health physiotherapist"
    PHYSIOTHERAPIST = "physiotherapist", "Physiotherapist"
    OTHER = "other", "Other"


class ClearanceScope(models.TextChoices):
    """Ordered: each scope includes the ones before it."""

    EXERCISE = "exercise", "Exercise (no running yet)"
    RUNNING = "running", "Running"
    UNRESTRICTED = "unrestricted", "Unrestricted"


def private_storage():
    """Clinical documents: a storage with no public URL (see STORAGES['private'])."""
    return storages["private"]


def clearance_folder(athlete_id: int) -> str:
    """Her documents' folder in the private storage (erasure removes it whole)."""
    return f"clearances/{athlete_id}"


def clearance_document_path(instance: Clearance, filename: str) -> str:
    # The stored name never reuses the uploaded one: it may carry personal data.
    suffix = PurePosixPath(filename).suffix
    return f"{clearance_folder(instance.athlete_id)}/{uuid.uuid4().hex}{suffix}"


class Clearance(models.Model):
    """A clinician's go-ahead. The latest one not yet expired is the one that counts."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="clearances")
    cleared_on = models.DateField("date of clearance")
    clinician_name = models.CharField(max_length=150, validators=[no_control_characters])
    clinician_role = models.CharField(max_length=24, choices=ClinicianRole.choices)
    scope = models.CharField(max_length=12, choices=ClearanceScope.choices)
    expires_on = models.DateField(
        "valid until", null=True, blank=True, help_text="Leave empty if it does not expire."
    )
    notes = models.TextField(blank=True, max_length=5000)
    pelvic_health_assessed = models.BooleanField(
        "pelvic health assessment done",
        default=False,
        help_text="A clearance for running counts only once her pelvic floor has been assessed "
        "(internal examination or equivalent, usually by a pelvic health physiotherapist).",
    )
    document = models.FileField(
        storage=private_storage, upload_to=clearance_document_path, blank=True, max_length=200
    )
    document_name = models.CharField(max_length=200, blank=True, editable=False)
    document_content_type = models.CharField(max_length=40, blank=True, editable=False)
    document_size = models.PositiveIntegerField(null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AthleteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-cleared_on", "-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(scope__in=ClearanceScope.values), name="clearance_scope_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(clinician_role__in=ClinicianRole.values),
                name="clearance_clinician_role_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(expires_on__gte=models.F("cleared_on")),
                name="clearance_expires_after_cleared",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_scope_display()} clearance of {self.cleared_on}"

    def is_valid_on(self, day: date) -> bool:
        return clearance_valid_on(self.cleared_on, self.expires_on, day)

    def clean(self) -> None:
        super().clean()
        errors: dict[str, str] = {}
        if self.cleared_on and self.athlete_id:
            if self.cleared_on > self.athlete.today():
                errors["cleared_on"] = "The clearance date cannot be in the future."
            elif self.cleared_on < self.athlete.delivery_date:
                errors["cleared_on"] = "A postnatal clearance cannot predate the birth."
        if self.expires_on and self.cleared_on and self.expires_on < self.cleared_on:
            errors["expires_on"] = "It cannot expire before it was given."
        if errors:
            raise ValidationError(errors)


def current_clearance(clearances: Iterable[Clearance], on: date) -> Clearance | None:
    """The clearance that counts on ``on``: the latest given, among those valid that day."""
    return clearance_that_counts(clearances, on, order=lambda c: (c.created_at, c.pk))


# --- Readiness assessment ------------------------------------------------------------------

_all_items_passed = models.Q(**dict.fromkeys(ASSESSMENT_ITEM_FIELDS, True))


class ReadinessAssessment(models.Model):
    """The load-and-impact and strength assessment before running (Goom et al. 2019)."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="assessments")
    assessed_on = models.DateField()
    assessed_by = models.CharField(
        max_length=150, help_text="Who ran the tests, e.g. “Jo Reid, pelvic health physio”."
    )
    walk_30_min = models.BooleanField(default=False)
    single_leg_balance = models.BooleanField(default=False)
    single_leg_squat = models.BooleanField(default=False)
    jog_on_spot = models.BooleanField(default=False)
    forward_bounds = models.BooleanField(default=False)
    hop_in_place = models.BooleanField(default=False)
    running_man = models.BooleanField(default=False)
    calf_raise = models.BooleanField(default=False)
    single_leg_bridge = models.BooleanField(default=False)
    single_leg_sit_to_stand = models.BooleanField(default=False)
    side_lying_abduction = models.BooleanField(default=False)
    symptoms = models.BooleanField(
        "symptoms during the tests",
        default=False,
        help_text="Pain, leakage, heaviness or dragging during any test.",
    )
    notes = models.TextField(blank=True, max_length=5000)
    passed = models.GeneratedField(
        expression=ExpressionWrapper(
            _all_items_passed & models.Q(symptoms=False), output_field=models.BooleanField()
        ),
        output_field=models.BooleanField(),
        db_persist=True,
    )
    recorded_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = AthleteScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-assessed_on", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"Readiness assessment of {self.assessed_on}"

    @property
    def items_passed(self) -> int:
        return sum(bool(getattr(self, name)) for name in ASSESSMENT_ITEM_FIELDS)

    @property
    def computed_passed(self) -> bool:
        """``passed`` before the row is saved (the database computes the stored value)."""
        return assessment_passed(self.items, symptoms=self.symptoms)

    @property
    def items(self) -> dict[str, bool]:
        return {name: getattr(self, name) for name in ASSESSMENT_ITEM_FIELDS}

    @property
    def valid_until(self) -> date:
        return assessment_valid_until(self.assessed_on)

    def counts_on(self, day: date) -> bool:
        """A pass counts from the day of the tests through 8 weeks later, inclusive."""
        return assessment_counts_on(self.assessed_on, bool(self.passed), day)

    @property
    def balance_passed(self) -> bool:
        return balance_passed(self.items)

    def clean(self) -> None:
        super().clean()
        if self.assessed_on and self.athlete_id:
            if self.assessed_on > self.athlete.today():
                raise ValidationError(
                    {"assessed_on": "The assessment date cannot be in the future."}
                )
            if self.assessed_on < self.athlete.delivery_date:
                raise ValidationError(
                    {"assessed_on": "A postnatal assessment cannot predate the birth."}
                )


# --- Invitations and API tokens ------------------------------------------------------------


class InvitationQuerySet(AthleteScopedQuerySet):
    coach_side_only = True  # the coach's to send; she only ever sees the link in her e-mail


class Invitation(models.Model):
    """An e-mailed, signed, single-use link that creates an athlete's login (14 days)."""

    athlete = models.ForeignKey(Athlete, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField()
    # Only a hash of the secret part of the link is kept.
    secret_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, related_name="+", editable=False
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    expires_at = models.DateTimeField(editable=False)
    accepted_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"Invitation {self.pk} for athlete {self.athlete_id}"

    @property
    def status(self) -> str:
        if self.accepted_at:
            return "accepted"
        if self.revoked_at:
            return "replaced"
        if self.expires_at <= timezone.now():
            return "expired"
        return "pending"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token itself is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(max_length=8, editable=False, help_text="To recognise it.")
    name = models.CharField(max_length=100, blank=True, validators=[no_control_characters])
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.prefix}… ({self.user_id})"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class SecurityPolicy(models.Model):
    """The organisation's sign-in rules, one row, changed by staff in the admin.

    Read through ``athletes.mfa.coach_mfa_required`` (cached; saving refreshes the cache)."""

    SINGLETON_PK = 1

    coach_mfa_required = models.BooleanField(
        "require two-factor authentication for coaches",
        default=False,
        help_text="Coaches without an authenticator app are sent to set one up before any "
        "coach page, and the API gives them no token until they have. The "
        "COACH_MFA_REQUIRED environment variable, when on, requires it whatever this says.",
    )
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = "security policy"
        verbose_name_plural = "security policy"
        constraints = [
            models.CheckConstraint(condition=models.Q(pk=1), name="security_policy_singleton")
        ]

    def __str__(self) -> str:
        return "Security policy"

    def save(self, *args, **kwargs) -> None:
        self.pk = self.SINGLETON_PK
        super().save(*args, **kwargs)

    @classmethod
    def current(cls) -> SecurityPolicy:
        """The row (its migration creates it), or the defaults if someone deleted it."""
        return cls.objects.filter(pk=cls.SINGLETON_PK).first() or cls()


# --- E-mail --------------------------------------------------------------------------------


class HighFlagDelivery(models.TextChoices):
    IMMEDIATELY = "immediately", "At once, one e-mail per check-in or symptom report"
    DIGEST = "digest", "In the daily digest only"


class MessageDelivery(models.TextChoices):
    IMMEDIATELY = "immediately", "At once"
    HOURLY = "hourly", "At most once an hour"
    NEVER = "never", "Never (I read them in Stridewise)"


class NotificationPreferences(models.Model):
    """What she wants e-mailed, and when (SPEC §12). A user without a row has the defaults:
    read them through ``athletes.selectors.notification_preferences_for``."""

    user = models.OneToOneField(
        User, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    high_flags = models.CharField(
        "high-priority warning signs",
        max_length=12,
        choices=HighFlagDelivery.choices,
        default=HighFlagDelivery.IMMEDIATELY,
    )
    messages = models.CharField(
        "new messages",
        max_length=12,
        choices=MessageDelivery.choices,
        default=MessageDelivery.IMMEDIATELY,
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "notification preferences"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(high_flags__in=HighFlagDelivery.values),
                name="notification_high_flags_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(messages__in=MessageDelivery.values),
                name="notification_messages_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Notification preferences of user {self.user_id}"


class OutgoingEmail(models.Model):
    """One e-mail to send, once: the outbox the sending task works from (``athletes.mail``).

    ``key`` names the e-mail ("invitation:12", "flags:…"), so queueing it twice stores it
    once. Once sent, the address and the words are blanked (they may name her and what she
    reported); the key and the time stay, to refuse a second send."""

    key = models.CharField(max_length=120, unique=True)
    to = models.EmailField(max_length=254, blank=True)
    recipient = models.ForeignKey(
        User,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Her account, if the address has one: deleting it removes what was not sent.",
    )
    subject = models.CharField(max_length=250, blank=True)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    athlete = models.ForeignKey(
        Athlete,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="Whom it is about, if anyone: erasing her removes what was not sent yet.",
    )
    created_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(
        null=True, blank=True, help_text="A sender is at work on it since then."
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    sent_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Not worth sending after this (a sign-in code that no longer works).",
    )

    class Meta:
        ordering = ["created_at"]
        indexes = [models.Index(fields=["sent_at", "created_at"], name="outgoing_email_pending")]

    def __str__(self) -> str:
        return f"E-mail {self.key} ({'sent' if self.sent_at else 'pending'})"
