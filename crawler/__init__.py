"""The Scrapy project: sites, page objects, discovery and the per-site spiders."""
