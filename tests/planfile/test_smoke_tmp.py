import datetime as dt
from hoshin.planfile.importer import import_plan, load, validate, PlanFileError
from hoshin.planfile.exporter import export_plan, dump

def test_smoke(small_plan, wipe):
    counts = import_plan(small_plan)
    print(counts)
    text = dump(export_plan())
    print(text)
    wipe()
    import_plan(load("x.yaml", text))
    assert dump(export_plan()) == text
    j = dump(export_plan(), "json")
    wipe()
    import_plan(load("x.json", j))
    assert dump(export_plan(), "json") == j

def test_plan(plan, wipe):
    text = dump(export_plan())
    print(text)
    wipe()
    import_plan(load("x.yaml", text))
    assert dump(export_plan()) == text
