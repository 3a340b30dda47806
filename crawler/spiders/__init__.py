"""Spiders: SiteSpider ("kabar": every site of the sites file, or the sites given), and
one subclass per configured site (made by crawler.spiderloader)."""
