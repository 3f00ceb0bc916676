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
