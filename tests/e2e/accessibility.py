"""axe-core on every page every browser test visits, without the test asking for it.

`guard_contexts(browser)` makes every browser context the tests open (through the `page`
fixtures or `browser.new_context()` / `browser.new_page()`) carry an `AxeGuard`: an init
script injects axe-core into every top-level document and runs it as soon as the document
has loaded, before the test's next click or keystroke is processed (axe's run is one burst
of JavaScript on the page's only thread), and reports the result to Python through a
binding. A page the test only passes through (the login form) is checked as well as the
page it stays on. When the context closes, the documents still open are checked again,
after whatever the test did to them (error messages shown, rows added).

A serious or critical violation fails the test with the rule, impact, element and URL.
Moderate and minor ones are not failures (WCAG 2.1 AA is judged by the serious ones).
A document that was left before axe could report is listed in `guard.unchecked`.
"""

import contextlib
import json
import warnings
from pathlib import Path

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
FAILING_IMPACTS = ("serious", "critical")

# Runs in the page: waits for the document to finish loading, then returns the failing
# violations as plain data.
RUN_AXE = """async (impacts) => {
  if (document.readyState !== "complete") {
    await new Promise((resolve) => {
      window.addEventListener("load", resolve, { once: true });
      setTimeout(resolve, 5000);
    });
  }
  const results = await window.axe.run(document, { resultTypes: ["violations"] });
  return results.violations
    .filter((violation) => impacts.includes(violation.impact))
    .map((violation) => ({
      rule: violation.id,
      impact: violation.impact,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({
        target: node.target.join(" "),
        html: node.html.slice(0, 160),
        summary: (node.failureSummary || "").replace(/\\s+/g, " ").slice(0, 300),
      })),
    }));
}"""

# Runs in every new document before the page's own scripts (after the axe source).
REPORT_ON_LOAD = """(() => {
  if (window !== window.top || !/^https?:/.test(location.protocol)) return;
  window.addEventListener("load", () => {
    (%s)(%s).then(
      (found) => window.__axeReport(location.href, found, null),
      (error) => window.__axeReport(location.href, [], String(error)),
    );
  }, { once: true });
})();"""

_active_guards = []


class AccessibilityViolations(AssertionError):
    pass


class AxeGuard:
    def __init__(self, context):
        self.context = context
        self.violations = []  # dicts: url, rule, impact, help, target, html, summary
        self.checked_urls = []
        self.unchecked = []  # (url, reason): documents axe could not run on
        self.visited = []  # every top-level document the context showed
        context.on("page", lambda page: page.on("framenavigated", self._navigated))
        context.expose_binding("__axeReport", self._report)
        context.add_init_script(AXE_SOURCE)
        context.add_init_script(REPORT_ON_LOAD % (RUN_AXE, json.dumps(list(FAILING_IMPACTS))))

    def _navigated(self, frame):
        if frame.parent_frame is None and frame.url.startswith(("http://", "https://")):
            self.visited.append(frame.url)

    def never_checked(self):
        """Documents shown but left before axe reported (a redirect, a page left at once)."""
        checked = {url.split("#")[0] for url in self.checked_urls}
        return sorted({url.split("#")[0] for url in self.visited} - checked)

    def _report(self, source, url, found, error):
        if error:
            self.unchecked.append((url, error))
        else:
            self._record(url, found)

    def check(self, page):
        """Run axe on `page`'s current document and record what fails."""
        url = page.url
        if not url.startswith(("http://", "https://")) or page.is_closed():
            return
        try:
            if not page.evaluate("() => typeof window.axe === 'object'"):
                page.evaluate(AXE_SOURCE)
            found = page.evaluate(RUN_AXE, list(FAILING_IMPACTS))
        except Exception as error:  # the document went away mid-check
            self.unchecked.append((url, str(error).splitlines()[0]))
            return
        self._record(url, found)

    def _record(self, url, found):
        self.checked_urls.append(url)
        for violation in found:
            for node in violation["nodes"]:
                entry = {"url": url, **{k: violation[k] for k in ("rule", "impact", "help")}}
                entry.update(node)
                if entry not in self.violations:
                    self.violations.append(entry)

    def check_open_pages(self):
        for page in list(self.context.pages):
            self.check(page)

    def report(self) -> str:
        lines = [f"axe-core {len(self.violations)} serious/critical accessibility violation(s):"]
        for v in self.violations:
            lines.append(f"- [{v['impact']}] {v['rule']}: {v['help']}")
            lines.append(f"    target: {v['target']}   url: {v['url']}")
            lines.append(f"    html:   {v['html']}")
            lines.append(f"    fix:    {v['summary']}")
        return "\n".join(lines)

    def assert_clean(self):
        if self.violations:
            raise AccessibilityViolations(self.report())


def guard_context(context):
    """Attach a guard to `context`; closing the context checks its open pages first."""
    guard = AxeGuard(context)
    _active_guards.append(guard)
    close = context.close

    def close_after_checking(*args, **kwargs):
        if guard in _active_guards and not getattr(context, "_axe_closed", False):
            guard.check_open_pages()
            context._axe_closed = True
        return close(*args, **kwargs)

    context.close = close_after_checking
    return context


def guard_contexts(browser):
    """Make every context `browser` opens from now on carry an `AxeGuard`."""
    new_context = browser.new_context

    def guarded_new_context(*args, **kwargs):
        return guard_context(new_context(*args, **kwargs))

    def guarded_new_page(*args, **kwargs):
        page = guarded_new_context(*args, **kwargs).new_page()
        return page

    browser.new_context = guarded_new_context
    browser.new_page = guarded_new_page
    return browser


def start_test():
    _active_guards.clear()


def finish_test():
    """Check the documents still open, forget this test's guards, and fail on violations."""
    guards = list(_active_guards)
    _active_guards.clear()
    for guard in guards:
        if not getattr(guard.context, "_axe_closed", False):
            with contextlib.suppress(Exception):  # the context is already gone
                guard.check_open_pages()
    for guard in guards:
        missed = guard.never_checked() + [f"{url} ({reason})" for url, reason in guard.unchecked]
        if missed:
            warnings.warn("axe-core could not check: " + ", ".join(missed), stacklevel=1)
    failing = [guard for guard in guards if guard.violations]
    if failing:
        raise AccessibilityViolations("\n".join(guard.report() for guard in failing))
    return guards
