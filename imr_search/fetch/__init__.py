"""Letters and DWC's own rows from DWC's IMR decision search, in front of ingestion.

``protocol`` holds every fact of the site (the one module to update when DWC changes it);
``client`` is the polite HTTP client; ``ledger`` the SQLite database of DWC's rows and the fetch's
progress; ``store`` the letters on disk; ``listing`` puts result rows together; ``fetcher`` runs
a fetch; ``labels`` puts DWC's labels on parsed letters; ``agreement`` compares the parser with
DWC's rows.
"""
