"""RDF: the corpus as RDF terms, the project vocabulary (``vocab.ttl``) and the SHACL shapes (``shapes.ttl``)."""
