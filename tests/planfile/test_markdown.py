"""The Markdown OKR page reader (pure: no database), on real handbook pages and on the
conventions one at a time."""

from __future__ import annotations

from pathlib import Path

import pytest

from hoshin.planfile.markdown import measure, parse

FIXTURES = Path(__file__).parent / "fixtures" / "markdown"


def page(name: str):
    return parse((FIXTURES / name).read_text(encoding="utf-8"))


def titles(parsed) -> list[str]:
    return [o.title for o in parsed.objectives]


def find(parsed, start: str):
    return next(o for o in parsed.objectives if o.title.startswith(start))


# Real pages ------------------------------------------------------------------------------


def test_sourcegraph_cy19_q4_nested_bold_objectives_and_owner_kr_lines():
    p = page("sourcegraph-cy19-q4.md")
    assert p.title == "CY19-Q4 OKRs"
    assert (len(p.objectives), len(p.key_results)) == (24, 42)
    assert p.units == []  # no headings: nothing names a department
    assert p.unparsed == []
    top = [o for o in p.objectives if o.parent is None]
    assert [o.title for o in top] == ["Net new ARR", "Standard developer platform",
                                      "Aspirational team."]
    assert {o.owner for o in top} == {"ceo"}
    # Four levels of nesting: CEO → VP Eng → Distribution objective → Distribution KRs.
    reliability = find(p, "Sourcegraph has world class reliability")
    automate = find(p, "Automate time-consuming ops")
    assert p.objectives[automate.parent] is reliability
    assert p.objectives[reliability.parent].title == "Net new ARR"
    assert automate.owner == "distribution"
    assert [kr.owner for kr in automate.key_results] == ["distribution", "distribution"]
    # "Owner KR:" lines: the prefix is the owner, not part of the title.
    marketing = find(p, "Build the lead generation engine")
    assert marketing.owner == "business-marketing"
    assert marketing.key_results[1].title == "Grow MQLs delivered to sales weekly by 3x."
    # "=> result" notes are kept apart from the title.
    product = find(p, "Increase engagement with the product.")
    swau = product.key_results[0]
    assert swau.title == "Increase SWAUs by 25%"
    assert swau.note == "Looker SWAU dashboard"
    assert (swau.kind, swau.baseline, swau.target, swau.unit) == ("increase", 0, 25, "%")
    # An objective with no key result stays an objective.
    assert find(p, "Develop a Sales hiring plan").key_results == []
    handles = {x.handle: x.name for x in p.people}
    assert handles["sales-closing-deals"] == "Sales (Closing Deals)"
    assert handles["vp-eng"] == "VP Eng"
    assert len(handles) == 14


def test_sourcegraph_cy19_q3_plain_owner_prefixes_and_placeholders():
    p = page("sourcegraph-cy19-q3.md")
    assert (len(p.objectives), len(p.key_results)) == (8, 26)
    first = p.objectives[0]
    assert first.owner == "ceo"
    assert first.title.startswith("Grow net new ARR consistently: reach $N")
    # A plain item with sub-items is a (child) objective; a leaf under it is a key result.
    pipeline = find(p, "Line up the following pipeline for Q4")
    assert pipeline.owner == "sales" and p.objectives[pipeline.parent] is first
    assert [kr.title for kr in pipeline.key_results] == ["At least 3 Tier 1 Deals",
                                                         "At least 10 Tier 2 & 3 Deals"]
    assert [kr.target for kr in pipeline.key_results] == [3, 10]
    sales_krs = [kr for kr in first.key_results if kr.owner == "sales"]
    assert len(sales_krs) == 3
    web = find(p, "Ship high quality releases").key_results[-1]
    assert web.owner == "web-app-and-integrations" and web.note == "???"
    assert [(u.line_no, u.why.split(":")[0]) for u in p.unparsed] == [
        (7, 'placeholder "$N" where a number should be'),
        (26, "key result title longer than 300 characters"),
        (38, 'placeholder "M" where a number should be'),
    ]
    placeholder_kr = next(kr for kr in p.key_results if kr.line == 7)
    assert (placeholder_kr.kind, placeholder_kr.target) == ("milestone", None)


def test_sourcegraph_fy21_q1_headings_become_units_and_roles_own_their_sections():
    p = page("sourcegraph-fy21-q1.md")
    assert (len(p.objectives), len(p.key_results)) == (29, 73)
    assert [(u.name, u.parent) for u in p.units] == [
        ("Sales and marketing", None), ("Product", None), ("Engineering", None),
        ("Distribution", "Engineering"), ("Code intelligence", "Engineering"),
        ("Web", "Engineering"), ("Core services", "Engineering"),
        ("Campaigns", "Engineering"), ("Operations", None), ("People Ops", None)]
    # "## CEO" and "### VP Eng" name roles: they own objectives, they are not units.
    ceo = find(p, "Grow ARR consistently")
    assert (ceo.owner, ceo.unit) == ("ceo", None)
    team = find(p, "Build a world class engineering team.")
    assert (team.owner, team.unit) == ("vp-eng", "Engineering")
    resolve = find(p, "Resolve issues for major customers")
    assert (resolve.owner, resolve.unit) == (None, "Distribution")
    # "==>", "== >" and "=>." all end the title and start a note.
    launch = find(p, "Launch our new category on March 4.")
    assert launch.note == "Done"
    assert launch.key_results[0].note == "Done"
    people_ops = find(p, "Create an inclusive people-ops operating system.")
    assert people_ops.key_results[-1].note == "Not done."
    # Reference-style placeholder links: [$N][n].
    assert [(u.line_no, u.text) for u in p.unparsed] == [
        (10, "$N IARR"),
        (28, "Generate at least $M in expansion IARR from existing accounts (per plan)"),
        (31, "Deliver P MQLs to sales (a 28% increase from CY19-Q4)."),
    ]
    latency = next(kr for kr in p.key_results if kr.line == 115)
    assert (latency.kind, latency.target, latency.unit) == ("stay_below", 10, "ms")


def test_gitlab_heading_objectives_kr_lines_and_process_prose_reported():
    p = page("gitlab-engineering-fy24-q2.md")
    assert p.title == "Engineering OKRs"  # from the front matter
    assert (len(p.objectives), len(p.key_results)) == (5, 19)
    assert titles(p) == [
        "Continue to win against GitHub with AI in all we do",
        "Reducing churn and contraction",
        "Make GitLab easier to do business with",
        "Continue to build a diverse team of top talent that we retain and grow",
        "Engineering efficiency and foundations"]
    assert {o.owner for o in p.objectives} == {"cto"}
    assert [len(o.key_results) for o in p.objectives] == [4, 4, 2, 3, 6]
    assert p.units == []  # "Active OKRs FY24-Q2" is generic, the rest holds no OKRs
    availability = p.objectives[1].key_results[0]
    assert availability.title.startswith("Achieve >99.95% availability")
    assert (availability.kind, availability.target, availability.unit) == (
        "stay_above", 99.95, "%")
    # The hypothetical OKR trees are examples, and process lists are not OKRs: both are
    # reported with their lines, none is imported.
    reasons = [u.why.split(" (")[0] for u in p.unparsed]
    assert reasons.count("an example") == 2
    assert reasons.count("a list") == 10
    assert [u.line_no for u in p.unparsed if u.why.startswith("an example")] == [136, 179]
    assert not any("Grow the team" in t for t in titles(p))


# Conventions -----------------------------------------------------------------------------


def test_key_result_lines_in_paragraphs_and_handles():
    p = parse("""# Q3 goals

**Objective:** Make onboarding effortless

**Key Result:** Activation rate from 20% to 35% - @ana
**Key Result:** Time to first value under 10 minutes (@raj)
KR: Publish the onboarding guide => done

Owner: @mia
""")
    assert [o.title for o in p.objectives] == ["Make onboarding effortless"]
    o = p.objectives[0]
    assert o.owner == "mia"
    krs = o.key_results
    assert [(k.title, k.owner) for k in krs] == [
        ("Activation rate from 20% to 35%", "ana"),
        ("Time to first value under 10 minutes", "raj"),
        ("Publish the onboarding guide", None)]
    assert (krs[0].kind, krs[0].baseline, krs[0].target, krs[0].unit) == ("increase", 20, 35, "%")
    assert (krs[1].kind, krs[1].target, krs[1].unit) == ("stay_below", 10, "minutes")
    assert (krs[2].kind, krs[2].note) == ("milestone", "done")


def test_a_key_result_with_no_objective_and_a_plain_list_are_reported():
    p = parse("""KR: Ship it

- buy milk
- call the plumber
""")
    assert p.objectives == []
    assert [(u.line_no, u.why.split(" (")[0].split(":")[0]) for u in p.unparsed] == [
        (1, "a key result with no objective above it"), (3, "a list")]


def test_line_numbers_count_from_the_top_of_the_file_including_front_matter():
    p = parse("---\ntitle: Team OKRs\n---\n\n1. **Sales: Grow revenue**\n   1. Close 10 deals\n")
    assert p.title == "Team OKRs"
    assert p.objectives[0].line == 5
    assert p.objectives[0].key_results[0].line == 6


def test_the_example_of_the_documentation():
    p = parse((Path(__file__).parents[2] / "docs" / "markdown-import.md").read_text()
              .split("```markdown\n")[1].split("```")[0])
    assert [(u.name, u.parent) for u in p.units] == [("Engineering", None)]
    boring, train = p.objectives
    assert (boring.title, boring.owner, boring.unit) == ("Make releases boring", "vp-eng",
                                                         "Engineering")
    assert (train.parent, train.owner) == (0, "platform")
    rate, = boring.key_results
    assert (rate.kind, rate.baseline, rate.target, rate.unit) == ("decrease", 15, 5, "%")
    duration, checklist = train.key_results
    assert (duration.kind, duration.target, duration.note) == ("stay_below", 30,
                                                               "45 mins today")
    assert (checklist.kind, checklist.owner) == ("milestone", "sam")


@pytest.mark.parametrize("text, expected", [
    ("Reduce churn from 5% to 3%", ("decrease", 5, 3, "%")),
    ("Grow ARR from $1.2M to $2M", ("increase", 1.2e6, 2e6, "$")),
    ("Reach 1,000 trial sign-ups", ("increase", 0, 1000, "")),
    ("Keep uptime above 99.9%", ("stay_above", None, 99.9, "%")),
    ("Tickets answered within 2 days", ("stay_below", None, 2, "days")),
    ("Start these efforts with all Tier 1 customers", ("milestone", None, None, "")),
    ("Publish the 2020 roadmap", ("milestone", None, None, "")),
    ("Reach X% adoption", ("milestone", None, None, "")),
    # A relative change with no starting value is measured as the change from the start.
    ("Reduce hosting costs by 5%", ("decrease", 0, -5, "%")),
])
def test_measure(text, expected):
    m = measure(text)
    assert (m["kind"], m["baseline"], m["target"], m["unit"]) == expected


def test_placeholders_in_links_but_not_words_in_links():
    assert measure("Reach $N ARR", ["$N"])["placeholder"] == "$N"
    assert measure("Deliver M MQLs", ["M"])["placeholder"] == "M"
    assert measure("Review every PR within 2 days", ["PR"])["placeholder"] == ""


def test_measure_says_what_it_assumed():
    assert measure("Hire 5 engineers")["assumptions"] == [
        "baseline 0 assumed (the text gives 5 but no starting value)"]
    assert measure("TBD new logos")["placeholder"] == "TBD"
    assert "no starting value" in measure("Reduce hosting costs by 5%")["assumptions"][0]
    assert "no starting value" in measure("Churn falls to 3%")["assumptions"][0]


# Shapes organisations publish (issue #10) ----------------------------------------------

SHAPES = """# Team OKRs 2024

Some intro prose about how we work.

## Improve developer onboarding

- [ ] Time to first commit from 5 days to 1 day
- [x] Publish the onboarding guide by March 31
- Onboard a dozen new contributors

## Objectives

- Make releases boring
  - Cut release time by 50%
  - Zero failed releases by 15 June 2024

| Objective | Key result | Owner | Target |
|---|---|---|---|
| Faster CI | Median CI time | @ana | 10 mins |
| | Flaky tests fall to 2% (currently 8%) | @raj | |

## How we score

1. You should score each KR.
2. If unsure, ask your manager.
"""


def test_plain_headings_task_lists_nested_lists_and_tables():
    p = parse(SHAPES)
    assert titles(p) == ["Improve developer onboarding", "Make releases boring", "Faster CI"]
    onboarding, releases, ci = p.objectives
    first, guide, dozen = onboarding.key_results
    assert (first.kind, first.baseline, first.target, first.unit) == ("decrease", 5, 1, "day")
    assert (guide.kind, guide.target, guide.due, guide.note) == ("milestone", None,
                                                                "by March 31", "done")
    assert (dozen.kind, dozen.target) == ("increase", 12)
    cut, zero = releases.key_results
    assert (cut.kind, cut.baseline, cut.target, cut.unit) == ("decrease", 0, -50, "%")
    assert (zero.kind, zero.target, zero.due) == ("stay_below", 0, "by 15 June 2024")
    median, flaky = ci.key_results
    assert (median.owner, median.kind, median.target, median.unit) == ("ana", "stay_below",
                                                                       10, "mins")
    assert (flaky.owner, flaky.kind, flaky.baseline, flaky.target) == ("raj", "decrease", 8, 2)
    assert [u.why.split(" (")[0] for u in p.unparsed] == ["a list"]  # the process list
    assert {u.line_no for u in p.skipped} == {1, 3, 11, 22}
    assert p.units == []


def test_prefixes_enumerations_and_lists_indented_as_code():
    p = parse("""**O1:** Be the default choice
**KR1.1:** NPS towards a goal of 50
**Key Result 2 —** Win twenty new logos by Q3

Objective 2 – Keep the lights on

- KR 2.1 Uptime at least 99.9%
- Key result: No more than 2 P1 incidents

**A.** Not a person

Objectives

    - Indented objective
        - Indented key result from 10 to 20
""")
    assert titles(p) == ["Be the default choice", "Keep the lights on", "Indented objective"]
    nps, logos = p.objectives[0].key_results
    assert (nps.kind, nps.target) == ("increase", 50) and nps.assumptions
    assert (logos.kind, logos.target, logos.due) == ("increase", 20, "by Q3")
    uptime, incidents = p.objectives[1].key_results
    assert (uptime.kind, uptime.target, uptime.unit) == ("stay_above", 99.9, "%")
    assert (incidents.kind, incidents.target) == ("stay_below", 2)
    assert p.people == []  # "**A.**" is an enumeration, not a person
    indented = p.objectives[2].key_results[0]
    assert (indented.kind, indented.baseline, indented.target) == ("increase", 10, 20)


@pytest.mark.parametrize("text, expected", [
    ("Hire two engineers", ("increase", 0, 2, "")),
    ("Sign twenty new customers by March 31", ("increase", 0, 20, "")),
    ("Reach three hundred paying users", ("increase", 0, 300, "")),
    ("Raise USD 5k by 15 June 2024", ("increase", 0, 5000, "$")),
    ("Grow revenue to €1.2M by Q3", ("increase", 0, 1.2e6, "€")),
    ("Revenue of £3 million", ("increase", 0, 3e6, "£")),
    ("Launch the new site by March 31", ("milestone", None, None, "")),
    ("Ship v2 by end of Q2", ("milestone", None, None, "")),
    ("At least 90% of tickets answered in a day", ("stay_above", None, 90, "%")),
    ("Hire at least 3 designers", ("increase", 0, 3, "")),
    ("No more than 2 P1 incidents", ("stay_below", None, 2, "")),
    ("Churn falls to 3%", ("stay_below", None, 3, "%")),
    ("Churn falls to 3% (currently 6%)", ("decrease", 6, 3, "%")),
    ("Response time under 2 hours, down from 6 hours", ("decrease", 6, 2, "hours")),
    ("Reduce incidents towards a goal of 5", ("stay_below", None, 5, "")),
    ("Double weekly active users", ("increase", 0, 100, "%")),
    ("30% fewer support tickets", ("decrease", 0, -30, "%")),
    ("NPS 30 → 45", ("increase", 30, 45, "")),
])
def test_measure_reads_words_currencies_thresholds_and_due_dates(text, expected):
    m = measure(text)
    assert (m["kind"], m["baseline"], m["target"], m["unit"]) == expected


# Shapes found on the held-out pages (tests/planfile/fixtures/heldout): each rule on a small
# page of its own, written for this test (the real pages are measured in test_real_pages).


def kr_titles(objective) -> list[str]:
    return [k.title for k in objective.key_results]


def test_a_title_line_with_its_list_right_under_it_and_lines_like_it():
    p = parse("# Objectives and Key Results\n\n## Quarterly\n### Q1\n"
              "Alpha release of the game (7/10)\n- Real matches playable online\n- 12 streams\n\n"
              "Make the stream good!\n- 2 streams with guests\n\n"
              "### Q2\nAlpha release of the SDK\n\nBetter dev tools\n\n"
              "Prose that ends with a full stop is not an objective.\n")
    assert titles(p) == ["Alpha release of the game (7/10)", "Make the stream good!",
                         "Alpha release of the SDK", "Better dev tools"]
    assert kr_titles(p.objectives[0]) == ["Real matches playable online", "12 streams"]
    assert (p.key_results[1].kind, p.key_results[1].target) == ("increase", 12)
    assert p.units == []  # "Quarterly", "Q1" are the page's furniture


def test_a_title_line_is_read_only_on_a_page_that_says_it_holds_okrs():
    p = parse("# Release notes\n\nAlpha release of the game\n- Real matches playable online\n")
    assert p.objectives == []


def test_okr_number_lines_and_enumerations_introduced_as_objectives():
    p = parse("OKR#1\nInnovate and improve City services.\n"
              "1. 10% increase in positive ratings (70% to 80%)\n"
              "2. 0 statistically significant differences by race\n")
    assert titles(p) == ["Innovate and improve City services."]
    first, second = p.key_results
    assert (first.kind, first.baseline, first.target, first.unit) == ("increase", 70, 80, "%")
    assert (second.kind, second.target) == ("stay_below", 0)
    p = parse("The Council approved these. This quarter's OKRs include:\n"
              "(a) Educate residents to reduce waste.\n(b) Expand our parks and green spaces.\n")
    assert titles(p) == ["Educate residents to reduce waste.",
                         "Expand our parks and green spaces."]
    p = parse("Below are the proposed annual objectives for FY24:\n\n(1) Improve access to "
              "City services.\n\n(2) Reduce public litter.\n")
    assert titles(p) == ["Improve access to City services.", "Reduce public litter."]


def test_the_sentence_before_a_list_says_what_it_holds():
    p = parse("Reading your post, I understand that our three objectives are:\n"
              "- Product growth - we lead the market.\n- Community autonomy - a diverse "
              "community.\n")
    assert titles(p) == ["Product growth - we lead the market.",
                         "Community autonomy - a diverse community."]
    # "components to OKRs" is what the sentence is about, not what the list holds.
    p = parse("There are three components to OKRs:\n\n1. Objectives - the priorities.\n"
              "2. Key Results - how we measure them.\n")
    assert p.objectives == []


def test_a_statement_then_key_results_label_then_the_list():
    p = parse("Align all parts of the DAO to be ready for the launch. As measured by 4 Key "
              "Results.\n\nKey Results:\n\n  1. Finished the DAO structure\n  2. Grow our "
              "media presence\n")
    (o,) = p.objectives
    assert o.title == "Align all parts of the DAO to be ready for the launch."
    assert o.description == "As measured by 4 Key Results."
    assert kr_titles(o) == ["Finished the DAO structure", "Grow our media presence"]


def test_an_objective_and_its_first_key_result_run_together_on_one_line():
    p = parse("Scale up the community 1. >50 accounts on the forum\n"
              "2. Attending 2 external twitter spaces\n3. @account >2k followers\n")
    (o,) = p.objectives
    assert o.title == "Scale up the community"
    assert kr_titles(o) == [">50 accounts on the forum", "Attending 2 external twitter spaces",
                            "@account >2k followers"]
    assert [k.target for k in o.key_results] == [50, 2, 2000]


def test_an_unindented_objective_line_ends_the_list_item_it_follows():
    p = parse("Objective 1: Complete the reporting\n- Key Result 1: Prepare the financials\n"
              "- Key result 2: Issue the Annual Report for 2023\n9 Month\n"
              "Objective 2: Formalise the council\n- Key Result 1: Host the AGM\n")
    assert titles(p) == ["Complete the reporting", "Formalise the council"]
    assert kr_titles(p.objectives[0])[-1] == "Issue the Annual Report for 2023"
    assert p.objectives[0].key_results[-1].kind == "milestone"  # "9 Month" is not its target
    assert kr_titles(p.objectives[1]) == ["Host the AGM"]
    assert any(u.line_no == 4 for u in p.unparsed)  # "9 Month" is listed, not dropped


def test_bold_labelled_key_results_keep_their_initiatives_out():
    p = parse("### Objective 1: Support -- \"Optimize support\"\n\n"
              "- **Workshop for users [COMMITTED]:** Plan a workshop for users.\n"
              "  - Schedule the workshop for autumn 2024\n    - _Talk to the training hub_\n"
              "- **Ticket volume [ASPIRATIONAL]:** Reduce support tickets by 50%.\n"
              "  - Identify unnecessary tickets\n\n"
              "#### Possible objective: \"Improve the web interface\"\n\n"
              "##### Alternative 1: Implement the CLI in the web interface.\n")
    (o,) = p.objectives
    assert o.title == 'Support -- "Optimize support"'
    assert [k.title.split(":")[0] for k in o.key_results] == [
        "Workshop for users [COMMITTED]", "Ticket volume [ASPIRATIONAL]"]
    assert (o.key_results[1].kind, o.key_results[1].target) == ("decrease", -50)
    assert {u.line_no for u in p.unparsed} >= {4, 5, 7}  # the initiatives: listed


def test_key_results_under_a_key_results_heading_and_key_results_under_them():
    p = parse("### OKR '2022.C1': \"Validate the vision\"\n\n**Objective: We will validate "
              "our vision.**\n\n#### '2022.C1' Key Results\n\n"
              "- [KR: Increase APP](https://example.test/217)\n"
              "  - [KR: Increase usage of plugins](https://example.test/220)\n"
              "    - tracking currently blocked\n\n"
              "#### `2022.C1` Timeframe for measurement\n\n"
              "- 2 of 7 initiatives are planned to resolve by end of March 2022.\n")
    assert titles(p) == ['"Validate the vision"', "We will validate our vision."]
    assert p.objectives[0].owner is None  # "OKR '2022.C1'" is an id, not a person
    objective = p.objectives[1]
    assert kr_titles(objective) == ["Increase APP", "Increase usage of plugins"]
    assert objective.key_results[0].kind == "milestone"
    assert "a change with no number" in objective.key_results[0].assumptions[0]
    assert len(p.key_results) == 2  # the timeframe is not a key result


def test_a_list_indented_as_code_under_a_list_item_is_nested_under_it():
    p = parse("College Wide OKRs for the Year\n\n  1. Raise 7 million dollars in new money\n\n"
              "    1. Raise $4 Million in new philanthropic monies;\n"
              "    2. Increase new graduate students by 200 (as of fall 2019)\n"
              "  2. Change the public profile of the college\n\n"
              "    1. A 20% increase in media stories about our research.\n")
    assert titles(p) == ["Raise 7 million dollars in new money",
                         "Change the public profile of the college"]
    money, students, stories = p.key_results
    assert (money.target, money.unit) == (4_000_000, "$")
    assert (students.kind, students.target) == ("increase", 200)  # "fall 2019" is a date
    assert (stories.kind, stories.target, stories.unit) == ("increase", 20, "%")


def test_goals_written_as_plain_lines():
    p = parse("Tentative/proposed H1 2022 grants goals\nScale: Grow grants program\n"
              "Decentralization: Continue to decentralize grants\n"
              "+100 on these, see the budget for more.\nIn terms of specific OKRs for Q1\n"
              "Grassroots Efforts\nHelp >500 new entrants understand public goods\n")
    assert titles(p) == ["Scale: Grow grants program",
                         "Decentralization: Continue to decentralize grants",
                         "Grassroots Efforts"]
    (kr,) = p.key_results
    assert (kr.title, kr.target) == ("Help >500 new entrants understand public goods", 500)


def test_details_under_a_key_result_of_a_title_line_objective_are_listed_not_imported():
    p = parse("# OKRs\n\n## 2020\nExplore funding options\n- Describe 3 realistic funding "
              "methods\n  1. Kickstarter\n  1. Gitcoin\n- 10 inquiries towards those methods\n")
    (o,) = p.objectives
    assert kr_titles(o) == ["Describe 3 realistic funding methods",
                            "10 inquiries towards those methods"]
    assert {u.line_no for u in p.unparsed} == {6, 7}


def test_a_title_naming_objectives_and_key_results_is_not_a_key_result():
    p = parse("LunarDAO Objectives & Key Results - February 2023\n")
    assert p.unparsed == [] and p.skipped[0].why == "skipped: prose"


# Shapes read after the second held-out set (tests/planfile/fixtures/heldout2) -------------


def kr_lines(parsed) -> dict[int, object]:
    return {kr.line: kr for kr in parsed.key_results}


def not_understood(parsed) -> set[int]:
    return {n for u in parsed.unparsed for n in range(u.line_no, max(u.end, u.line_no) + 1)}


def test_priority_and_score_prefixes_go_to_the_note_never_an_objective_or_a_target():
    p = parse("# OKRs\n\n## Objective: Make the connectathon a success\n"
              "P0: 1.0: Ensure all changes are merged before August 11\n\n"
              "P1/2: 0.25: Prepare and publish three tutorials\n\n"
              "## Objective: Ship the guide\n\n"
              "* P1: (0.5 -- PR outstanding) Support for v2 is merged\n"
              "* Record and publish four short videos (0.8)\n")
    assert titles(p) == ["Make the connectathon a success", "Ship the guide"]
    krs = kr_lines(p)
    assert krs[4].title == "Ensure all changes are merged before August 11"
    assert krs[4].note == "priority P0, score 1.0"
    assert (krs[6].kind, krs[6].target) == ("increase", 3)  # "three", not the 0.25 grade
    assert krs[6].note == "priority P1/2, score 0.25"
    assert krs[10].kind == "milestone" and "PR outstanding" in krs[10].note
    assert (krs[11].kind, krs[11].target, krs[11].note) == ("increase", 4, "score 0.8")


def test_key_results_written_as_lines_of_text_under_objective_headings():
    p = parse("# Draft 2019 OKRs\n\n"
              "#### Develop an implementation guide for Subscriptions (P0)\n\n"
              "Build a FHIR proxy server to implement the proposal\n\n"
              "Develop a test suite to determine if servers are compliant\n\n"
              "Generate and openly publish sample messages for 100 patients,\n"
              "    with a simulated timeline\n"
              "- Work with Firely and HAPI on the snapshot build\n\n"
              "#### Build relationships in Madison\n\n"
              "Host one meet-up per quarter\n\n"
              "Interview 3 local candidates for a position on our team\n")
    assert titles(p) == ["Develop an implementation guide for Subscriptions (P0)",
                         "Build relationships in Madison"]
    guide, madison = p.objectives
    assert [kr.line for kr in guide.key_results] == [5, 7, 9]
    assert guide.key_results[2].title.endswith("with a simulated timeline")  # wrapped line
    assert 11 in not_understood(p)  # the list right under a key result: its details
    assert [kr.target for kr in madison.key_results] == [None, 3]


def test_an_objective_stated_in_a_callout_or_on_the_paragraph_after_its_label():
    p = parse("# Gatherings WG Objectives\n\n## Objective\n\n<aside>\n"
              "💡 To create seamless travel experiences at events\n\n</aside>\n\n"
              "## Activities\n\n- Maintain a calendar of events\n\n"
              "## Key Results for Season 2\n\n- **1. Identify Events**\n"
              "    1. Find all events between September-November\n")
    assert titles(p) == ["To create seamless travel experiences at events"]
    (obj,) = p.objectives
    assert [kr.title for kr in obj.key_results] == ["Identify Events"]
    assert {12, 17} <= not_understood(p)  # activities, and the steps under a key result

    p = parse("# GRANTS WG — OKRs S3\n\n**Objective:**\n\n"
              "How can Grants WG be effective in decentralizing fundraising?\n\n"
              "1. **Key Result**\n\n→ Raise 150K USD in grant applications\n\n"
              "- **Initiatives**\n    - Create and update the pitch deck\n")
    assert titles(p) == ["How can Grants WG be effective in decentralizing fundraising?"]
    (kr,) = p.key_results
    assert (kr.line, kr.kind, kr.target, kr.unit) == (7, "increase", 150000, "$")
    assert {11, 12} <= not_understood(p)


def test_type_tags_in_brackets_and_items_labelled_as_work():
    p = parse("## Q2 Objectives\n### [Objective] Increase external contributors\n"
              "- [Activity] Facilitate the hackathon\n"
              "- [Key Result] Get at least 5 experiments from the community\n"
              "- [x] AI: Pushed unfinished tasks to Q2\n"
              "  - (a) Parked. May revisit in Q3.\n")
    assert titles(p) == ["Increase external contributors"]
    assert [kr.line for kr in p.key_results] == [4]
    assert {3, 5, 6} <= not_understood(p)
    # "AI:" before a goal names a team, not an action item.
    p = parse("# OKRs\n\n- **Grow usage**\n  - AI: Improve model accuracy to 90%\n")
    assert [(kr.title, kr.owner) for kr in p.key_results] == [
        ("Improve model accuracy to 90%", "ai")]


def test_items_under_a_key_result_that_read_as_details_are_not_a_child_objective():
    p = parse("# Season 2 OKRs\n\n- **Hold Phase 3 Elections**\n"
              "    - **Create a doc that outlines the process**\n"
              "        - Make sure to include:\n"
              "        - How to set up voting\n"
              "        - Possible issues + how to resolve them\n")
    assert titles(p) == ["Hold Phase 3 Elections"]
    assert [kr.title for kr in p.key_results] == ["Create a doc that outlines the process"]
    assert {5, 6, 7} <= not_understood(p)


def test_versions_are_not_targets_and_korean_direction_words_are_read():
    p = parse("## Objective: Ship OpenEBS\n\n- Release OpenEBS 1.0 with Litmus tests\n"
              "- Publish the IG v0.1.0\n- VTM 대비 인코딩 복잡도 25% 이상 감소 달성\n"
              "- VTM 대비 BDBR loss 1% 이하 성능 달성\n")
    krs = p.key_results
    assert [kr.kind for kr in krs[:2]] == ["milestone", "milestone"]
    assert (krs[2].kind, krs[2].target, krs[2].unit) == ("decrease", -25, "%")
    assert (krs[3].kind, krs[3].target) == ("stay_below", 1)


def test_notes_lists_and_headings_about_okrs_are_not_okrs():
    p = parse("# Front-end team OKRs\n\n### Defining objectives and key results\n\n"
              "- Objectives are ambitious and may feel uncomfortable\n"
              "- Key results are measurable\n\n"
              "## Other work not captured in OKRs\n\n* FHIR Search Page rewrite\n\n"
              "## Objective: Ship the guide\n\n- Publish the guide\n\nNotes:\n\n"
              "- Work on the project was derailed by R5\n")
    assert titles(p) == ["Ship the guide"]
    assert [kr.title for kr in p.key_results] == ["Publish the guide"]
    assert {5, 6, 10, 18} <= not_understood(p)
