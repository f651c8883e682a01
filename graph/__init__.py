"""newsgraph: a knowledge graph of news articles, from a folder of front-matter files.

>>> import graph
>>> kg = graph.build(["seeds"])
>>> kg.nx.number_of_nodes(), len(kg.rdf) > 0
(14, True)
"""

from ._identity import DEFAULT_BASE, canonical_url
from ._kg import KnowledgeGraph, build
from ._records import Article, Image, Provider, Topic

__all__ = [
    "DEFAULT_BASE",
    "Article",
    "Image",
    "KnowledgeGraph",
    "Provider",
    "Topic",
    "build",
    "canonical_url",
]

__version__ = "0.1.0"
