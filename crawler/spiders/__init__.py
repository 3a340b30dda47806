"""Spiders: SiteSpider, one subclass per configured site (made by crawler.spiderloader)."""
