import json

import pytest
import yaml
from django.core.management.base import CommandError

from hoshin.okrs.models import KeyResult, Objective
from hoshin.org.models import Person


def test_export_import_export_round_trip_through_files(plan, run, tmp_path):
    first = tmp_path / "plan.yaml"
    result = run("export", "-o", str(first))
    assert f"Wrote the plan to {first}" in result.err
    doc = yaml.safe_load(first.read_text())
    assert doc["hoshin"] == 1
    assert "KR1" in first.read_text()

    imported = run("import", str(first), "--replace")
    assert imported.out.startswith(f"Imported {first}:")

    second = tmp_path / "again.yaml"
    run("export", "-o", str(second))
    assert second.read_text() == first.read_text()


def test_export_format_from_the_extension_or_the_option(plan, run, tmp_path):
    target = tmp_path / "plan.json"
    run("export", "-o", str(target))
    from_file = json.loads(target.read_text())
    assert from_file["hoshin"] == 1

    to_stdout = json.loads(run("export", "--format", "json").out)
    assert to_stdout == from_file
    as_yaml = yaml.safe_load(run("export").out)  # default: YAML, with real dates
    assert json.loads(json.dumps(as_yaml, default=str)) == from_file


def test_import_of_a_json_plan_file(plan, run, tmp_path):
    source = tmp_path / "plan.json"
    run("export", "-o", str(source))
    KeyResult.objects.all().delete()

    run("import", str(source), "--replace")

    assert set(KeyResult.objects.values_list("key", flat=True)) == {"KR1", "KR2", "KR3"}


def test_import_errors_are_listed_with_their_paths_and_nothing_changes(plan, run, tmp_path):
    source = tmp_path / "plan.yaml"
    run("export", "-o", str(source))
    doc = yaml.safe_load(source.read_text())
    doc["objectives"][0]["unit"] = "nowhere"
    doc["objectives"][0]["key_results"][0]["owner"] = "ghost@acme.test"
    doc["people"][0]["shoe_size"] = 44
    source.write_text(yaml.safe_dump(doc))
    before = (Person.objects.count(), Objective.objects.count(), KeyResult.objects.count())

    with pytest.raises(CommandError) as error:
        run("import", str(source), "--replace")

    message = str(error.value)
    assert "nothing was imported" in message
    lines = message.splitlines()[1:]
    assert len(lines) >= 1
    assert any(line.startswith("people[0]") and "shoe_size" in line for line in lines)
    assert (Person.objects.count(), Objective.objects.count(), KeyResult.objects.count()) == before


def test_import_of_an_unknown_kind_of_file(db, run, tmp_path):
    source = tmp_path / "plan.docx"
    source.write_text("hoshin: 1\n")
    with pytest.raises(CommandError, match=r'cannot import ".*plan.docx": expected a file '
                                           r"ending in .yaml, .yml, .json, .md, .csv"):
        run("import", str(source))
    # A .txt is read as a goal list (Excel saves tab-separated text as .txt): one with no
    # header row is refused saying so, not taken for a plan file.
    text = tmp_path / "plan.txt"
    text.write_text("hoshin: 1\n")
    with pytest.raises(CommandError, match="no header row found"):
        run("import", str(text))
    with pytest.raises(CommandError, match="does not exist"):
        run("import", str(tmp_path / "missing.yaml"))
