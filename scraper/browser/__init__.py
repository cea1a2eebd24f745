"""Headless Chromium for pages built by JavaScript or guarded by a bot challenge.

Driven over the DevTools protocol on a pipe (``cdp``), not through Playwright:
errata needs only navigate, wait and read the DOM, and owning the process
(``process``) is what lets it promise that no browser outlives errata. A
Playwright release pins the Chromium it was built for, while Debian's
``chromium`` moves on its own schedule; the few stable protocol methods used
here work with whichever Chromium is installed.
"""

from errata.scraper.browser.chromium import Browser, Limits
from errata.scraper.browser.process import find_executable, install_hint
from errata.scraper.browser.render import Rendered, Wait, render

__all__ = ["Browser", "Limits", "Rendered", "Wait", "find_executable", "install_hint", "render"]
