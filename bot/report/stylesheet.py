"""report.html's styles, inlined in the page: system fonts only (a web font would be a
request), and a print stylesheet so the report prints to A4 PDF readably."""

CSS = """
:root { --ink: #1f2328; --muted: #59636e; --line: #d1d9e0; --wash: #f6f8fa; }
* { box-sizing: border-box; }
body {
  margin: 0 auto; max-width: 980px; padding: 24px 20px 48px; color: var(--ink);
  font: 15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", Arial, sans-serif;
}
header { border-bottom: 3px solid var(--ink); margin-bottom: 16px; }
h1 { font-size: 26px; margin: 0 0 4px; }
h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 1px solid var(--line); }
h3 { font-size: 16px; margin: 20px 0 6px; }
.period, .note, footer { color: var(--muted); font-size: 13px; }
.summary li { margin: 4px 0; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(170px, 1fr));
  gap: 8px; margin: 16px 0; padding: 0; }
.figures div { background: var(--wash); border: 1px solid var(--line); border-radius: 6px;
  padding: 8px 10px; }
.figures dt { color: var(--muted); font-size: 12px; }
.figures dd { margin: 0; font-size: 22px; font-weight: 600; }
figure { margin: 12px 0 20px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg.chart { display: block; width: 100%; height: auto; font-size: 11px; }
svg.chart text { fill: var(--ink); }
svg.chart .tick, svg.chart .note { fill: var(--muted); }
svg.chart .grid { stroke: var(--line); stroke-width: 1; }
.empty { color: var(--muted); font-style: italic; }
.table { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; margin: 4px 0 8px; }
caption { text-align: left; font-weight: 600; padding: 4px 0; }
th, td { border-bottom: 1px solid var(--line); padding: 4px 6px; text-align: left;
  vertical-align: top; }
th { background: var(--wash); }
td:first-child, td.date { white-space: nowrap; }
td.number, th.number { text-align: right; font-variant-numeric: tabular-nums; }
tr:last-child td { border-bottom: 0; }
.columns { display: grid; grid-template-columns: repeat(auto-fit, minmax(300px, 1fr));
  gap: 0 24px; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  h2 { break-after: avoid; margin-top: 18pt; }
  figure, table, .figures div, tr { break-inside: avoid; }
  .table { overflow: visible; }
  table { font-size: 8.5pt; }
  th, td { padding: 2pt 4pt; }
  .columns { display: block; }
}
"""
