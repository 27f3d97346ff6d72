"""The indicators as people and machines read them: CSV files, a workbook, a
self-contained HTML report and terminal tables, all from one `Indicators` value
(bot/domain/indicators/figures.py; the contract is bot/domain/indicators/DEFINITIONS.md)."""
