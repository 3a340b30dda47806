"""Lets ``scrapyd-deploy`` build kabar's egg (``setup.py bdist_egg``); the configuration
is in pyproject.toml, which setuptools reads."""

from setuptools import setup

setup()
