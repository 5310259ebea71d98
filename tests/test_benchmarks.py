"""``make bench`` keeps working: the generator builds its world and every scenario measures it
(tiny sizes; the figures themselves are for ``make bench``, not for a test)."""

from __future__ import annotations

import pytest

from athletes.models import Athlete
from benchmarks.generate import LARGE_COACH, LONG_HISTORY, SHORT_HISTORY, SMALL_COACH, generate
from checkins.models import WeeklyCheckIn


@pytest.mark.django_db
def test_the_generator_and_every_scenario(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    written = generate(athletes=40, weeks=6, small=5, large=20, seed=7, stdout=lambda _: None)
    assert written["athletes"] == 40
    assert Athlete.objects.filter(coach__email=SMALL_COACH).count() == 5
    assert Athlete.objects.filter(coach__email=LARGE_COACH).count() == 20
    assert WeeklyCheckIn.objects.filter(athlete__email=SHORT_HISTORY).count() == 4
    assert WeeklyCheckIn.objects.filter(athlete__email=LONG_HISTORY).count() == 104
    # 38 athletes with 6 weeks, and the two of the athlete-page scenario.
    assert written["checkins"] == 38 * 6 + 4 + 104

    from benchmarks.scenarios import SCENARIOS

    for name, scenario in SCENARIOS.items():
        results = scenario(1)
        assert results, name
        for result in results:
            assert result.times, name
            assert all(t > 0 for t in result.times), name
    writes = SCENARIOS["writes"](1)
    assert all(r.note.startswith("0 SQL writes, 0 cache sets") for r in writes)


@pytest.mark.django_db
def test_the_generator_is_reproducible_from_its_seed():
    generate(athletes=30, weeks=3, small=5, large=20, seed=11, stdout=lambda _: None)
    first = list(
        WeeklyCheckIn.objects.order_by("athlete__email", "week").values_list(
            "energy", "run_minutes"
        )
    )
    from athletes.models import User

    Athlete.objects.all().delete()
    User.objects.filter(email__endswith="@bench.example").delete()
    generate(athletes=30, weeks=3, small=5, large=20, seed=11, stdout=lambda _: None)
    second = list(
        WeeklyCheckIn.objects.order_by("athlete__email", "week").values_list(
            "energy", "run_minutes"
        )
    )
    assert first == second
