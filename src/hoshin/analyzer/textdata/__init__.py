"""Word lists and patterns of the analyzer's text rules (`hoshin.analyzer.text`).

Sets hold stems (`text.stem`: lower case, plural/-ed/-ing/-ly and a final e removed), so
one entry covers "launch", "launched" and "launching". Patterns run on `text.clean()`
output, case-insensitive. Thresholds were set on the development split of the labelled
evaluation set (tests/analyzer/eval/okrs.yaml), never on the held-out split.
"""

import re

from hoshin.analyzer.textdata.stemming import stem

_I = re.IGNORECASE


def _stems(words: str) -> frozenset[str]:
    return frozenset(stem(w) for w in words.split())


def _any(*phrases: str) -> re.Pattern:
    return re.compile(r"\b(?:" + "|".join(phrases) + r")\b", _I)


STOP = frozenset("""a an the and or but of for to in on at by with from into onto over under
our their its his her your my we us they them it this that these those is are was were be
been being has have had do does did will would shall should can could may might must
as so than then such via per each every all any some no not only also more most less very
including include e.g i.e etc vs versus which who whom whose what when where why how
there here out up down off about across after before during between within without
through new s among""".split()) | _stems("including")

# Skipped when looking for the verb a key result starts with.
LEAD_SKIP = _stems("""be is are will to we our the a an have has had and also then fully
at least more than one two three four five first initial all each every any some
successfully actively further continue""") - _stems("continue")

# A key result that starts with one of these describes an activity or a deliverable.
OUTPUT_VERBS = _stems("""launch ship release publish hire recruit onboard write document
create build design develop define implement roll rollout establish complete run
host conduct produce compile draft migrate automate redesign track set introduce identify
choose agree begin start provide execute organize organise attend train transition test
deploy integrate prepare map research analyze analyse outline deliver send distribute
instrument refactor rewrite install configure formalize formalise standardize
standardise kick schedule audit devote dedicate attribute investigate
evaluate assess explore collect gather announce present measure do""")

# Deliverable states and typical deliverable phrases anywhere in the text.
DONE_STATE = _any(
    r"(?:is|are|be|been|get|gets|got|was|were)\s+(?:\w+ly\s+|all\s+|now\s+)?"
    r"(?:documented|tracked|implemented|published|launched|released|created|updated|defined|"
    r"completed|automated|shipped|deployed|rolled out|set up|built|built out|written|"
    r"drafted|designed|developed|established|introduced|migrated|delivered|provided|"
    r"researched|added|enabled by default|available|in place|live|done|ready|set|public|"
    r"measured|accessed|hired|brought on)",
    r"have (?:\w+ ){1,4}(?:published|documented|created|launched|implemented|built|set up|"
    r"in place)",
    r"commits? to (?:a|an) (?:\w+ ){0,2}(?:plan|roadmap)",
    r"(?:improve|update|refresh|revamp|rewrite) (?:\S+ ){0,2}(?:documentation|docs|pages?|"
    r"website|decks?|materials)",
    r"enables? (?:\w+ )?features?", r"devotes?|dedicates?",
    r"(?:handbook|documentation|docs|section|page|wiki)\b.{0,40}\b(?:describes|outlines|"
    r"contains|documents|lists|explains)",
    r"has been (?:developed|launched|created|implemented|published|documented|built)",
    r"(?:have|has) (?:a|an|its own|their own|our own) (?:[\w-]+ ){0,3}"
    r"(?:process|plan|policy|policies|playbook|dashboard|flow|guide|page|template)",
    r"(?:handbook|documentation|docs|repo|repository|page|wiki)\s+"
    r"(?:describes|outlines|contains|documents|lists|explains|includes|to contain)",
    r"(?:admins|users|customers|teams?|sales reps?|everyone|developers) can\b",
    r"can be (?:set up|configured|installed|used|enabled)",
    r"(?:we have|have) (?:mapped|built|created|defined|documented|published|launched)",
    r"(?:plans?|polic(?:y|ies)|budgets?|process(?:es)?) (?:are|is) (?:in place|set|created|"
    r"approved|agreed|updated|completed)",
    r"(?:fully )?implemented(?=\W*$)", r"added for\b", r"hiring plan",
    r"(?:grow|expand) (?:the )?team",
    r"make (?:at least )?(?:one|an?|\d+) improvements?", r"make use of",
    r"compliance\b", r"certification\b", r"pitch decks?", r"analyst decks?",
    r"boot-?camp", r"(?:blog )?posts? about", r"know (?:cost|the cost)",
    r"value\s*/?\s*prop", r"indicates whether",
)
OUTPUT_PHRASE = _any(r"hire\b", r"hiring plan", r"\d+\+?\s+(?:[\w-]+\s+)?tests?\b",
                     r"(?:run|hold|host) (?:\w+ ){0,2}(?:sessions|workshops|events|meetings|"
                     r"masterclasses|webinars|trainings?)")

# When a key result counts what other people do (customers, users, the press), or moves a
# business measure by a number, it is an outcome even if it starts like an activity.
OUTCOME_SUBJECT = re.compile(
    r"^(?:\S+\s+){0,4}(?:customers|users|prospects|companies|developers|organizations|"
    r"organisations|buyers|applicants|candidates|teammates|team members|the press|"
    r"thought leaders|influential \w+)\s+(?:have|has|are|is|will|get|getting|join|make|run|"
    r"running|use|uses|begin|post|provision|report|rely|achieve|convert)"
    r"|^\S*\d+%\+?\s+of\s+\w+|^sales uses\b", _I)
OUTCOME_MEASURE = _any(
    r"conversion", r"retention", r"activation", r"adoption", r"revenue", r"i?arr", r"i?acv",
    r"pipeline", r"mqls?", r"saos?", r"sqos?", r"pqls?", r"[dwm]au", r"nps", r"csat",
    r"score", r"engagement", r"latency", r"traffic", r"sign-?ups?", r"downloads?",
    r"visitors", r"resolution time", r"time (?:to|spent)", r"reduction", r"churn",
    r"registrants?", r"inquiries", r"indicate", r"survey", r"testimonials", r"logos",
    r"deals", r"opportunit(?:y|ies)",
    r"increase (?:\w+ ){0,4}by", r"from \S+ to \S+", r"\d+(?:\.\d+)?x\b",
    r"(?:take|takes|within|under|less than|below|above) \d+ ?(?:ms|s|sec|seconds|minutes?|"
    r"hours?|h|days?|weeks?)\b")

# unmeasurable-kr ----------------------------------------------------------------------------
VAGUE_VERB = _any(r"maximi[sz]e", r"minimi[sz]e", r"optimi[sz]e", r"improve(?!d)",
                  r"enhance", r"foster", r"promote", r"strengthen", r"leverage",
                  r"activate", r"^identify", r"^begin", r"^measure", r"^be providing",
                  r"be able to", r"evidence", r"^(?:grow|increase|reduce|drive|boost)\b(?!.*\d)",
                  r"help(?:s|ing)?", r"aligned", r"putting into practice", r"get mentioned",
                  r"working process", r"better", r"at every opportunity", r"ongoing",
                  r"continuously", r"regularly")
PERCEPTION = _any(r"knows?", r"trusts?", r"rel(?:y|ies) on", r"love", r"feel", r"believe",
                  r"are using", r"is using", r"report that", r"proves?", r"understands?")
VAGUE_ADJECTIVE = _any(r"compelling", r"clear", r"fast", r"easy", r"easily", r"strong",
                       r"effective", r"great", r"world[- ]class", r"high[- ]quality",
                       r"adequate", r"up to date", r"up-to-date", r"relevant", r"seamless",
                       r"robust", r"painless(?:ly)?", r"significant(?:ly)?", r"actively")
QUANTIFIER = _any(r"all", r"every", r"each", r"everyone", r"majority", r"half", r"none",
                  r"no\s+(?!more|less|longer)\w+", r"any", r"without", r"zero", r"eliminate")
AGAINST_PLAN = _any(r"(?:ahead of|per|to|of|against|meet|meets|met|beat|exceed)\s+(?:the\s+)?"
                    r"(?:\w+\s+)?(?:plan|target|goal|quota|budget)",
                    r"(?:volume|revenue|sales|hiring) target")
SCORE_ONLY = re.compile(r"^%\s+of\b", _I)

# bau-okr --------------------------------------------------------------------------------------
BAU_VERBS = _stems("maintain keep continue sustain upkeep")
BAU_PHRASE = _any(
    r"up[- ]to[- ]date", r"(?:documented|kept) and maintained", r"maintained in",
    r"(?:run|hold|host|attend|do|organi[sz]e|prepare|send|publish|deliver|produce|write)s? "
    r"(?:the |our )?(?:weekly|monthly|quarterly|annual|regular) (?:business )?(?:reviews?|"
    r"reporting|reports?|meetings?|syncs?|updates?|newsletters?|check-?ins?)",
    r"do (?:the )?(?:weekly|monthly|quarterly|regular)",
    r"(?:board-approved|annual|quarterly|yearly|fy\s?\d+ (?:annual|quarterly)[\w ,]*?) budgets?",
    r"budgets? (?:are|is) set", r"plan for (?:each|every)",
    r"at every opportunity", r"as usual", r"business as usual", r"on an ongoing basis",
    r"(?:provide|deliver) (?:adequate |good |timely )?customer support",
    r"support issue resolution", r"resolve issues for",
    r"execute on (?:the )?(?:\w+ )?(?:event )?plan", r"run (?:the )?(?:governance|weekly)")

# kpi-in-disguise ---------------------------------------------------------------------------
HOLD_LEVEL = _any(
    r"(?:maintain|keep|sustain|remain|stay)(?:s|ing)?\s+(?:\w+\s+){0,4}"
    r"(?:at|above|below|under|over|within|\d)[^,;]*",
    r"(?:maintain|keep|sustain)\s+\d+%[^,;]*",
    r"uptime(?: sla)?(?: of)?", r"\bsla\b(?: achievement)?", r"availability of \d",
    r"100% (?:of )?(?:\w+ ){0,3}(?:renewals|retention|sla|uptime|availability)",
    r"or (?:higher|better|above|more) ?$|or (?:higher|better|above)\b",
    r"no more than \d+ [\w-]+ per (?:day|week|month|quarter)",
    r"ensure (?:that )?no \w+ \w+",
    r"(?:does not|doesn't|never) (?:drop|fall|exceed|go) (?:below|above|under|over)")

# Objectives ------------------------------------------------------------------------------------
# Objectives made only of these words (plus at most VAGUE_MAX_CONCRETE others) are vague.
GENERIC = _stems("""build make get be become create drive enable ensure support help
improve enhance accelerate scale ready prepare foundation operational operation company
organization organisation team world class effective efficient efficiency productivity
better great best excellent excellence success successful delightful delight love happy
thrive
thriving aspirational proactive reactive proactively valuable accessible leadership leader
credibility thought decision decisions result system bar product application development
personalized personalised project raise value
data driven growth rapid rapidly massive massively evolution lay demonstrate continue
foster connection belonging inclusive operating effort business sure path regular next
level personalized amid strong stronger world-class world high performing performance
culture way work working environment capability capabilities excellence impact impactful
key strategic strategy execution execute deliver focus focused consistently consistent
engine machine motion engage engaged awesome amazing unified holistic transform
transformation modern innovate innovation innovative simplify simple streamline""")
VAGUE_MAX_CONCRETE = 1

# An objective that starts with one of these is a task, unless TASK_EXCEPT matches.
TASK_VERBS = _stems("""hire recruit launch ship release publish develop define implement
execute extend evaluate identify open deploy install migrate write document complete
finish run hold host roll introduce redesign rebuild build-out
work""")
TASK_EXCEPT = _any(r"(?:to|that|so)\s+(?:accel\w*|increase|grow|reduce|improve|achieve)",
                   r"process", r"culture")

# Similarity ----------------------------------------------------------------------------------
SIMILARITY_STOP = _stems("""kr key result objective okr okrs q1 q2 q3 q4 quarter eoq goal
target achieve reach via ensure make get""")
CASCADE_JACCARD = 0.55
CASCADE_CONTAINED = 0.75
CASCADE_JACCARD_FLOOR = 0.4
OVERLAP_THRESHOLD = 0.6
# Terms carried by more than this share of the items (and more than OVERLAP_MIN_POSTINGS
# items) do not make candidates on their own: "customer" pairs everything with everything.
OVERLAP_MAX_SHARE = 0.02
OVERLAP_MIN_POSTINGS = 50

# Contradiction -------------------------------------------------------------------------------
UP_WORDS = _stems("""increase grow grown raise boost double triple maximize maximise expand
lift""")
DIRECTION = _any(r"increas(?:e|es|ed|ing)", r"grow(?:s|ing|n)?", r"rais(?:e|es|ed|ing)",
                 r"boost(?:s|ed|ing)?", r"doubl(?:e|es|ed|ing)", r"tripl(?:e|es|ed|ing)",
                 r"maximi[sz](?:e|es|ed|ing)", r"expand(?:s|ed|ing)?", r"lift(?:s|ed|ing)?",
                 r"reduc(?:e|es|ed|ing)", r"decreas(?:e|es|ed|ing)", r"cut(?:s|ting)?",
                 r"lower(?:s|ed|ing)?", r"minimi[sz](?:e|es|ed|ing)", r"shrink(?:s|ing)?",
                 r"halve(?:s|d)?", r"drop(?:s|ped|ping)?", r"decline(?:s|d)?")
MEASURE_STOP = _stems("percent pct point baseline current level")

DETERMINERS = frozenset("the a an our their its this these those".split())
# First three letters of every DIRECTION word: a cheap test before the regular expression.
DIRECTION_STARTS = frozenset("inc gro rai boo dou tri max exp lif red dec cut low min shr hal "
                             "dro".split())
