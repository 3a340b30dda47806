"""A small web of news sites built the way other platforms than WordPress build them.

Each site of :mod:`tests.othercms.sites` copies one platform's habits (Drupal, Joomla,
Ghost, Blogger, a hand-written PHP portal, a sitemap-only site, a site with quirky
feeds, a homepage that redirects elsewhere, a feed on a proxy's host);
:mod:`tests.othercms.server` serves them
on 127.0.0.1, one port per site, and counts each site's requests by what they hit.
The mock web of :mod:`kabar.demo` is WordPress-like; this one keeps discovery honest
on the rest of the web.
"""
