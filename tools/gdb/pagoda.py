"""gdb commands for Pagoda students (loaded by tools/gdb/pagoda.gdb).

Filled in by the page-table issue: `pagewalk ADDR` and `ptdump`.
"""
import gdb  # noqa: F401
