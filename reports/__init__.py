"""govaudit reports: render audit results for inspectors (HTML, Markdown)."""
