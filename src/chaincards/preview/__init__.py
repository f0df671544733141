"""A static web preview of the cards: rendered (render.py) and written as a site (site.py)."""
