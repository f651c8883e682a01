"""The model: many files' records merged into one corpus, its networkx graph, selections and the report."""
