"""paperkb: an open knowledge base of LLM papers — records, checks, site and citations."""

__version__ = "0.1.0"
