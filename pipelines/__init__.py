"""Item pipelines: one small module per step (normalize, validate, deduplicate, store).

They run in the order ``crawler.settings.ITEM_PIPELINES`` gives; each counts what
it drops under ``kabar/dropped/<reason>`` in the crawl stats.
"""
