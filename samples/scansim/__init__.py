"""Seeded scan simulator: image-only "scanned" PDFs of text-layer forms, every choice recorded.

``simulate(pdf, seed, out)`` writes ``out`` (an image-only PDF), ``out.scan.json`` (the :class:`Recipe`) and
``out.truth.json`` (the source's truth, copied). ``draw_recipe`` draws a recipe without touching a PDF;
``page_rotation(recipe, i)`` is how far page ``i`` was turned clockwise. See samples/scansim/README.md.
"""

from samples.scansim.recipe import (
    BleedThrough,
    Lighting,
    PageRecipe,
    Photocopy,
    Recipe,
    Seal,
    Signature,
    as_one_bit,
    draw_recipe,
    page_rotation,
)
from samples.scansim.simulate import Scan, apply_recipe, load_recipe, recipe_for, simulate

__all__ = [
    "BleedThrough",
    "Lighting",
    "PageRecipe",
    "Photocopy",
    "Recipe",
    "Scan",
    "Seal",
    "Signature",
    "apply_recipe",
    "as_one_bit",
    "draw_recipe",
    "load_recipe",
    "page_rotation",
    "recipe_for",
    "simulate",
]
