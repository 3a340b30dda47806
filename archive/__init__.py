"""kabar's archive: the database of articles, sites and crawl runs.

Nothing here imports Scrapy; the crawler's store pipeline and the CLI use it.
"""
