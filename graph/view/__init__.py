"""The view: the graph as one self-contained, interactive HTML page (builder and templates)."""
