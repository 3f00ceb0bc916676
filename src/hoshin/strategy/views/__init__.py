"""The strategy app's pages, one module per part (wired in strategy/urls.py):

years      which fiscal year a page shows (`?year=`, else the year the plan is in)
overview   the strategy page: vision, breakthroughs, annual objectives, priorities, metrics
elements   the kinds of element, their forms (add, edit, archive, restore), the vision form
grids      the correlation grids and the resource grid
metrics    the metrics list and each metric's bowling chart, where actuals are recorded
links      what a page shows of an element's links (marks, metrics moved, resources)
history    an element's change history in words
xmatrix    the X-matrix's data for a fiscal year

The pages that show OKRs under the strategy (the X-matrix with the running quarter's
statuses, and each breakthrough's, annual objective's and priority's own page with the
objectives serving it) compose okrs with strategy, so they live a layer up, in
hoshin.web.strategy; their URLs stay under /strategy/ in the "strategy" namespace.
"""

from hoshin.strategy.views.elements import KINDS, Kind, can_edit, detail_context
from hoshin.strategy.views.grids import GRID_TITLES
from hoshin.strategy.views.history import item_history
from hoshin.strategy.views.xmatrix import xmatrix_data
from hoshin.strategy.views.years import register_current_year, selected_year

__all__ = [
    "GRID_TITLES",
    "KINDS",
    "Kind",
    "can_edit",
    "detail_context",
    "item_history",
    "register_current_year",
    "selected_year",
    "xmatrix_data",
]
