"""What each paper page gives Pagefind beyond its visible text, and the small table the search page rewrites queries with.

Three hidden groups of index terms per paper page (paper.md.j2), strongest first:

- identities (weight 10): one token each for the short name, title, record id, arXiv id (and arXiv's DOI), DOI and
  citation key, so a query that *is* one of them finds exactly this paper (`searchterms.identity_token`); and the
  token of a concept whose term is the paper's short name (LoRA for 低秩适配) or whose glossary entry names the paper
  among those that define it (FLAN for 指令微调);
- title terms (weight 7): the Chinese title's character pairs, the concepts named in the title, short name, topic
  and tag names, and the paper's institutions as concepts (so `微软` and `Microsoft Research` both list Microsoft's
  papers first);
- body terms: the character pairs of the notes, tl;dr, topic, tag and institution names, and the concepts the notes
  mention, once per mention (at most MENTIONS).

Filters (topic with its ancestors, year, venue series, institution, tag) drive the search page's facets; meta fields
(short name, year, venue, topics, tl;dr) fill its result cards without a second request.

Only paper pages are indexed: topic and index pages list papers, so indexing them would put lists above the papers
themselves; the search page matches topics by name from `client_data` instead (at most a few hundred rows).
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from paperkb import glossary, identifiers, safetext, searchshards, searchterms
from paperkb.kb import KnowledgeBase
from paperkb.models import Paper

# Facets of the search page, in display order: Pagefind filter name -> label.
FACETS = {"topic": "主题", "year": "年份", "venue": "会议期刊", "institution": "机构", "tag": "标签"}
# Up to this many papers the search page loads every facet's counts with the first search; above it (each filter chunk
# grows with the collection: ~30 KB a facet at 10,000 papers) they load when the reader opens the filter panel.
FACETS_UPFRONT_MAX = 2000
MENTIONS = 4
# The concept table (glossary terms and institution names, ~17 KB) in this many files: a query loads only the ones its
# possible terms fall into (bench/first_search.py).
CONCEPT_SHARDS = 16


@dataclass(frozen=True)
class PaperTerms:
    identity: str
    title: str
    body: str


def venue_series(venue: str) -> str:
    parts = identifiers.split_venue(venue)
    return parts[0] if parts else venue


def matcher(kb: KnowledgeBase) -> glossary.Matcher:
    return kb.derived("concept_matcher", lambda k: glossary.Matcher(glossary.concepts(k.glossary, k.institutions)))


def identities(paper: Paper, key: str) -> list[str]:
    """Every string a reader may paste to mean this paper."""
    out = [paper.short_name, paper.title, paper.id, key]
    if paper.arxiv:
        out += [paper.arxiv, f"10.48550/arXiv.{paper.arxiv}"]
    if paper.doi:
        out.append(paper.doi)
    return out


def _note_texts(paper: Paper) -> list[str]:
    return [paper.tldr, *(text for text in paper.notes.model_dump().values() if text)]


def paper_terms(kb: KnowledgeBase, paper: Paper, key: str) -> PaperTerms:
    match = matcher(kb)
    ident = dict.fromkeys(t for t in (searchterms.identity_token(s) for s in identities(paper, key)) if t)
    # The paper whose short name *is* a concept's term (LoRA, RAG, CoT) is that concept's paper: its token weighs 10.
    name = searchterms.normalise(paper.short_name)
    ident.update(dict.fromkeys(c.token for c in match.find([paper.short_name]) if name in c.en or name in c.zh))
    # So is a paper the glossary names as one that introduced or defines the concept (FLAN for 指令微调).
    ident.update(dict.fromkeys(kb.derived("defining_tokens", lambda k: glossary.defining_tokens(k.glossary)).get(paper.id, [])))
    topics = [kb.topic_by_id[t] for t in paper.topics]
    tags = [kb.tag_by_id[t] for t in paper.tags if t in kb.tag_by_id]
    titleish = [paper.title, paper.short_name, paper.title_zh or "", *(t.name for t in topics), *(t.name_en for t in topics)]
    titleish += [x for t in tags for x in (t.name, t.name_en)]
    title_concepts = [c.token for c in match.find(titleish)]
    notes = _note_texts(paper)
    by_name = kb.derived("institution_tokens", lambda k: {c.key: c.token for c in glossary.concepts((), k.institutions)})
    # A concept's token once per mention in the notes (at most MENTIONS times): a paper about instruction tuning names
    # it again and again, one that cites it in passing once, and Pagefind's term frequency tells the two apart.
    said = match.count_terms(notes)  # one scan of the notes for both kinds of token
    body_concepts = [c.token for c, n in glossary.totals(said).values() for _ in range(min(n, MENTIONS))]
    # And each term's own token as often: `speculative decoding` lists the pages that say it before those that only
    # say 投机解码.
    body_concepts += [searchterms.term_token(key, term) for (key, term), (_, n) in said.items() for _ in range(min(n, MENTIONS))]
    # The title's own terms too (not its topics' and tags' names, which every paper of a topic shares).
    own_title = [paper.title, paper.short_name, paper.title_zh or ""]
    title_concepts += [searchterms.term_token(key, term) for key, term in match.count_terms(own_title)]
    # The paper's own institutions weigh like its title: `微软` lists Microsoft's papers before papers that mention it.
    title_concepts += [by_name[f"i:{i}"] for i in paper.institutions if f"i:{i}" in by_name]
    pairs_title = searchterms.cjk_bigrams([paper.title_zh or ""])
    pairs_body = searchterms.cjk_bigrams(
        [
            *notes,
            *(t.name for t in topics),
            *(t.name for t in tags),
            *(kb.institution_by_name[i].name_zh or "" for i in paper.institutions if i in kb.institution_by_name),
        ]
    )
    return PaperTerms(
        identity=" ".join(ident),
        title=" ".join(x for x in (pairs_title, *dict.fromkeys(title_concepts)) if x),
        body=" ".join(x for x in (pairs_body, *body_concepts) if x),
    )


def ancestors_and_self(kb: KnowledgeBase, topic_id: str) -> list[str]:
    return [t.id for t in kb.topic_path(topic_id)]


def paper_filters(kb: KnowledgeBase, paper: Paper) -> list[tuple[str, str]]:
    """(filter, value) pairs; a paper counts under every ancestor of its topics (the one count rule of the site)."""
    topics = dict.fromkeys(t for tid in paper.topics for t in ancestors_and_self(kb, tid))
    out = [("topic", t) for t in topics]
    out.append(("year", str(paper.year)))
    if paper.venue:
        out.append(("venue", venue_series(paper.venue)))
    out += [("institution", i) for i in paper.institutions]
    out += [("tag", t) for t in paper.tags]
    return out


def concept_list(kb: KnowledgeBase) -> list[glossary.Concept]:
    return kb.derived("concept_list", lambda k: glossary.concepts(k.glossary, k.institutions))


def concept_files(kb: KnowledgeBase) -> dict[str, str]:
    """`search/concepts/<k>.json`: the concept table in CONCEPT_SHARDS parts (glossary.client_shards)."""
    shards = glossary.client_shards(concept_list(kb), CONCEPT_SHARDS)
    return {
        f"search/concepts/{k}.json": json.dumps(rows, ensure_ascii=False, separators=(",", ":")) + "\n" for k, rows in enumerate(shards)
    }


def client_labels(kb: KnowledgeBase) -> str:
    """Facet labels (tag names, institutions' Chinese names): loaded with the facets or a filtered URL, not with every
    first search, which needs none of them (bench/first_search.py)."""
    data = {
        "tags": {t.id: t.name for t in kb.tags},
        "institutions": {i.name: i.name_zh for i in kb.institutions if i.name_zh and i.name_zh != i.name},
    }
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"


def topic_summary(intro: str, limit: int = 60) -> str:
    """One line for a topic: the intro's first sentence, as plain text, cut at `limit` characters."""
    text = safetext.collapse(intro).replace("**", "").replace("`", "").replace("$", "")
    for stop in ("。", "；", "! ", ". "):
        if stop in text:
            text = text.split(stop, 1)[0] + ("。" if stop == "。" else "")
            break
    return text if len(text) <= limit else text[: limit - 1] + "…"


def client_data(kb: KnowledgeBase, shard_pages: int = searchshards.SHARD_PAGES) -> str:
    """The search page's table: concepts for query rewriting, names for facet labels and the topic group, and the
    index shards to merge (searchshards.py; listed only when there is more than one, `paperkb build` reads them).

    Its size grows with the vocabularies (topics, tags, institutions, glossary), never with the number of papers.
    """
    # Compact rows, not objects: this file is part of every first search (bench/README.md).
    topics = {
        t.id: [
            t.name,
            len(kb.papers_under(t.id)),
            sorted({searchterms.normalise(x) for x in (t.name, t.name_en, t.id.replace("-", " "))} - {""}),
        ]
        for t in kb.topics
    }
    data = {
        "conceptShards": CONCEPT_SHARDS,
        "maxWords": glossary.max_words(concept_list(kb)),
        "topics": topics,
        "facets": list(FACETS.items()),  # a list: the display order survives sort_keys
        "facetsUpfront": len(kb.papers) <= FACETS_UPFRONT_MAX,
        "commonPairs": searchterms.common_pairs(searchterms.pair_counts(map(_note_texts, kb.papers)), len(kb.papers)),
    }
    shards = searchshards.bundle_dirs(searchshards.shard_count(len(kb.papers), shard_pages))[1:]
    if shards:
        data["shards"] = shards
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
