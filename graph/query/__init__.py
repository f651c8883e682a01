"""Queries: typed lookups, networkx analysis and SPARQL over a knowledge graph."""
