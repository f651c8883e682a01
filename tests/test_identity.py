from graph.read.identity import (
    article_iri,
    canonical_url,
    check_base,
    image_iri,
    provider_domain,
    safe_iri,
    topic_iri,
    topic_key,
)


def test_canonical_url_folds_scheme_host_port_fragment_and_tracking():
    assert canonical_url("HTTP://Example.COM:80/A/b?x=1&utm_medium=m&fbclid=z#frag") == "http://example.com/A/b?x=1"
    assert canonical_url("https://example.com:8443/a?gclid=1&mc_cid=2&mc_eid=3") == "https://example.com:8443/a"


def test_canonical_url_keeps_path_and_other_parameters_as_they_are():
    url = "https://www.thetimes.co.uk/article/f759?shareToken=49c9&b=2&a=1"
    assert canonical_url(url) == url


def test_canonical_url_drops_hashbang_fragment():
    assert canonical_url("https://example.com/a#!") == "https://example.com/a"


def test_article_iri_is_stable_and_valid_whatever_the_url():
    iri = article_iri(canonical_url('https://example.com/a b/"<x>"'))
    assert iri == article_iri('https://example.com/a b/"<x>"')
    assert safe_iri(iri) == iri


def test_safe_iri_encodes_forbidden_characters_and_stray_percent():
    assert safe_iri("https://e.com/{a}|b\\c^d`e f%zz%41") == "https://e.com/%7Ba%7D%7Cb%5Cc%5Ed%60e%20f%25zz%41"


def test_provider_domain_strips_www_and_case():
    assert provider_domain("WWW.CaixinGlobal.com") == "caixinglobal.com"


def test_topic_key_folds_case_and_whitespace_but_iri_is_shared():
    assert topic_key("Computer   VISION") == "computer vision"
    assert topic_iri("computer vision") == topic_iri(" Computer\nVision ")


def test_image_iri_uses_canonical_url():
    assert image_iri("https://A.com/x.jpg#f") == image_iri("https://a.com/x.jpg")


def test_check_base_rejects_relative_and_unterminated():
    for bad in ("example.org/", "https://example.org/x", "https://ex ample.org/"):
        try:
            check_base(bad)
        except ValueError as exc:
            assert repr(bad) in str(exc)
        else:
            raise AssertionError(f"{bad!r} was accepted")
