#!/usr/bin/env python3
"""What Flathub asks of the metainfo beyond `appstreamcli validate`: the
screenshots have captions and exist in the tree at the path their URL
names, the project's version has a release with notes, a content rating,
the developer, a launchable that is the installed desktop file, the URLs.

Usage: check-metainfo.py METAINFO.xml SOURCE_ROOT PROJECT_VERSION
"""

import sys
import xml.etree.ElementTree as ET
from pathlib import Path

metainfo, root, version = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3]
RAW = "https://raw.githubusercontent.com/enlarge/enlarge/main/"
c = ET.parse(metainfo).getroot()
errors = []


def check(cond, msg):
    if not cond:
        errors.append(msg)
    return cond


shots = c.findall("screenshots/screenshot")
check(len(shots) >= 1, "no screenshots")
check(sum(s.get("type") == "default" for s in shots) == 1, "not exactly one default screenshot")
for s in shots:
    url = (s.findtext("image") or "").strip()
    check(bool((s.findtext("caption") or "").strip()), f"screenshot {url} has no caption")
    if check(url.startswith(RAW), f"screenshot {url} is not in this repository"):
        path = root / url[len(RAW):]
        check(path.is_file() and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n",
              f"screenshot {url}: {path} is not a PNG in the tree")

releases = {r.get("version"): r for r in c.findall("releases/release")}
check(version in releases, f"no release {version} (the project's version)")
if version in releases:
    check(releases[version].find("description") is not None, f"release {version} has no notes")
    check(bool(releases[version].get("date")), f"release {version} has no date")
check(c.find("content_rating") is not None, "no content rating")
check(bool((c.findtext("developer_name") or c.findtext("developer/name") or "").strip()), "no developer")
launch = c.find("launchable")
check(launch is not None and launch.text == c.findtext("id") + ".desktop",
      "the launchable is not the app's desktop file")
urls = {u.get("type") for u in c.findall("url")}
for kind in ("homepage", "bugtracker", "vcs-browser"):
    check(kind in urls, f"no {kind} URL")

for e in errors:
    print(f"FAIL: {e}")
print(f"{len(shots)} screenshots, releases {', '.join(releases)}, URLs {', '.join(sorted(urls))}")
sys.exit(1 if errors else 0)
