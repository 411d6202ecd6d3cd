"""The drift page: the health of every org as one self-contained HTML file, for people and CI artifacts.

A grid of orgs against what orgaccess checks, totals at the top, a filter box, and each org's
drift records and failed causes one click away. Styles and script are inline and nothing is
loaded from the network, so the file opens anywhere, offline. Every string that came from the
platform or the declarations is escaped (`html.escape`): an org or role name is data, never markup.
The script only shows and hides rows; all content is in the HTML itself.
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from html import escape
from pathlib import Path
from typing import Any

from orgaccess.reconciler.drift import EXISTS, Drift
from orgaccess.reports.health import ACCOUNT_CAUSES, CAUSES, SEVERITY, FailedCheck, OrgHealth, State, columns
from orgaccess.vocabulary import Cause

# Short class names: a 500-org page holds thousands of cells. The labels are markup (an entity).
_CLASS = {State.NONE: "n", State.OK: "o", State.DRIFT: "d", State.NOT_FIXABLE: "x", State.UNREADABLE: "u"}
_CELL = {
    State.NONE: "&ndash;",
    State.OK: "ok",
    State.DRIFT: "drift",
    State.NOT_FIXABLE: "not fixable",
    State.UNREADABLE: "?",
}
_ACCOUNT_CAPTION = "Causes of a 403 from the recordings API, the same in every org the account is bound in"
_CAUSE_TITLES: dict[str, str] = {
    Cause.SCOPE: "C1 scope: the account is a client-credentials app with recording:view",
    Cause.ORG_LOCK: "C2 org lock: the account may address linked orgs",
    Cause.ROLE: "C3 role: a granted role carries recording:view",
    Cause.LICENSE: "C4 license: the analytics feature is on",
    Cause.ADDRESSABLE: "C5 addressable: the org is the home org or linked to it",
    Cause.HEADER: "C6 header: calls name the org in X-GCC-Organization-Id",
}


@dataclass(frozen=True)
class Source:
    """What the page was made from: the declarations file, and when."""

    declarations: Path
    made_at: datetime

    @property
    def digest(self) -> str:
        return hashlib.sha256(self.declarations.read_bytes()).hexdigest()[:12]


@dataclass(frozen=True)
class StackRow:
    """One stack of a fleet run, as the fleet's summary table shows it."""

    name: str
    orgs: str
    changes: str
    seconds: str
    result: str


def render(orgs: Sequence[OrgHealth], source: Source, stacks: Sequence[StackRow] = ()) -> str:
    totals = Counter(org.state for org in orgs)
    title = f"orgaccess drift: {_headline(totals, len(orgs))}"
    parts = [
        "<!doctype html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No network, no inline event handlers: only this page's own style and script run.
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; script-src 'unsafe-inline'\">",
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
        _header(totals, len(orgs), source),
        _stacks(stacks) if stacks else "",
        _accounts(orgs),
        _grid(orgs),
        f"<script>{_JS}</script></body></html>",
    ]
    return "\n".join(part for part in parts if part) + "\n"


def _headline(totals: Counter[State], orgs: int) -> str:
    bad = [f"{totals[s]} {s.value}" for s in reversed(SEVERITY) if s not in (State.OK, State.NONE) and totals[s]]
    return f"{', '.join(bad)} of {orgs} orgs" if bad else f"no drift in {orgs} orgs"


def _header(totals: Counter[State], orgs: int, source: Source) -> str:
    made = source.made_at.isoformat(timespec="seconds")
    buttons = [f'<button type="button" class="t all" data-state="" aria-pressed="true">all orgs <b>{orgs}</b></button>']
    buttons += [
        f'<button type="button" class="t {_CLASS[s]}" data-state="{escape(s.value)}" aria-pressed="false">'
        f"{escape(s.value)} <b>{totals[s]}</b></button>"
        for s in (State.OK, State.DRIFT, State.NOT_FIXABLE, State.UNREADABLE)
    ]
    return (
        "<header><h1>orgaccess drift</h1>"
        f'<p class="meta">Made <time datetime="{escape(made)}">{escape(made)}</time> from '
        f"<code>{escape(str(source.declarations))}</code> (sha256 {source.digest}): "
        f"{escape(_headline(totals, orgs))}.</p>"
        f'<nav class="totals" aria-label="totals">{"".join(buttons)}</nav>'
        '<p class="find"><input id="filter" type="search" placeholder="Filter: org id or state" '
        'aria-label="Filter orgs" autocomplete="off"> <span id="shown" role="status"></span></p>'
        '<p class="legend">Columns: drift of each kind orgaccess manages, then the causes C1-C6 of a '
        "403 from the recordings API, for accounts declared with recording:view. "
        "<i>drift</i>: <code>pulumi up</code> fixes it; <i>not fixable</i>: up cannot (contract, platform "
        "or declarations); <b>?</b>: the org could not be read; &ndash;: nothing to check. "
        "C1 and C2 belong to the account: see <i>Service accounts</i>. "
        "Click an org for its records, field by field.</p></header>"
    )


def _stacks(stacks: Sequence[StackRow]) -> str:
    rows = "".join(
        f"<tr><td>{escape(s.name)}</td><td>{escape(s.orgs)}</td><td>{escape(s.changes)}</td>"
        f"<td>{escape(s.seconds)}</td><td>{escape(s.result)}</td></tr>"
        for s in stacks
    )
    return (
        '<section class="stacks"><h2>Stacks</h2><table><thead><tr><th>stack</th><th>orgs</th><th>changes</th>'
        f"<th>seconds</th><th>preview</th></tr></thead><tbody>{rows}</tbody></table></section>"
    )


def _accounts(orgs: Sequence[OrgHealth]) -> str:
    """The account causes (C1, C2) once, not in every org they show in."""
    found = {(f.account, f.check.cause): f for org in orgs for f in org.failed if f.check.cause in ACCOUNT_CAUSES}
    if not found:
        return ""
    return (
        '<section class="accounts"><h2>Service accounts</h2>'
        f"{_causes_table(sorted(found.values(), key=_cause_order), _ACCOUNT_CAPTION)}"
        "</section>"
    )


def _causes_table(failed: Iterable[FailedCheck], caption: str) -> str:
    return (
        f"<table><caption>{escape(caption)}</caption>"
        "<thead><tr><th>cause</th><th>account</th><th>found</th><th>fix</th></tr></thead>"
        f"<tbody>{''.join(map(_cause_row, failed))}</tbody></table>"
    )


def _grid(orgs: Sequence[OrgHealth]) -> str:
    shown = columns()
    heads = "".join(f'<th title="{escape(_CAUSE_TITLES.get(c, c))}">{c}</th>' for c in shown)
    body = "".join(_org_rows(org, shown) for org in orgs)
    return (
        # Each row is a CSS grid of these columns (the style below): their count, and widths added up.
        f'<table id="grid" style="width:{12 + 7 + 5.2 * len(shown):g}rem;--checks:{len(shown)}">'
        f"<thead><tr><th>org</th><th>state</th>{heads}</tr></thead><tbody>{body}</tbody></table>"
    )


def _org_rows(org: OrgHealth, shown: Sequence[str]) -> str:
    state = org.state
    name = escape(org.org)
    detail = _detail(org)
    label = f'<button type="button" aria-expanded="false">{name}</button>' if detail else name
    cells = "".join(f'<td class="{_CLASS[org.cells[c]]}">{_CELL[org.cells[c]]}</td>' for c in shown)
    row = (
        f'<tr class="org" data-org="{name}" data-state="{escape(state.value)}"><th scope="row">{label}</th>'
        f'<td class="{_CLASS[state]}">{escape(state.value)}</td>{cells}</tr>'
    )
    if not detail:
        return row
    return f'{row}<tr class="detail" hidden><td colspan="{len(shown) + 2}">{detail}</td></tr>'


def _detail(org: OrgHealth) -> str:
    parts: list[str] = []
    if org.error is not None:
        parts.append(f'<p class="err">Could not read this org: {escape(org.error)}</p>')
    if org.drift:
        parts.append(
            "<table><caption>Drift, field by field</caption><thead><tr><th>kind</th><th>object</th>"
            "<th>field</th><th>declared</th><th>live</th>"
            f"<th>fix</th></tr></thead><tbody>{''.join(map(_drift_row, org.drift))}</tbody></table>"
        )
    here = [f for f in org.failed if f.check.cause not in ACCOUNT_CAUSES]
    if here:
        parts.append(_causes_table(sorted(here, key=_cause_order), "Causes of a 403 from the recordings API"))
    return "".join(parts)


def _drift_row(d: Drift) -> str:
    if d.field == EXISTS:
        declared, live = ("present", "absent") if d.declared else ("absent", "present")
    else:
        declared, live = _shown(d.declared), _shown(d.actual)
    fix = "pulumi up" if d.fixable else f"not by API: {d.reason}"
    return (
        f"<tr><td>{escape(d.kind)}</td><td>{escape(d.name)}</td><td>{escape(d.field)}</td>"
        f'<td class="v">{escape(declared)}</td><td class="v">{escape(live)}</td>'
        f'<td class="{"d" if d.fixable else "x"}">{escape(fix)}</td></tr>'
    )


def _cause_row(failed: FailedCheck) -> str:
    c = failed.check
    return (
        f"<tr><td>{escape(c.cause)} {escape(c.title)}</td><td>{escape(failed.account)}</td>"
        f"<td>{escape(c.evidence)}</td><td>{escape(c.fix)}</td></tr>"
    )


def _cause_order(failed: FailedCheck) -> tuple[int, str]:
    return CAUSES.index(failed.check.cause) if failed.check.cause in CAUSES else len(CAUSES), failed.account


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(map(str, value)) or "none"
    if isinstance(value, bool):
        return str(value).lower()
    return "none" if value is None else str(value)


def totals_line(orgs: Iterable[OrgHealth]) -> str:
    """The page's headline, for a terminal: `3 drift, 1 not fixable of 500 orgs`."""
    listed = list(orgs)
    return _headline(Counter(org.state for org in listed), len(listed))


_CSS = """
:root{font:14px/1.4 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1f2328;background:#fff}
body{margin:0 1.5rem 2rem}h1{font-size:1.4rem;margin:1rem 0 .2rem}h2{font-size:1.1rem}
.meta,.legend{color:#57606a;margin:.2rem 0}.legend{font-size:12px;max-width:70rem}
code{font:12px ui-monospace,monospace;background:#f6f8fa;padding:0 .2em}
.totals{display:flex;gap:.4rem;flex-wrap:wrap;margin:.6rem 0}
.t{border:1px solid #d0d7de;border-radius:2rem;padding:.25rem .8rem;cursor:pointer;font:inherit;background:#f6f8fa}
.t[aria-pressed=true]{outline:2px solid #0969da}.t b{margin-left:.2rem}
.find input{font:inherit;padding:.3rem .5rem;width:20rem;border:1px solid #d0d7de;border-radius:6px}
#shown{color:#57606a;margin-left:.5rem}
table{border-collapse:collapse}
th,td{border:1px solid #d8dee4;padding:.2rem .5rem;text-align:left;vertical-align:top}
/* The grid is a table to assistive technology, laid out as rows of fixed columns (CSS grid), so that
   an org row off screen (content-visibility) costs no style, layout or paint: showing all 5,000 rows
   again lays out the few on screen. A table row cannot skip its layout. Borders as if collapsed. */
#grid{display:block;margin-top:.5rem}#grid>thead,#grid>tbody{display:block}
#grid>*>tr:not([hidden]){display:grid;grid-template-columns:12rem 7rem repeat(var(--checks),5.2rem)}
#grid>*>tr>*{border-width:0 1px 1px 0;align-content:center}#grid>*>tr>:first-child{border-left-width:1px}
#grid>thead{position:sticky;top:0;z-index:1}#grid>thead th{background:#f6f8fa;border-top-width:1px}
#grid>tbody>tr.org{content-visibility:auto;contain-intrinsic-size:auto 26px}
#grid>tbody>tr.detail>td{grid-column:1/-1}
tr.org>th{overflow:hidden;text-overflow:ellipsis}
#grid>tbody>tr.org>td{text-align:center;white-space:nowrap}
tr.org>th{font-weight:500;white-space:nowrap}
tr.org button{font:inherit;border:0;background:none;padding:0;color:#0969da;cursor:pointer;text-decoration:underline}
tr.org button[aria-expanded=true]{font-weight:700}
tr.detail>td{background:#fbfbfc;padding:.5rem 1rem}
tr.detail table{margin:.3rem 0;font-size:13px}
tr.detail th{background:#f6f8fa}caption{text-align:left;font-weight:600;padding:.2rem 0}
.v{font-family:ui-monospace,monospace;font-size:12px}
.accounts table{font-size:13px;max-width:71rem}.err{color:#4b2a99;font-weight:600}
.o{background:#dafbe1;color:#116329}.d{background:#fff1c2;color:#7a4b00}
.x{background:#ffd7d5;color:#a40e26;font-weight:600}.u{background:#e2d9f7;color:#4b2a99;font-weight:600}
.n{color:#8c959f}#grid>tbody>tr.org>td.x{white-space:normal;font-size:12px;line-height:1.15}
#grid>tbody>tr.org>td:nth-child(2){font-size:14px;white-space:nowrap}
""".strip()

# Each row's search text and state are read once, at load, with whether it is shown: an answer of
# the filter then reads nothing back from the page and writes only the rows whose answer changed.
_JS = """
(()=>{const q=document.getElementById('filter'),shown=document.getElementById('shown'),
rows=[...document.querySelectorAll('#grid tr.org')],btns=[...document.querySelectorAll('.totals .t')],
ids=rows.map(r=>r.dataset.org.toLowerCase()),states=rows.map(r=>r.dataset.state),on=rows.map(()=>true);let want='';
function apply(){const t=q.value.trim().toLowerCase();let n=0;
for(let i=0;i<rows.length;i++){const s=states[i],ok=(!want||s===want)&&(!t||ids[i].includes(t)||s===t);
if(ok)n++;if(ok===on[i])continue;on[i]=ok;const r=rows[i];r.hidden=!ok;if(ok)continue;
const d=r.nextElementSibling;if(d&&d.classList.contains('detail')&&!d.hidden){d.hidden=true;
r.querySelector('button').setAttribute('aria-expanded','false')}}
shown.textContent=n+' of '+rows.length+' orgs shown'}
q.addEventListener('input',apply);
for(const b of btns)b.addEventListener('click',()=>{want=b.dataset.state;
for(const o of btns)o.setAttribute('aria-pressed',String(o===b));apply()});
document.getElementById('grid').addEventListener('click',e=>{const b=e.target.closest('tr.org button');if(!b)return;
const d=b.closest('tr').nextElementSibling,open=d.hidden;d.hidden=!open;b.setAttribute('aria-expanded',String(open))});
apply()})();
""".strip()
