"""`--format junit`: JUnit XML. One testsuite per model; one testcase per check (fail/warn ->
<failure>, error -> <error>, skipped/not run -> <skipped>) plus a `quality gate` testcase."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from dativo_dbt.outputs.common import fmt_score
from dativo_dbt.scoring.models import ProjectScore


def render_junit(project: ProjectScore) -> str:
    root = ET.Element("testsuites", name="dativo-dbt")
    tot = fails = errs = skips = 0
    for m in project.models:
        suite = ET.SubElement(root, "testsuite", name=m.unique_id)
        n = f = e = s = 0
        props = ET.SubElement(suite, "properties")
        ET.SubElement(props, "property", name="score", value=fmt_score(m.score))
        ET.SubElement(props, "property", name="tier", value=m.tier or "")
        for c in m.checks:
            n += 1
            tc = ET.SubElement(
                suite,
                "testcase",
                name=c.check,
                classname=m.name,
                time=f"{c.execution_time or 0:.3f}",
            )
            if c.status in ("fail", "warn"):
                f += 1
                el = ET.SubElement(
                    tc,
                    "failure",
                    type=c.status,
                    message=f"{c.status}: {c.failures or 0} failing row(s)",
                )
                el.text = (
                    c.message or ""
                ) + f"\nseverity={c.severity} dimension={c.dimension} test={c.unique_id}"
            elif c.status == "error":
                e += 1
                el = ET.SubElement(
                    tc, "error", type="error", message=(c.message or "error").splitlines()[0][:200]
                )
                el.text = c.message or ""
            elif c.status in ("skipped", "not_run"):
                s += 1
                ET.SubElement(tc, "skipped", message=c.status)
        n += 1
        gate = ET.SubElement(suite, "testcase", name="quality gate", classname=m.name, time="0")
        if not m.gate.passed:
            f += 1
            el = ET.SubElement(
                gate, "failure", type="gate", message=f"gate failed (score {fmt_score(m.score)})"
            )
            el.text = "\n".join(f"{v.code} [{v.level}] {v.message}" for v in m.gate.violations)
        suite.set("tests", str(n))
        suite.set("failures", str(f))
        suite.set("errors", str(e))
        suite.set("skipped", str(s))
        tot, fails, errs, skips = tot + n, fails + f, errs + e, skips + s
    root.set("tests", str(tot))
    root.set("failures", str(fails))
    root.set("errors", str(errs))
    root.set("skipped", str(skips))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"
