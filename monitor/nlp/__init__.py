"""Enrichment: spaCy entities resolved to canonical ids, and normalized claims.

Entry points: ``pipeline.load_pipeline``, ``enrich.enrich_batch``,
``pool.Enricher`` (process pool for async callers), ``scoring.score``.
"""
