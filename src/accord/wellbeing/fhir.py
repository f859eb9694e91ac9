"""A stored screening as a FHIR R4 QuestionnaireResponse (pure: a dict from values), for the
person's own export. Items carry the LOINC codes of the panels (PHQ-9 44249-1, GAD-7
69737-5) and of the total score (PHQ-9 44261-6, GAD-7 70274-6); answers are the item scores
0-3 as integers. No identifiers of the person are included."""

from __future__ import annotations

import datetime as dt

from accord.wellbeing.scoring import GAD7, LOINC, PHQ9

TOTAL_LOINC = {PHQ9: "44261-6", GAD7: "70274-6"}


def questionnaire_response(
    *, instrument: str, items: list[int], difficulty: int | None, total: int, authored: dt.datetime
) -> dict:
    answers = [
        {"linkId": f"{instrument}-{i + 1}", "answer": [{"valueInteger": int(v)}]}
        for i, v in enumerate(items)
    ]
    if difficulty is not None:
        answers.append({"linkId": f"{instrument}-difficulty",
                        "answer": [{"valueInteger": int(difficulty)}]})  # fmt: skip
    answers.append({
        "linkId": f"{instrument}-total",
        "code": [{"system": "http://loinc.org", "code": TOTAL_LOINC[instrument]}],
        "answer": [{"valueInteger": int(total)}],
    })  # fmt: skip
    return {
        "resourceType": "QuestionnaireResponse",
        "status": "completed",
        "questionnaire": f"http://loinc.org/q/{LOINC[instrument]}",
        "authored": authored.isoformat(),
        "item": answers,
    }
