"""newsgraph: a knowledge graph of news articles, from a folder of front-matter files.

>>> import graph
>>> kg = graph.build(["seeds"])
>>> kg.nx.number_of_nodes(), len(kg.rdf) > 0
(14, True)
"""

from graph.kg import KnowledgeGraph, build, load
from graph.kg import open_graph as open
from graph.model.report import RejectedFilesError
from graph.read.identity import DEFAULT_BASE, canonical_url
from graph.read.records import Article, Image, Provider, Topic

__all__ = [
    "DEFAULT_BASE",
    "Article",
    "Image",
    "KnowledgeGraph",
    "Provider",
    "RejectedFilesError",
    "Topic",
    "build",
    "canonical_url",
    "load",
    "open",
]

__version__ = "0.1.0"
