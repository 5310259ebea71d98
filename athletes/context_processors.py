from django.conf import settings
from django.http import HttpRequest

from clinical import thresholds

# The few clinical numbers that page texts quote, from the clinical core.
CLINICAL_TEXT = {
    "run_min_weeks": thresholds.RUN_MIN_WEEKS_POSTPARTUM,
    "assessment_valid_weeks": thresholds.ASSESSMENT_VALID_WEEKS,
}


def site(request: HttpRequest) -> dict:
    return {"SITE_NAME": settings.SITE_NAME, "clinical": CLINICAL_TEXT}
