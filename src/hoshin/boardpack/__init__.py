"""The board pack (issue #15 item 7): a PDF made from live data for board preparation.

contents.py  reads the quarter into plain data, each section bounded (the stored roll-up
             for progress and status)
render.py    lays it out as HTML with print CSS and makes the PDF with WeasyPrint
tasks.py     the web's download runs on the task queue (`hoshin worker`), polled by the page
views.py, api.py, management/commands/boardpack.py   the web, the API and the CLI

It composes the strategy, okrs, reviews, flags and web's strategic timeline, so it sits
above web in the layers (pyproject.toml [tool.importlinter]).
"""
