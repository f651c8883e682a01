"""Reading: finding the files, front matter, the fast YAML path, identity and the typed records of one file.

Everything here is a pure function of one file (and the options): the same code runs
in worker processes and on a Dask cluster, and the build cache's fingerprint is
derived from every module of this package."""
