"""kabar's core: the facts every part shares, importing nothing else of kabar's.

The article's fields (:mod:`kabar.core.article`), URL identity (:mod:`kabar.core.urls`),
text hygiene (:mod:`kabar.core.text`), the HTML policy (:mod:`kabar.core.html`), time
helpers (:mod:`kabar.core.times`) and the topic taxonomy (:mod:`kabar.core.taxonomy`)
are defined here once, so the crawler, the pipelines, the archive and the feeds cannot
disagree about them. ``tests/test_architecture.py`` keeps the imports one-way.
"""
