"""Officers' exports in (CSV, XLSX, JSON): ``dispatch.open_export`` picks the reader by the bytes; the shared
types live in ``types``, one module per format.
"""
