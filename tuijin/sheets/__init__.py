"""Spreadsheets in and out, with no Django: reading .xlsx/.xls/.csv (size and zip-bomb checks, encoding sniffing
with a GB18030 fallback, calamine), typed cells (numbers, dates, yes/no, choices) with Chinese messages naming the
row and column, and writing formula-safe workbooks (templates, exports, error books).

The import framework (tuijin.exchange) and `tuijin assess` (tuijin.engine.assessment.io) both read through it.
"""
