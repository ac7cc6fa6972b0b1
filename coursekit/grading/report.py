"""What people read: the per-student HTML report, the progress bar and the final summary.

Reports show each exercise's status and diagnosis (catalog messages, which never
contain hidden inputs or expected values) and the learner's own cell errors.
Every text is HTML-escaped: messages may quote the learner's exception text.
"""

import html
import statistics
import sys
import time
from pathlib import Path

from coursekit.grading.gradebook import REPORTS_DIR, atomic_write, safe_name
from coursekit.messages import msg

ICONS = {"passed": "✅", "failed": "❌", "pending": "⏳", "error": "💥", "internal": "⚠️", "timeout": "⌛",
         "crashed": "💥", "missing": "❓", "not_graded": "—"}
EX_STATUSES = ("passed", "failed", "pending", "error", "timeout", "missing", "crashed", "not_graded", "internal")


def status_label(status: str) -> str:
    return msg(f"grading.ex.{status}") if status in EX_STATUSES else status


def _fmt(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def render_html(record: dict) -> str:
    """One student's report (Spanish by default), self-contained HTML."""
    e = html.escape
    rows = []
    for ex in record["exercises"]:
        feedback = "<br>".join(e(line) for line in ex["feedback"]) or "&nbsp;"
        rows.append(
            f"<tr class='{e(ex['status'])}'><td>{e(ex['id'])}</td><td>{e(ex['title'])}</td>"
            f"<td>{ICONS.get(ex['status'], '')} {e(status_label(ex['status']))}</td>"
            f"<td class='num'>{_fmt(ex['score'])} / {_fmt(ex['points'])}</td><td>{feedback}</td></tr>"
        )
    notes = "".join(f"<li>{e(note)}</li>" for note in record.get("notes", []))
    reason = f"<p class='reason'>{e(record['reason'])}</p>" if record.get("reason") else ""
    return f"""<!DOCTYPE html>
<html lang="es"><head><meta charset="utf-8">
<title>{e(msg('grading.report.title', student=record['student']))}</title>
<style>
body{{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#222}}
table{{border-collapse:collapse;width:100%}} td,th{{border:1px solid #ccc;padding:.4rem .6rem;vertical-align:top}}
th{{background:#f0f0f0;text-align:left}} .num{{text-align:right;white-space:nowrap}}
tr.passed{{background:#e6f4ea}} tr.failed,tr.error,tr.timeout,tr.crashed{{background:#fdecea}}
tr.pending,tr.missing{{background:#fff8e1}} .reason{{color:#a00}}
</style></head><body>
<h1>{e(msg('grading.report.title', student=record['student']))}</h1>
<p><strong>{e(msg('grading.report.total', total=_fmt(record['total']), max=_fmt(record['max'])))}</strong>
 · {e(record['status_label'])}</p>{reason}
<table><tr><th>{e(msg('grading.report.col_id'))}</th><th>{e(msg('grading.report.col_title'))}</th>
<th>{e(msg('grading.report.col_status'))}</th><th>{e(msg('grading.report.col_points'))}</th>
<th>{e(msg('grading.report.col_feedback'))}</th></tr>
{''.join(rows)}</table>
{f"<h2>{e(msg('grading.report.notes'))}</h2><ul>{notes}</ul>" if notes else ""}
<p><small>{e(msg('grading.report.footer', date=record.get('graded_at', '')))}</small></p>
</body></html>
"""


def write_report(out_dir: Path, record: dict):
    folder = Path(out_dir) / REPORTS_DIR
    folder.mkdir(exist_ok=True, mode=0o700)
    atomic_write(folder / f"{safe_name(record['student'])}.html", render_html(record).encode("utf-8"), 0o644)


class Progress:
    """A one-line progress bar on stderr (``\\r`` on a terminal, a line every 10 % otherwise)."""

    def __init__(self, stream=None, width=30):
        self.stream = stream or sys.stderr
        self.tty = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.width = width
        self.total = self.done = 0
        self.start_time = time.monotonic()
        self.last_bucket = -1

    def start(self, total, done=0):
        self.total, self.done = total, done
        self.start_time = time.monotonic()
        if done:
            self.stream.write(msg("grading.progress.resumed", done=done, total=total) + "\n")
        self._draw("")

    def step(self, student=""):
        self.done += 1
        self._draw(student)

    def _draw(self, student):
        total = max(1, self.total)
        elapsed = time.monotonic() - self.start_time
        filled = int(self.width * self.done / total)
        bar = "#" * filled + "-" * (self.width - filled)
        line = f"[{bar}] {self.done}/{self.total} {elapsed:5.0f} s {student[:30]}"
        if self.tty:
            self.stream.write("\r" + line.ljust(self.width + 50))
        else:
            bucket = int(10 * self.done / total)
            if bucket == self.last_bucket and self.done != self.total:
                return
            self.last_bucket = bucket
            self.stream.write(line + "\n")
        self.stream.flush()

    def finish(self):
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()


def summary(records, exercises, elapsed: float, out_dir) -> str:
    """Spanish summary: mean and spread, per-exercise distribution, problem submissions."""
    lines = []
    counts = {}
    for r in records:
        counts[r["status"]] = counts.get(r["status"], 0) + 1
    lines.append(msg("grading.summary.head", n=len(records), seconds=elapsed,
                     graded=counts.get("graded", 0), incidents=counts.get("incidents", 0),
                     rejected=counts.get("rejected", 0), internal=counts.get("internal", 0)))
    totals = [r["total"] for r in records]
    max_points = sum(e.points for e in exercises)
    if totals:
        lines.append(msg("grading.summary.mean", mean=statistics.mean(totals), median=statistics.median(totals),
                         max=max_points, low=min(totals), high=max(totals)))
    lines.append(msg("grading.summary.per_exercise"))
    for ex in exercises:
        rows = [x for r in records for x in r["exercises"] if x["id"] == ex.id]
        dist = {}
        for x in rows:
            dist[x["status"]] = dist.get(x["status"], 0) + 1
        parts = ", ".join(f"{status_label(s)} {n}" for s, n in sorted(dist.items(), key=lambda kv: -kv[1]))
        mean = statistics.mean([x["score"] for x in rows]) if rows else 0.0
        lines.append(msg("grading.summary.exercise", id=ex.id, title=ex.title, points=ex.points, mean=mean, dist=parts))
    problems = [r for r in records if r["status"] != "graded"]
    if problems:
        lines.append(msg("grading.summary.problems", n=len(problems)))
        for r in problems:
            lines.append(f"  - {r['student']}: {r['status_label']}: {r['reason']}")
    lines.append(msg("grading.summary.outputs", out=str(out_dir)))
    return "\n".join(lines)
