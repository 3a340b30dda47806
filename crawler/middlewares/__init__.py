"""Downloader middlewares: the politeness Scrapy does not have built in."""
