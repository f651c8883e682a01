"""Engines: running the pipeline, in local worker processes, as a stream, or on a Dask cluster."""
