"""The alignment map's pure parts: filtering keeps the chain above a match; rendering escapes."""

from hoshin.web.treeview import count, filter_tree, render


def node(id, type="objective", children=(), **extra):
    return {"id": id, "type": type, "title": f"title {id}", "progress": 0.5,
            "status": "on_track", "children": list(children), **extra}


TREE = node("vision", "vision", [
    node("B1", "breakthrough", [
        node("A1", "annual_objective", [
            node("O1", children=[node("KR1", "key_result", owner="ana@x.test"),
                                 node("KR2", "key_result", owner="raj@x.test",
                                      status="off_track")]),
        ]),
    ]),
    node("O9", children=[node("KR9", "key_result", owner="raj@x.test")]),
])


def test_filter_keeps_the_chain_above_each_match_and_nothing_else():
    kept = filter_tree(TREE, lambda n: n.get("owner") == "raj@x.test")
    assert count(kept) == 7  # vision, B1, A1, O1, KR2, O9, KR9
    o1 = kept["children"][0]["children"][0]["children"][0]
    assert [c["id"] for c in o1["children"]] == ["KR2"]
    assert filter_tree(TREE, lambda n: n.get("owner") == "nobody") is None
    assert count(TREE) == 8  # the input is left as it was


def test_render_escapes_text_and_collapses_below_the_open_depth():
    tree = node("vision", "vision", [node("O1", title_extra=1, children=[
        node("KR1", "key_result")])])
    tree["children"][0]["title"] = "<script>alert(1)</script>"
    html = render(tree, link=lambda n: None, open_depth=1)
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert html.count("<details open>") == 1 and html.count("<details>") == 1
    assert "on track" in html and "50%" in html


def test_levels_within_a_budget():
    from hoshin.web.treeview import levels_within

    assert levels_within(TREE, 100) is None  # all 8 nodes fit
    # vision 1, B1 + O9 = 3, A1 + KR9 = 5, O1 = 6, KR1 + KR2 = 8
    assert levels_within(TREE, 5) == 2
    assert levels_within(TREE, 1) == 1  # the root's children always show


def test_lazy_branches_come_without_their_children_and_with_a_link():
    html = render(TREE, link=lambda n: None, lazy_depth=2,
                  lazy=lambda n: f"/branch/?node={n['id']}&x=1" if n["type"] != "vision" else None)
    # A1 sits at level 2: its objective is not sent, only the way to fetch it.
    assert "title O1" not in html and "title KR1" not in html
    assert 'hx-get="/branch/?node=A1&amp;x=1" hx-trigger="toggle once"' in html
    assert '<a href="/branch/?node=A1&amp;x=1">Open this branch (3 items)</a>' in html
    # O9 is at level 1, above the lazy level: its key result is there.
    assert "title KR9" in html


def test_unit_keys_show_as_names_linking_to_the_unit_page():
    tree = node("O1", unit="sales & co")
    html = render(tree, link=lambda n: None, units={"sales & co": "Sales <EU>"})
    assert '<a href="/units/sales%20%26%20co/">Sales &lt;EU&gt;</a>' in html
    assert "sales &amp; co" in render(tree, link=lambda n: None)  # unknown unit: its key
