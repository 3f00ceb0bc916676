"""The catchball pages, one module per part (wired in catchball/urls.py):

lists      my inbox, and the strategy office's overview of every unit's open threads
deadlines  the planning calendar (the strategy office)
proposing  proposing a plan element to a unit
threads    a thread with its rounds and the answer forms of whoever may act now
common     who the strategy office is; the day the pages judge deadlines by
"""

from hoshin.catchball.views.deadlines import calendar
from hoshin.catchball.views.lists import inbox, overview
from hoshin.catchball.views.proposing import propose
from hoshin.catchball.views.threads import element_url, thread

__all__ = ["calendar", "element_url", "inbox", "overview", "propose", "thread"]
