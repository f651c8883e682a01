"""Stores: the embedded pyoxigraph store, and pushing exports to a triple store over HTTP."""
