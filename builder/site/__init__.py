"""The public site: render the typed catalog as pages (pure), then publish them with MkDocs.

render, pages, check_pages and history make the pages; publish runs MkDocs (config, docs,
mkdocs, aside, layout, search_index) and swaps the result in (swap); build and serve are
the two commands, preview the local server ``gkml serve`` uses.
"""
