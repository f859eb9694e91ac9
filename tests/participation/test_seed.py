"""The demo seed: three consultations in their states, an opinion map, suggestions."""

from __future__ import annotations

import pytest
from django.core.management import call_command

from accord.participation.models import Consultation, OpinionMap, Suggestion

pytestmark = pytest.mark.django_db


def test_seed_demo(areas, coordinator, capsys):
    call_command("participation-seed-demo", "--voters", "90")
    assert sorted(Consultation.objects.values_list("status", flat=True)) == [
        "open", "open", "responded",
    ]  # fmt: skip
    done = Consultation.objects.get(status="responded")
    assert not done.comments.filter(disposition="").exists()
    om = OpinionMap.objects.get()
    assert om.n_groups >= 2 and om.participants > 60
    assert Suggestion.objects.filter(status="answered").count() == 1
    call_command("participation-seed-demo", "--if-empty")
    assert "nothing to do" in capsys.readouterr().out
    assert Consultation.objects.count() == 3
