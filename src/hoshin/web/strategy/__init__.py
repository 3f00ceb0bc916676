"""The strategy pages that show OKRs under the strategy, so sit above both okrs and strategy
(the strategy app's own pages are hoshin.strategy.views):

years      the fiscal year the plan is in (the running quarter's), which web registers
           with strategy's pages (WebConfig.ready)
xmatrix    the X-matrix coloured by the running quarter's OKRs, its print view and SVG
elements   each breakthrough's, annual objective's and priority's own page, with the
           quarterly objectives serving it

Their URLs (urls.py) stay under /strategy/ in the "strategy" namespace: hoshin.urls mounts
them with strategy/urls.py's.
"""
