import graph


def test_public_api_is_pinned():
    assert graph.__all__ == [
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
