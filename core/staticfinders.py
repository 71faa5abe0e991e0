"""Serve plotly.js from the installed `plotly` package, so charts need no CDN and no copy in git.

Only the one file is exposed (as `plotly/plotly.min.js`), not the package's data sets.
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage

PLOTLY_DIR = Path(plotly.__file__).parent / "package_data"
FILES = {"plotly/plotly.min.js": "plotly.min.js"}


class PackageAssetFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PLOTLY_DIR))
        self.storage.prefix = "plotly"

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        # Django 5.2 renamed `all` to `find_all`; accept both.
        find_all = find_all or kwargs.get("all", False)
        name = FILES.get(path)
        if name is None:
            return []
        match = str(PLOTLY_DIR / name)
        return [match] if find_all else match

    def list(self, ignore_patterns):
        for name in FILES.values():
            yield name, self.storage
