"""Question matching: normalisation, language detection and the fuzzy index."""
