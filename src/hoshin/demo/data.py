"""The demo company, Kestrel Heat Pumps, as data: its people and units, its strategy's
texts (vision, breakthroughs, annual objectives, priorities, metrics, themes, trade-offs),
each unit's OKR templates, initiatives and voice, and what people write in check-ins.

Pure data, no Django. How the quarters unfold is `hoshin.demo.story`; the plan built
from both is `hoshin.demo.company`.
"""

from __future__ import annotations

from dataclasses import dataclass

DEMO_DOMAIN = "kestrelheat.test"
DEMO_ADMIN_EMAIL = f"maren.okafor@{DEMO_DOMAIN}"

# --- what people write in check-ins --------------------------------------------------

_FIRST_NOTES = (
    "First reading of the quarter: {v}.",
    "Starting point confirmed at {v}.",
    "Baseline re-measured, {v}. Plan agreed with the team.",
    "Kick-off week; {v} so far.",
    "Tracking set up, first number is {v}.",
)
_ON_TRACK_NOTES = (
    "{v} this week, on pace for {t}.",
    "Moved {d} since last Friday.",
    "Holding the pace: {v}.",
    "Good week, {v}; {gap} still to go.",
    "Steady progress, now {v}.",
    "{v}. Nothing unusual this week.",
    "A little better than last week at {v}.",
    "On plan. {gap} left to close.",
    "{d} this week, in line with the plan.",
    "Now at {v}; the trend holds.",
    "Quiet week but still moving: {v}.",
    "{v}, roughly where we expected to be.",
)
_FLAT_NOTES = (
    "No change this week, still {v}.",
    "Unchanged at {v}.",
    "Same as last week ({v}).",
)
_AHEAD_NOTES = (
    "Ahead of plan at {v}.",
    "{v}, ahead of the pace we set.",
    "Better than expected: {v}. Checking whether the target was too soft.",
    "Another strong week, {d}.",
    "{v} already; {gap} to go.",
)
_BEHIND_NOTES = (
    "Behind pace: {v} where we expected about {exp}.",
    "Flat this week at {v}.",
    "Only {d} this week; not enough to reach {t}.",
    "Slipping, {v}. Raising it at the weekly review.",
    "Still stuck around {v}.",
    "{v}. The gap to plan is growing; need a decision on help.",
    "Lost ground this week ({d}).",
    "No real movement, {v}. Confidence down.",
)
_RECOVERED_NOTES = (
    "Back on pace at {v} now the blocker is gone.",
    "Caught up: {v}.",
    "Recovered most of the gap, {v} now.",
    "Unblocked last week and it shows: {d}.",
    "{v}. The fix worked; back to normal pace.",
)
_FINAL_NOTES = (
    "Quarter closed at {v}.",
    "Final number for the quarter: {v}.",
    "Closing at {v} against a target of {t}.",
    "End of quarter, {v}. Retro notes in the team page.",
)
_STAY_IN_NOTES = (
    "{v}, inside the limit of {t}.",
    "Held at {v} this week.",
    "Comfortably within range at {v}.",
    "No breach this week ({v}).",
    "{v}; still on the right side of {t}.",
    "Stable at {v}.",
)
_STAY_OUT_NOTES = (
    "Breached the limit: {v} against {t}.",
    "Outside the range this week at {v}; investigating.",
    "{v}, on the wrong side of {t} again.",
    "Missed the threshold ({v}). Cause being checked.",
)
_STEP_NOTES = (
    "Done: {step}.",
    "{step}: complete.",
    "Signed off this week: {step}.",
    "Closed out \"{step}\".",
    "{step} finished, on to the next step.",
)
_WAIT_NOTES = (
    "Working on {next}.",
    "{next} in progress.",
    "No step closed this week; {next} underway.",
    "{next} taking longer than planned.",
    "Still on {next}.",
    "",
)
_MS_DONE_NOTES = (
    "All steps done.",
    "Finished; nothing left on this one.",
    "Complete. Handing over to the owners of the process.",
)
_GENERIC_BLOCKERS = (
    "Waiting on another team's release.",
    "Key person out sick for two weeks.",
    "Budget approval still pending.",
    "Vendor has not delivered the test environment.",
    "Data for this measure is late every week.",
    "Two people pulled onto an urgent customer issue.",
    "Depends on a decision from the leadership team.",
    "Supplier delay on a critical part.",
)


@dataclass
class _Voice:
    """Unit-specific colour for notes, blockers and initiative titles."""

    flavor: tuple[str, ...] = ()
    blockers: tuple[str, ...] = _GENERIC_BLOCKERS
    flavor_rate: float = 0.3


@dataclass
class _KRSpec:
    title: str
    kind: str
    baseline: float | None = None
    target: float | None = None
    unit: str = ""
    steps: tuple[str, ...] = ()
    decimals: int | None = None  # how values are reported; None: from baseline/target


# --- the demo company ----------------------------------------------------------------

# (unit id, name, parent, lead name, lead title for context, members excluding lead)
_UNITS = (
    ("kestrel", "Kestrel Heat Pumps", None, "Maren Okafor", 0),
    ("product", "Product & Engineering", "kestrel", "Henrik Dahl", 0),
    ("operations", "Operations", "kestrel", "Grace Mbeki", 0),
    ("commercial", "Commercial", "kestrel", "Daniel Ferreira", 0),
    ("corporate", "Corporate Services", "kestrel", "Aisha Rahman", 0),
    ("rnd", "R&D Engineering", "product", "Lukas Brenner", 14),
    ("quality", "Quality & Compliance", "product", "Mei Tanaka", 8),
    ("manufacturing", "Manufacturing", "operations", "Owen Gallagher", 26),
    ("supply-chain", "Supply Chain", "operations", "Sofia Marchetti", 9),
    ("installation", "Installation Services", "operations", "Kwame Asante", 30),
    ("sales", "Residential Sales", "commercial", "Hannah Whitfield", 14),
    ("marketing", "Marketing", "commercial", "Jonas Weber", 7),
    ("customer-service", "Customer Service", "commercial", "Leila Haddad", 12),
    ("finance", "Finance", "corporate", "Robert Chen", 5),
    ("people-it", "People & IT", "corporate", "Nadia Kowalski", 5),
)
_STRATEGY_OFFICE = ("Tobias Lindqvist", "Priya Raman")
_BOARD = ("Eleanor Whitmore", "Samuel Adeyemi", "Ingrid Solberg")

_FIRST = (
    "Adam", "Adaeze", "Alba", "Alex", "Amir", "Ana", "Anders", "Anika", "Ben", "Bianca",
    "Carla", "Chen", "Chloe", "Chris", "Dana", "Dario", "David", "Elena", "Elif", "Emil",
    "Emma", "Eva", "Farah", "Felix", "Finn", "Freya", "Gabriel", "Hana", "Harriet", "Ibrahim",
    "Ida", "Isaac", "Ivan", "Jack", "James", "Jana", "Jasper", "Joao", "Julia", "Kai",
    "Karim", "Kate", "Laila", "Lars", "Laura", "Liam", "Lina", "Luca", "Maja", "Marco",
    "Maria", "Mark", "Marta", "Matteo", "Mia", "Milan", "Nathan", "Nina", "Noah", "Nora",
    "Olga", "Oliver", "Omar", "Paul", "Pavel", "Petra", "Rafael", "Rania", "Rosa", "Ruth",
    "Sam", "Sara", "Sean", "Simon", "Sina", "Sven", "Tariq", "Tess", "Theo", "Tomas",
    "Ursula", "Victor", "Vera", "Wei", "Will", "Yara", "Yusuf", "Zoe", "Zainab", "Kofi",
)
_LAST = (
    "Abbott", "Achebe", "Ahmed", "Alvarez", "Andersen", "Baker", "Barros", "Becker", "Bell",
    "Bianchi", "Brooks", "Campbell", "Carter", "Costa", "Cruz", "Dalton", "Das", "Duarte",
    "Dubois", "Edwards", "Eriksen", "Evans", "Fischer", "Fleming", "Fox", "Garcia", "Gill",
    "Grant", "Gupta", "Hall", "Hansen", "Hart", "Hoffmann", "Hughes", "Iyer", "Jansen",
    "Jensen", "Kaur", "Keller", "Khan", "Kim", "Klein", "Kowalczyk", "Lambert", "Larsen",
    "Lee", "Lopez", "Lund", "Malik", "Martin", "Meyer", "Moreau", "Murphy", "Nair", "Novak",
    "Nowak", "Obi", "Olsen", "Ortiz", "Park", "Patel", "Pereira", "Quinn", "Reid", "Rossi",
    "Russo", "Santos", "Schmidt", "Shah", "Silva", "Singh", "Sousa", "Stone", "Suzuki",
    "Taylor", "Torres", "Turner", "Vargas", "Vogel", "Walsh", "Ward", "Wong", "Yilmaz",
    "Young", "Zhang", "Ziegler", "Mensah", "Nakamura", "Petrov", "Horvat",
)


def _email(name: str, domain: str = DEMO_DOMAIN) -> str:
    first, last = name.split(" ", 1)
    clean = "".join(ch for ch in last.lower() if ch.isalnum())
    return f"{first.lower()}.{clean}@{domain}"


_VISION = {
    "statement": "Every home we touch is warm without fossil fuel: quiet, affordable to run, "
                 "and looked after for decades.",
    "customer_ideal": "A homeowner who gets a fixed price in one visit, a working heat pump "
                      "within three weeks, a bill lower than the boiler it replaced, and a "
                      "service team that fixes problems before they notice them.",
}

_BREAKTHROUGHS = (  # id, title, years out, description, owner (unit lead of)
    ("B1", "Cut the time from first survey to a warm home from 11 weeks to 3", 3,
     "Lead time is the main reason homeowners drop out after a quote.", "operations"),
    ("B2", "A unit quiet and efficient enough for any terraced house", 4,
     "Below 35 dB(A) at one metre and a seasonal COP above 4.5 at 35 °C flow.", "product"),
    ("B3", "Be the installer homeowners recommend: NPS of 70", 3,
     "Word of mouth already brings a fifth of our orders; it should bring half.",
     "commercial"),
    ("B4", "Service plans earn 30% of revenue", 5,
     "A recurring business that evens out the seasonal install cycle.", "kestrel"),
)

_ANNUAL = (  # id, title, owner unit, {breakthrough: strength}
    ("A1", "Halve survey-to-install lead time to 6 weeks", "operations",
     {"B1": "strong", "B3": "important"}),
    ("A2", "Ship the K2 quiet unit to the first 500 homes", "product",
     {"B2": "strong", "B3": "weak"}),
    ("A3", "Fix more problems the first time, in the factory and in the field", "commercial",
     {"B3": "strong", "B4": "important", "B2": "weak"}),
    ("A4", "Launch Kestrel Care service plans and reach 4,000 subscribers", "commercial",
     {"B4": "strong", "B1": "weak"}),
)

_PRIORITIES = (  # id, unit, title, {annual: strength}, resources (unit ids or "lead")
    ("P1", "installation", "Standardise install kits and make the two-day install the norm",
     {"A1": "strong"}, {"lead": "primary", "supply-chain": "secondary",
                        "manufacturing": "rotating"}),
    ("P2", "supply-chain", "Hold four weeks of stock for the top 20 configurations",
     {"A1": "strong", "A2": "weak"}, {"lead": "primary", "finance": "secondary"}),
    ("P3", "sales", "Quote in one visit with the remote survey tool",
     {"A1": "important", "A3": "weak"}, {"lead": "primary", "people-it": "secondary"}),
    ("P4", "rnd", "Finish K2 validation and certification",
     {"A2": "strong"}, {"lead": "primary", "quality": "secondary"}),
    ("P5", "manufacturing", "Stand up the K2 assembly line at 40 units a week",
     {"A2": "strong", "A1": "weak"}, {"lead": "primary", "rnd": "rotating",
                                      "supply-chain": "secondary"}),
    ("P6", "quality", "Cut early-life failures in the first 90 days",
     {"A3": "strong", "A2": "important"}, {"lead": "primary", "manufacturing": "secondary"}),
    ("P7", "customer-service", "Resolve four in five service calls remotely or on the first visit",
     {"A3": "strong", "A4": "important"}, {"lead": "primary", "installation": "secondary"}),
    ("P8", "marketing", "Build the Kestrel Care offer and sell it to the installed base",
     {"A4": "strong"}, {"lead": "primary", "sales": "secondary",
                        "customer-service": "rotating"}),
    ("P9", "finance", "Price service plans and run recurring billing",
     {"A4": "important"}, {"lead": "primary", "people-it": "secondary"}),
    ("P10", "people-it", "Train and certify 24 new installers",
     {"A1": "important", "A3": "weak"}, {"lead": "primary", "installation": "secondary"}),
)

_METRICS = (  # id, title, unit, direction, baseline, target, owner unit, priorities, shape
    ("M1", "Survey-to-install lead time", "weeks", "decrease", 11, 6, "operations",
     {"P1": "strong", "P2": "important", "P3": "important"}, "lag"),
    ("M2", "Installs completed per month", "installs", "increase", 120, 180, "installation",
     {"P1": "strong", "P10": "important"}, "linear"),
    ("M3", "Quote-to-order conversion", "%", "increase", 28, 36, "sales",
     {"P3": "strong"}, "linear"),
    ("M4", "K2 units shipped (cumulative)", "units", "increase", 0, 500, "manufacturing",
     {"P4": "important", "P5": "strong"}, "ramp"),
    ("M5", "Units failing within 90 days", "%", "decrease", 4.2, 2.0, "quality",
     {"P6": "strong", "P5": "weak"}, "lag"),
    ("M6", "First-time fix rate", "%", "increase", 71, 85, "customer-service",
     {"P7": "strong", "P6": "weak"}, "linear"),
    ("M7", "Kestrel Care subscribers", "subscribers", "increase", 900, 4000, "marketing",
     {"P8": "strong", "P9": "important"}, "ramp"),
    ("M8", "Net Promoter Score", "points", "increase", 38, 50, "commercial",
     {"P7": "important", "P3": "weak", "P10": "weak"}, "linear"),
)

_THEMES = {  # quarter number -> [(title, success, annual objectives)]
    1: (("Lead time down before spring demand",
         "Survey-to-install under nine weeks by the end of March; no crew idle for lack of kits.",
         ["A1"]),
        ("K2 design frozen",
         "R&D, Quality and Manufacturing sign the K2 design freeze; certification slots booked.",
         ["A2"]),
        ("Kestrel Care offer ready to sell",
         "Price, terms and billing agreed so marketing can launch in Q2.", ["A4"])),
    2: (("Two-day installs across all crews",
         "Every crew uses the standard kit; at least half of installs finish in two days.",
         ["A1"]),
        ("K2 certified and the pilot line running",
         "Certificate in hand and 40 pilot units built and installed in staff and friendly homes.",
         ["A2", "A3"]),
        ("Launch Kestrel Care to the installed base",
         "The offer is live and 1,000 existing customers have signed up.", ["A4"])),
    3: (("Peak-season readiness",
         "Stock, crews and kits in place before October so lead time does not slip in the peak.",
         ["A1"]),
        ("The first 100 K2 homes warm and quiet",
         "100 K2 units installed with no early-life failure and an average handover score above 9.",
         ["A2", "A3"]),
        ("Fix it the first time",
         "First-time fix above 78% and remote resolution above a quarter of service calls.",
         ["A3", "A4"])),
    4: (("Deliver the heating-season peak without slipping lead time",
         "Lead time stays at or below seven weeks through December.", ["A1"]),
        ("K2 at full rate",
         "The K2 line builds 40 units a week for six weeks in a row.", ["A2"]),
        ("4,000 Kestrel Care subscribers",
         "Subscriber target reached with failed collections below 2%.", ["A4"])),
}
_PREV_YEAR_THEMES = (
    ("Finish the year's installs without burning out the crews",
     "Every signed order for the year installed; overtime below 80 hours a week.", []),
    ("Agree next year's plan",
     "Annual objectives and improvement priorities agreed through catchball by mid-December.",
     []),
    ("Start the new year with a healthy business",
     "Warranty cost, margin and cash at or better than plan on 31 December.", []),
)
_TRADE_OFFS = (
    ("Pause the light-commercial pilot", "paused",
     "Install crews are fully booked with residential jobs until lead time is down."),
    ("Slow the hybrid-boiler partnership talks", "slowed",
     "Not needed for this year's objectives; revisit when K2 ships."),
    ("Stop custom colour options", "stopped",
     "Six extra SKUs for under 1% of orders, and they block stocking the top configurations."),
    ("Pause the showroom in Norbridge", "paused",
     "The money goes to installer training instead; remote survey makes a showroom less urgent."),
    ("Slow expansion into the north-east region", "slowed",
     "We cannot hold lead time in a new region before we hold it in the current ones."),
    ("Stop quoting in spreadsheets", "stopped",
     "Every adviser moves to the survey app; spreadsheet quotes cause most revised quotes."),
)

_VOICES = {
    "product": _Voice(("Design review held with Manufacturing.", "Test rig booked for next week."),
                      ("Certification lab slot moved back two weeks.",
                       "Compressor samples stuck in customs.")),
    "operations": _Voice(("Discussed at the Monday ops stand-up.",
                          "Regional leads aligned on the numbers."),
                         ("Two install crews short after resignations.",
                          "Kit deliveries late from the warehouse.")),
    "commercial": _Voice(("Reviewed in the commercial weekly.",
                          "Good feedback from advisers in the field."),
                         ("CRM migration froze reporting for a week.",
                          "Price list approval still with Finance.")),
    "corporate": _Voice(("Shared with the leadership team.", "Board pack updated."),
                        ("Waiting for the bank to confirm the facility terms.",
                         "Payroll system upgrade took the team's time.")),
    "rnd": _Voice(("Acoustic chamber results logged.", "Prototype P7 back from the climate room.",
                   "Firmware build 2.9.4 on the test fleet.", "Design review with Quality done."),
                  ("Certification lab slot moved back two weeks.",
                   "Fan supplier changed the blade geometry without notice.",
                   "Only one climate chamber available; shared with Quality.")),
    "quality": _Voice(("Three returned units torn down this week.",
                       "Supplier audit at the valve supplier went well.",
                       "8D report shared with Manufacturing."),
                      ("Lab analysis of returned compressors delayed.",
                       "Supplier has not answered the corrective-action request.")),
    "manufacturing": _Voice(("Night shift hit its numbers.", "Kaizen event on station 4 done.",
                             "New torque tools installed on the line.",
                             "Line stopped 40 minutes for a brazing fault; fixed."),
                            ("Short of plate heat exchangers for the K2 line.",
                             "Two assemblers on long-term sick leave.",
                             "Brazing robot waiting for a spare part.")),
    "supply-chain": _Voice(("Cycle count matched the system this week.",
                            "Carrier switched for the western routes.",
                            "Top-20 stock review with Sales done."),
                           ("Compressor supplier pushed deliveries by three weeks.",
                            "Warehouse system down for two days.")),
    "installation": _Voice(("Crew B finished the Harrow Lane estate.",
                            "Two new crews shadowing this week.",
                            "Photo checklist now used on every job.",
                            "Weather cost us a day in the north.",
                            "Toolbox talk on refrigerant handling held."),
                           ("Kits arriving incomplete on site.",
                            "Electrical upgrades needed from the network operator.",
                            "Two crew leads off at the same time.")),
    "sales": _Voice(("Adviser ride-alongs done in the south.",
                     "Survey app feedback collected from the pilot advisers.",
                     "Team call with the new referral partners."),
                    ("Survey app crashes on older tablets.",
                     "Price list for K2 not approved yet.")),
    "marketing": _Voice(("Email to the installed base went out Tuesday.",
                         "New case study filmed in Oakford.",
                         "Landing page copy tested with five customers."),
                        ("Legal review of the service-plan terms pending.",
                         "Agency missed the creative deadline.")),
    "customer-service": _Voice(("Remote diagnostics used on 30 calls this week.",
                                "Team huddle on repeat visits.",
                                "New knowledge-base articles published."),
                               ("Telephony upgrade caused dropped calls.",
                                "Not enough engineers on the rota in the north.")),
    "finance": _Voice(("Reconciled with the bank statements.",
                       "Walked the division leads through the numbers."),
                      ("Billing provider contract still in legal.",
                       "Auditors took the team for a week.")),
    "people-it": _Voice(("Training centre booked for the next cohort.",
                         "Interviews scheduled for the open roles.",
                         "Laptop refresh for field staff done."),
                        ("Recruiter contract ended early.",
                         "Trainer availability limited until next month.")),
}

_INITIATIVES = {
    "product": ("K2 launch gate reviews", "Warranty data review with Quality",
                "Field firmware rollout plan"),
    "operations": ("Weekly lead-time review", "Regional capacity plan", "Ops cost baseline"),
    "commercial": ("Commercial weekly dashboard", "K2 pricing proposal",
                   "Referral programme terms"),
    "corporate": ("Hiring plan for the ramp", "Cash forecast refresh", "Budget re-forecast"),
    "rnd": ("Acoustic enclosure redesign", "Low-temperature test campaign",
            "Compressor second-source trial", "Controller firmware 3.0", "BOM cost teardown",
            "Telemetry gateway"),
    "quality": ("End-of-line test upgrade", "Returned-unit teardown programme",
                "Supplier quality agreements", "Pre-audit checklist",
                "Root-cause analysis training"),
    "manufacturing": ("K2 line balancing study", "Station 3 fixture redesign",
                      "Changeover SMED workshop", "Scrap tracking board",
                      "Cross-training matrix", "5S on the sub-assembly area"),
    "supply-chain": ("Top-20 configuration safety stock", "Consignment stock with valve supplier",
                     "Kit picking redesign", "Inbound freight consolidation",
                     "Supplier lead-time review"),
    "installation": ("Standard install kit", "Two-day install playbook",
                     "Commissioning photo checklist", "Crew scheduling in the field app",
                     "Handover pack for homeowners", "New crew onboarding"),
    "sales": ("Remote survey app rollout", "Quote template cleanup", "Referral partner programme",
              "Lead routing rules", "Adviser coaching sessions"),
    "marketing": ("Kestrel Care landing page", "Installed-base email journey",
                  "K2 waitlist campaign", "Review request automation", "Case study series"),
    "customer-service": ("Remote diagnostics playbook", "Engineer rota redesign",
                         "Knowledge base refresh", "Online booking for annual services",
                         "Complaint triage process"),
    "finance": ("Recurring billing integration", "Month-end close checklist",
                "Job costing in the ERP", "Cash forecast model"),
    "people-it": ("Installer academy cohort", "Recruitment agency review",
                  "Phishing training campaign", "Field app monitoring",
                  "Development plan templates"),
}

M = "milestone"
_S = _KRSpec
# Per unit: (title, kind, [key results]). The current quarter takes the first templates,
# the previous quarter the next ones.
_OKRS: dict[str, tuple] = {
    "product": (
        ("Bring K2 to market on time", "committed", (
            _S("K2 launch readiness gates passed", M, steps=(
                "Design freeze", "Certification", "Pilot build", "Launch approval")),
            _S("K2 pilot homes running", "increase", 0, 40, "homes"))),
        ("Make our units fail less", "committed", (
            _S("Warranty claims per 100 units installed", "decrease", 6.5, 4.5, "claims"),
            _S("Installed units on the latest firmware", "increase", 40, 85, "%"))),
    ),
    "operations": (
        ("Deliver installs faster at the same quality", "committed", (
            _S("Survey-to-install lead time", "decrease", 11, 8, "weeks", decimals=1),
            _S("Installs started on the promised day", "increase", 78, 92, "%"),
            _S("Callbacks within 30 days of install", "stay_below", 5.0, 6.0, "%"))),
        ("Grow install volume without losing cost control or safety", "committed", (
            _S("Operations cost per install", "decrease", 1450, 1300, "€"),
            _S("Lost-time safety incidents per month", "stay_below", 0.0, 1.0, "incidents"))),
    ),
    "commercial": (
        ("Turn shorter lead times into more orders", "committed", (
            _S("Orders signed per month", "increase", 140, 175, "orders"),
            _S("Gross margin on new orders", "stay_above", 31.5, 30.0, "%"))),
        ("Make Kestrel Care a real business", "aspirational", (
            _S("Kestrel Care subscribers", "increase", 900, 1600, "subscribers"),
            _S("Customer NPS", "increase", 38, 44, "points"))),
    ),
    "corporate": (
        ("Give the ramp the people and systems it needs", "committed", (
            _S("Open critical roles", "decrease", 14, 4, "roles"),
            _S("Service-plan billing automated", M, steps=("Design", "Build", "Go live")))),
        ("Fund the K2 ramp without straining cash", "committed", (
            _S("Cash headroom", "stay_above", 4.0, 3.0, "M€"),
            _S("K2 ramp spend over budget, year to date", "stay_below", 2.5, 5.0, "%"))),
    ),
    "rnd": (
        ("Get the K2 quiet unit through certification", "committed", (
            _S("K2 certification tests passed", M, steps=(
                "Acoustic test at 35 dB(A)", "Low-temperature test at −20 °C",
                "Electrical safety sign-off", "Certificate issued")),
            _S("Sound power level at one metre", "decrease", 41, 35, "dB(A)"),
            _S("Seasonal COP at 35 °C flow", "increase", 4.1, 4.6))),
        ("Make K2 cheaper to build", "aspirational", (
            _S("K2 bill of materials cost", "decrease", 2950, 2600, "€"),
            _S("Unique part numbers in K2", "decrease", 312, 260, "parts"),
            _S("Second compressor supplier qualified", M, steps=(
                "Shortlist suppliers", "Samples tested", "Supplier approved")))),
        ("Ship remote diagnostics in the controller firmware", "aspirational", (
            _S("Installed units reporting telemetry", "increase", 12, 45, "%"),
            _S("Firmware 3.0 released", M, steps=(
                "Beta on 50 homes", "Field fixes merged", "General release")),
            _S("Telemetry service uptime", "stay_above", 99.2, 98.5, "%"))),
        ("Stop engineering changes from reaching the line", "committed", (
            _S("Change orders released after design freeze", "stay_below", 3, 5, "per month"),
            _S("Design review findings closed within 10 days", "increase", 60, 90, "%"))),
    ),
    "quality": (
        ("Stop early-life failures leaving the factory", "committed", (
            _S("Units failing within 90 days of install", "decrease", 4.2, 3.0, "%"),
            _S("End-of-line test coverage", "increase", 78, 95, "%"),
            _S("Customer-reported refrigerant leaks", "stay_below", 2, 4, "per month"))),
        ("Keep every certification current", "committed", (
            _S("Installer scheme audit passed", M, steps=(
                "Internal pre-audit", "Close pre-audit findings", "External audit")),
            _S("Non-conformities open longer than 30 days", "stay_below", 3, 5, "items"))),
        ("Find failure causes faster", "aspirational", (
            _S("Median days from failure report to root cause", "decrease", 19, 8, "days"),
            _S("Returned parts analysed", "increase", 55, 90, "%"))),
        ("Raise supplier quality", "committed", (
            _S("Incoming lot rejection rate", "decrease", 2.8, 1.5, "%"),
            _S("Suppliers with a signed quality agreement", "increase", 14, 22, "suppliers"),
            _S("Supplier scorecard live", M, steps=(
                "Metrics agreed with suppliers", "First monthly scorecard sent")))),
    ),
    "manufacturing": (
        ("Ramp K2 assembly to its full weekly rate", "committed", (
            _S("K2 units built per week", "increase", 12, 40, "units"),
            _S("First-pass yield on the K2 line", "stay_above", 94, 92, "%"),
            _S("K2 line balanced to a 12-minute takt", M, steps=(
                "Time study done", "Stations rebalanced", "Takt held for two weeks")))),
        ("Build the current range with less waste", "committed", (
            _S("Scrap cost per unit", "decrease", 48, 35, "€"),
            _S("Overtime hours per week", "stay_below", 60, 80, "h"),
            _S("Changeover time between models", "decrease", 55, 30, "min"))),
        ("Make the shop floor safer", "committed", (
            _S("Near-miss reports closed within a week", "increase", 62, 90, "%"),
            _S("Open safety-walk findings", "stay_below", 4, 6, "items"),
            _S("5S audit score", "increase", 3.1, 4.0, "/5"))),
        ("Get ready for the heating-season peak", "aspirational", (
            _S("Finished-goods buffer for the top models", "increase", 1.5, 3.0, "weeks"),
            _S("Cross-trained assemblers", "increase", 9, 18, "people"))),
    ),
    "supply-chain": (
        ("Fill orders for our best sellers straight from stock", "committed", (
            _S("Orders shipped complete from stock", "increase", 71, 92, "%"),
            _S("Weeks of stock for the top 20 configurations", "stay_above", 4.6, 4.0, "weeks"),
            _S("Inventory value", "stay_below", 3.1, 3.4, "M€"))),
        ("Shorten supplier lead times", "committed", (
            _S("Average compressor lead time", "decrease", 14, 9, "weeks", decimals=1),
            _S("Consignment stock with the valve supplier", M, steps=(
                "Terms drafted", "Legal review", "Signed and live")))),
        ("Make deliveries to install crews reliable", "committed", (
            _S("Kits delivered to site complete and on time", "increase", 83, 97, "%"),
            _S("Crew hours lost waiting for parts", "decrease", 120, 40, "h/month"))),
        ("Lower freight cost per unit", "aspirational", (
            _S("Inbound freight cost per unit", "decrease", 64, 50, "€"),
            _S("Full-truckload share of inbound shipments", "increase", 45, 70, "%"))),
    ),
    "installation": (
        ("Get crews finishing most homes in two days", "committed", (
            _S("Installs finished in two days or fewer", "increase", 35, 70, "%"),
            _S("Installer hours per job", "decrease", 31, 22, "h"),
            _S("Standard install kit used by every crew", M, steps=(
                "Pilot with two crews", "Fix gaps found in the pilot", "All crews switched")))),
        ("Get it right the first time on site", "committed", (
            _S("Callbacks within 30 days of install", "stay_below", 5.1, 6.0, "%"),
            _S("Commissioning checklists completed with photos", "increase", 64, 95, "%"),
            _S("Handovers rated 9 or 10 by the homeowner", "increase", 58, 75, "%"))),
        ("Grow install capacity for the peak", "committed", (
            _S("Certified installer crews", "increase", 11, 15, "crews"),
            _S("Installs completed per month", "increase", 120, 165, "installs"))),
        ("Shorten the wait from signed quote to install", "aspirational", (
            _S("Median days from signed quote to install", "decrease", 52, 30, "days"),
            _S("Installs rescheduled by us", "stay_below", 4, 6, "%"))),
    ),
    "sales": (
        ("Let advisers quote on the first visit", "committed", (
            _S("Quotes issued during the first visit", "increase", 22, 60, "%"),
            _S("Quote-to-order conversion", "increase", 28, 34, "%"),
            _S("Remote survey app live for all advisers", M, steps=(
                "Pilot with three advisers", "Training done", "All advisers live")))),
        ("Keep quotes accurate", "committed", (
            _S("Quotes revised after the technical survey", "decrease", 19, 8, "%"),
            _S("Average gross margin on signed orders", "stay_above", 31.5, 30.0, "%"))),
        ("Win more customers through referrals", "aspirational", (
            _S("Orders from referrals", "increase", 18, 30, "per month"),
            _S("Active referral partners", "increase", 9, 20, "partners"))),
        ("Answer every enquiry within a day", "committed", (
            _S("Enquiries answered within 24 hours", "increase", 74, 95, "%"),
            _S("Leads lost with no follow-up", "decrease", 11, 3, "%"))),
    ),
    "marketing": (
        ("Get existing customers signing up for Kestrel Care", "committed", (
            _S("Kestrel Care launch", M, steps=(
                "Offer and pricing approved", "Landing page and emails live",
                "Launch to the installed base")),
            _S("Service-plan sign-ups from existing customers", "increase", 0, 600, "sign-ups"))),
        ("Bring in enquiries we can convert", "committed", (
            _S("Qualified enquiries per month", "increase", 410, 520, "enquiries"),
            _S("Cost per qualified enquiry", "stay_below", 38, 42, "€"))),
        ("Tell the K2 story before launch", "aspirational", (
            _S("K2 waitlist sign-ups", "increase", 150, 1200, "sign-ups"),
            _S("Installer case studies published", "increase", 2, 8, "case studies"))),
        ("Turn happy customers into reviews", "committed", (
            _S("Verified reviews collected", "increase", 940, 1300, "reviews"),
            _S("Average review rating", "stay_above", 4.7, 4.5, "stars"))),
    ),
    "customer-service": (
        ("Fix more problems on the first call or visit", "committed", (
            _S("First-time fix rate", "increase", 71, 80, "%"),
            _S("Service calls resolved remotely", "increase", 18, 30, "%"),
            _S("Repeat visits per 100 jobs", "decrease", 24, 15, "visits"))),
        ("Answer customers quickly", "committed", (
            _S("Calls answered within 60 seconds", "stay_above", 86, 80, "%"),
            _S("Median email response time", "stay_below", 5.5, 8.0, "h"))),
        ("Make service plans easy to run", "aspirational", (
            _S("Annual services booked online", "increase", 10, 45, "%"),
            _S("Service scheduling tool live", M, steps=(
                "Requirements signed off", "Vendor configured", "Live in all regions")))),
        ("Learn from every complaint", "committed", (
            _S("Complaints closed within 14 days", "increase", 69, 90, "%"),
            _S("NPS after service visits", "increase", 41, 48, "points"))),
    ),
    "finance": (
        ("Bill service plans monthly without manual work", "committed", (
            _S("Recurring billing live", M, steps=(
                "Billing provider chosen", "Direct-debit mandates tested", "First monthly run")),
            _S("Failed direct-debit collections", "stay_below", 1.5, 2.5, "%"))),
        ("Close the books faster", "committed", (
            _S("Working days to month-end close", "decrease", 9, 5, "days"),
            _S("Manual journal entries per month", "decrease", 140, 80, "entries"))),
        ("Know our margin on every install", "aspirational", (
            _S("Installs with full job costing", "increase", 35, 90, "%"),
            _S("Margin dashboard used by division leads", M, steps=(
                "Data model agreed", "Dashboard built")))),
        ("Keep cash healthy through the ramp", "committed", (
            _S("Days sales outstanding", "stay_below", 31, 35, "days"),
            _S("Cash headroom", "stay_above", 4.2, 3.0, "M€"))),
    ),
    "people-it": (
        ("Grow our own certified installers", "committed", (
            _S("New installers certified", "increase", 0, 8, "people"),
            _S("Installer academy cohort running", M, steps=(
                "Trainers booked", "Cohort recruited", "Cohort started")))),
        ("Hire ahead of the ramp", "committed", (
            _S("Median days to fill a vacancy", "decrease", 48, 35, "days"),
            _S("Offer acceptance rate", "stay_above", 82, 75, "%"))),
        ("Keep our systems up and safe", "committed", (
            _S("Field app availability", "stay_above", 99.7, 99.5, "%"),
            _S("Staff who completed phishing training", "increase", 61, 95, "%"))),
        ("Keep good people", "aspirational", (
            _S("Voluntary attrition, rolling 12 months", "decrease", 14, 10, "%"),
            _S("Staff with a development plan", "increase", 40, 80, "%"))),
    ),
}
# Objectives per quarter: current, previous (current + previous <= templates).
_OKR_COUNTS = {
    "product": (1, 1), "operations": (1, 1), "commercial": (1, 1), "corporate": (1, 1),
    "rnd": (3, 1), "quality": (2, 2), "manufacturing": (3, 1), "supply-chain": (2, 2),
    "installation": (3, 1), "sales": (2, 2), "marketing": (2, 2), "customer-service": (2, 2),
    "finance": (1, 2), "people-it": (2, 2),
}
# The annual objective each department template serves (None: it serves its division's
# objective of the quarter). The first template of a unit goes through the unit's
# improvement priority; the others alternate between a fitting theme and the annual
# objective itself. In a quarter of the previous fiscal year all go to the division.
_OKR_HINTS = {
    "rnd": ("A2", "A2", "A3", None), "quality": ("A3", None, "A3", "A3"),
    "manufacturing": ("A2", None, None, "A1"), "supply-chain": ("A1", "A1", "A1", None),
    "installation": ("A1", "A3", "A1", "A1"), "sales": ("A1", None, None, "A1"),
    "marketing": ("A4", None, "A2", None), "customer-service": ("A3", None, "A4", "A3"),
    "finance": ("A4", None, None, "A2"), "people-it": ("A1", None, None, None),
}
# Division objectives' parents: annual objective per template (same fiscal year), else
# the index of the previous-year theme.
_DIVISION_PARENTS = {"product": ("A2", "A3"), "operations": ("A1", "A1"),
                     "commercial": ("A1", "A4"), "corporate": ("A1", "A2")}
_DIVISION_PREV_YEAR_THEME = {"product": 2, "operations": 0, "commercial": 2, "corporate": 2}
_SILENT_KR = ("customer-service", 0, 1)  # unit, objective index, KR index (current quarter)
