"""The clinical core: everything Stridewise knows about a safe return to running after birth.

Pure Python, at the bottom of the layers: it imports nothing from Django or from the apps, so
it can be read, tested and reviewed on its own. The Django apps feed it plain facts
(``clinical.facts``) and store what it returns.

- ``thresholds``  every clinical number and validity period, once, with its source
- ``facts``       the plain values the core takes (check-ins, clearances, assessments, her
                  profile) and what it returns (gates, flags)
- ``symptoms``    the symptom questions, the red-flag definitions, "symptom-free"
- ``readiness``   the readiness assessment's tests (Goom, Donnelly & Brockwell 2019)
- ``protocol``    the stages, levels, sessions and guidance, and how a week is laid out
- ``gates``       the entry gates of each stage and the safety gates
- ``rules``       the ten warning rules (SPEC §7)
- ``progression`` the weekly decision (SPEC §5)
- ``advice``      what she is told after reporting a symptom
- ``expiry``      clearance and readiness lapsing soon, or before the next stage needs them

Sources (SPEC §10) are cited by the short names in ``SOURCES``.
"""

SOURCES = {
    "goom2019": "Goom, Donnelly & Brockwell 2019, Returning to running postnatal — guidelines "
    "for medical, health and fitness professionals",
    "consensus2024": "Christopher et al. 2024 and Deering et al. 2024, BJSM expert consensus "
    "on return to running postpartum",
    "moore2021": "Moore et al. 2021, BJSM (return to running after childbirth)",
    "nielsen2014": "Nielsen et al. 2014, JOSPT (weekly volume increase and injury)",
    "frandsen2025": "Frandsen et al. 2025, BJSM (single-session spikes and injury)",
    "acog804": "ACOG Committee Opinion 804 (2020), physical activity in pregnancy and postpartum",
    "cox1987": "Cox, Holden & Sagovsky 1987 (EPDS)",
    "nice_ng194": "NICE guideline NG194 (2021), Postnatal care",
    "rcog_gtg29": "RCOG Green-top Guideline 29, third- and fourth-degree perineal tears",
    "article": "The article this product grew from: returning to trail running after a baby",
}
