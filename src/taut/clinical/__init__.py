"""The clinical core: pure Python over cited knowledge data. Never imports Django."""
