"""The recipe of one scan: every choice the simulator makes, drawn from a seed, as frozen dataclasses.

:func:`draw_recipe` is pure and cheap (no PDF is opened): each choice has its own stream
``random.Random(f"{seed}:{source}:{name}")`` (``f"{seed}:{name}"`` when no source is given), so pinning one
choice (``dpi=200``, ``rotation=0``) never moves another; each page's skew, blur, lighting, show-through,
noise and dust have a stream of their own (``page3``).
Pixel-level randomness (noise grain, dust, seal wear, the signature's strokes) comes from integer seeds that
the recipe records (``texture_seed``, ``shape_seed``), so the recipe alone fixes the output bytes.

Conventions: ``PageRecipe.rotation`` is how far the page was turned **clockwise** on the scanner glass (the
scan shows its top on the right at 90); turning the scan ``(360 - rotation) % 360`` degrees clockwise makes
it upright (that is what ``extract.scan.prep.Prepared.rotation`` should find). ``skew_deg`` is counter-clockwise
positive, after the turn. Offsets are in millimetres, right and down positive.
"""

from __future__ import annotations

import dataclasses
import random
import types
import typing
from dataclasses import dataclass
from typing import Any, Union

RECIPE_VERSION = 2  # 2: the 1-bit threshold and adaptive gate follow the page (1 erased a light page's thin print)

DPI_RANGE = (150, 400)
STANDARD_DPIS = (150, 200, 240, 300, 400)
STANDARD_DPI_WEIGHTS = (15, 30, 5, 35, 15)
COLOUR_MODES = ("colour", "grey", "bilevel")
COLOUR_WEIGHTS = (40, 35, 25)
BILEVEL_METHODS = ("threshold", "dither", "adaptive")
ROTATIONS = (0, 90, 180, 270)
JPEG_QUALITY_RANGE = (30, 95)
SKEW_MAX = 3.0
LIGHTING_KINDS = ("none", "gradient", "vignette")
SEAL_RGB: dict[str, tuple[int, int, int]] = {
    "red": (214, 40, 50),
    "dark_red": (158, 26, 40),
    "blue": (38, 66, 170),
    "purple": (112, 48, 142),
}
SEAL_COLOUR_WEIGHTS = (55, 20, 15, 10)
SEAL_TARGETS = ("title", "header", "numbers", "bottom")
INK_RGB: dict[str, tuple[int, int, int]] = {"dark_blue": (26, 36, 108), "black": (24, 24, 30)}
EDGES = ("left", "right", "top", "bottom")
# Invented issuing units for the seals' lettering (no real unit's seal is reproduced).
SEAL_NAMES = (
    "青山县财政局",
    "云溪市教育局",
    "东湖区卫生健康委员会",
    "南平县交通运输局",
    "西岭县农业农村局",
    "北川市审计局",
    "临江县水利局",
    "安平县人民政府办公室",
    "清河区民政局",
    "长宁县自然资源局",
    "白石镇人民政府",
    "河口市司法局",
)
SEAL_CENTRE_TEXTS = ("", "", "", "专用章", "财务专用章")


@dataclass(frozen=True)
class Seal:
    """An official seal (公章): a ring, the unit's name along the upper arc, a star, multiplied over the page."""

    target: str  # SEAL_TARGETS: over the title, over header text, over a number in a table, near the bottom
    colour: str  # a key of SEAL_RGB
    pick: float  # which candidate text of the target, 0 <= pick < 1 (index = floor(pick * count))
    offset_mm: tuple[float, float]  # the centre's offset from the anchor
    diameter_mm: float
    ink: float  # how much full ink darkens white paper in grey (luminance drop, 0–1); its opacity follows
    wear: float  # patchiness of the impression, 0 (even) – 1 (much missing)
    turn_deg: float  # the stamp's own turn, counter-clockwise
    lettering: str
    centre_text: str  # a horizontal line under the star ("" for none)
    double_ring: bool
    shape_seed: int


@dataclass(frozen=True)
class Signature:
    """A handwritten signature: chains of cubic Bézier strokes in ballpoint ink."""

    ink: str  # a key of INK_RGB
    offset_mm: tuple[float, float]  # from the signature anchor (a 签字/负责人 label, else left of the bottom)
    width_mm: float
    height_mm: float
    pen_mm: float
    letters: int  # cursive up-and-down strokes
    slant_deg: float
    shape_seed: int


@dataclass(frozen=True)
class Lighting:
    """Uneven lighting: a multiplicative linear gradient or vignette over the scanned frame."""

    kind: str  # LIGHTING_KINDS
    strength: float  # darkening at the darkest point, 0–1
    angle_deg: float  # gradient direction (darker towards it), counter-clockwise from the right
    centre: tuple[float, float]  # vignette centre as fractions of width and height


@dataclass(frozen=True)
class BleedThrough:
    """The back of the sheet showing through: a faint, blurred, mirrored copy of another page."""

    from_page: int  # 0-based source page printed on the back (the page itself for one-page files)
    strength: float  # darkness of the show-through, 0–1
    shift_mm: tuple[float, float]


@dataclass(frozen=True)
class Photocopy:
    """The file is a second-generation copy: soft threshold, blur, toner grain and specks, a darker sheet."""

    level: float  # grey level (0–1) the copier's tone curve centres on
    softness: float  # width of the tone curve's knee
    blur_px300: float  # blur of the copy in pixels at 300 dpi
    background: float  # brightness of the copy's blank paper, 0–1
    grain: float  # toner grain sigma (0–1 scale)
    specks: int  # toner specks per page
    edge_shadow: str  # "none" or an edge of EDGES: the copier lid's dark band
    edge_shadow_mm: float


@dataclass(frozen=True)
class PageRecipe:
    """The choices of one page."""

    rotation: int  # ROTATIONS, clockwise
    skew_deg: float  # counter-clockwise, |skew| <= SKEW_MAX
    blur_px300: float  # Gaussian sigma in pixels at 300 dpi (scaled with the dpi)
    lighting: Lighting
    bleed: BleedThrough | None
    noise_sigma: float  # sensor noise, 0–255 scale
    dust: int  # specks on the glass
    hairs: int  # hairs / fibres on the glass
    seals: tuple[Seal, ...]
    signature: Signature | None
    texture_seed: int


@dataclass(frozen=True)
class Recipe:
    """Every choice of one scanned file. ``pinned`` names the choices the caller fixed (dpi, rotation)."""

    seed: int
    source: str  # the source's stem mixed into the streams ("" for none)
    dpi: int
    colour: str  # COLOUR_MODES
    bilevel: str | None  # BILEVEL_METHODS when colour == "bilevel"
    bilevel_level: float | None  # cut between print and paper (threshold) or offset below the local mean (adaptive)
    jpeg_quality: int | None  # None for bilevel (stored CCITT G4)
    jpeg_subsampling: str | None  # "4:2:0" | "4:4:4" (colour only)
    paper_rgb: tuple[int, int, int]
    black_level: int  # the scanner's darkest output, 0–255
    photocopy: Photocopy | None
    pages: tuple[PageRecipe, ...]
    pinned: tuple[str, ...] = ()
    version: int = RECIPE_VERSION

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Recipe:
        return typing.cast(Recipe, _build(cls, data))


def as_one_bit(recipe: Recipe, method: str, level: float, **page: Any) -> Recipe:
    """The same scan in a 1-bit mode (``method`` at ``level``; stored CCITT G4: no JPEG, no photocopy),
    every page's choices changed by ``page`` (e.g. ``rotation=0, blur_px300=2.0``)."""
    if method not in BILEVEL_METHODS:
        raise ValueError(f"1-bit method is one of {BILEVEL_METHODS}, not {method!r}")
    return dataclasses.replace(
        recipe,
        colour="bilevel",
        bilevel=method,
        bilevel_level=level,
        jpeg_quality=None,
        jpeg_subsampling=None,
        photocopy=None,
        pages=tuple(dataclasses.replace(p, **page) for p in recipe.pages),
    )


def page_rotation(recipe: Recipe, page_index: int) -> int:
    """How far page ``page_index`` (0-based) was turned clockwise: 0, 90, 180 or 270."""
    return recipe.pages[page_index].rotation


# ---------------------------------------------------------------------------------------------- drawing


class _Streams:
    """One ``random.Random`` per named choice."""

    def __init__(self, seed: int, source: str) -> None:
        self.prefix = f"{seed}:{source}:" if source else f"{seed}:"

    def __call__(self, name: str) -> random.Random:
        return random.Random(self.prefix + name)


def _r(value: float, digits: int = 3) -> float:
    return round(value, digits)


def _weighted(rng: random.Random, options: tuple[Any, ...], weights: tuple[int, ...]) -> Any:
    return rng.choices(options, weights=weights)[0]


def draw_recipe(
    seed: int,
    n_pages: int,
    *,
    source: str = "",
    dpi: int | None = None,
    rotation: int | None = None,
) -> Recipe:
    """The recipe of ``seed`` for a file of ``n_pages`` pages; ``dpi`` and ``rotation`` pin those choices."""
    if n_pages < 1:
        raise ValueError("a file has at least one page")
    if dpi is not None and not 50 <= dpi <= 600:
        raise ValueError(f"dpi {dpi} outside 50–600")
    if rotation is not None and rotation not in ROTATIONS:
        raise ValueError(f"rotation {rotation} not one of {ROTATIONS}")
    s = _Streams(seed, source)
    colour = _weighted(s("colour"), COLOUR_MODES, COLOUR_WEIGHTS)
    rng = s("bilevel")
    method = rng.choice(BILEVEL_METHODS)
    level = _r(rng.uniform(0.4, 0.52) if method == "threshold" else rng.uniform(0.06, 0.12))
    rng = s("jpeg")
    quality = rng.randint(*JPEG_QUALITY_RANGE)
    subsampling = "4:4:4" if rng.random() < 0.2 else "4:2:0"
    rng = s("paper")
    white = rng.randint(232, 252)
    warm = rng.randint(0, 5)
    seals = _draw_seals(s, n_pages)
    signature = _draw_signature(s("signature"))
    turns = _draw_rotations(s("rotation"), n_pages) if rotation is None else [rotation] * n_pages
    pages = tuple(
        _draw_page(s, index, n_pages, turns[index], tuple(seal for page, seal in seals if page == index), signature)
        for index in range(n_pages)
    )
    return Recipe(
        seed=seed,
        source=source,
        dpi=dpi if dpi is not None else _draw_dpi(s("dpi")),
        colour=colour,
        bilevel=method if colour == "bilevel" else None,
        bilevel_level=level if colour == "bilevel" and method != "dither" else None,
        jpeg_quality=None if colour == "bilevel" else quality,
        jpeg_subsampling=subsampling if colour == "colour" else None,
        paper_rgb=(white, white - warm, white - 2 * warm),
        black_level=s("black").randint(8, 48),
        photocopy=_draw_photocopy(s("photocopy")),
        pages=pages,
        pinned=tuple(name for name, value in (("dpi", dpi), ("rotation", rotation)) if value is not None),
    )


def _draw_dpi(rng: random.Random) -> int:
    if rng.random() < 0.15:  # a resampled or odd scanner setting
        return rng.randint(*DPI_RANGE)
    return int(_weighted(rng, STANDARD_DPIS, STANDARD_DPI_WEIGHTS))


def _draw_rotations(rng: random.Random, n_pages: int) -> list[int]:
    """Most files upright; in a third some pages lie turned on the glass (at least one, often not all)."""
    if rng.random() >= 0.35:
        return [0] * n_pages
    turns = [rng.choice((90, 180, 270)) if rng.random() < 0.5 else 0 for _ in range(n_pages)]
    if not any(turns):
        turns[rng.randrange(n_pages)] = rng.choice((90, 180, 270))
    return turns


def _draw_photocopy(rng: random.Random) -> Photocopy | None:
    if rng.random() >= 0.15:
        return None
    shadow = rng.choice(EDGES) if rng.random() < 0.4 else "none"
    return Photocopy(
        level=_r(rng.uniform(0.5, 0.7)),
        softness=_r(rng.uniform(0.06, 0.16)),
        blur_px300=_r(rng.uniform(0.5, 1.3)),
        background=_r(rng.uniform(0.84, 0.95)),
        grain=_r(rng.uniform(0.02, 0.06)),
        specks=rng.randint(20, 400),
        edge_shadow=shadow,
        edge_shadow_mm=_r(rng.uniform(2.0, 9.0)) if shadow != "none" else 0.0,
    )


def _draw_seals(s: _Streams, n_pages: int) -> list[tuple[int, Seal]]:
    """(page, seal) pairs: 0–3 seals with different targets; title and header seals on page 1, bottom seals
    on the last page, seals over numbers on any page."""
    rng = s("seals")
    count = _weighted(rng, (0, 1, 2, 3), (15, 60, 20, 5))
    targets = rng.sample(SEAL_TARGETS, count)
    out: list[tuple[int, Seal]] = []
    for k, target in enumerate(targets):
        rng = s(f"seal{k}")
        page = {"title": 0, "header": 0, "bottom": n_pages - 1}.get(target)
        if page is None:
            page = rng.randrange(n_pages)
        if target == "numbers":  # the number's line runs under the lettering, clear of the star
            dy = rng.uniform(9.0, 15.0) * rng.choice((-1, 1))
            offset = (_r(rng.uniform(-10.0, 10.0), 1), _r(dy, 1))
        else:
            offset = (_r(rng.uniform(-12.0, 12.0), 1), _r(rng.uniform(-12.0, 12.0), 1))
        out.append(
            (
                page,
                Seal(
                    target=target,
                    colour=_weighted(rng, tuple(SEAL_RGB), SEAL_COLOUR_WEIGHTS),
                    pick=_r(rng.random(), 4),
                    offset_mm=offset,
                    diameter_mm=_r(rng.uniform(38.0, 45.0), 1),
                    ink=_r(rng.uniform(0.25, 0.4)),
                    wear=_r(rng.uniform(0.0, 0.7)),
                    turn_deg=_r(rng.uniform(-25.0, 25.0), 1),
                    lettering=rng.choice(SEAL_NAMES),
                    centre_text=rng.choice(SEAL_CENTRE_TEXTS),
                    double_ring=rng.random() < 0.2,
                    shape_seed=rng.getrandbits(32),
                ),
            )
        )
    return out


def _draw_signature(rng: random.Random) -> Signature | None:
    if rng.random() >= 0.55:
        return None
    return Signature(
        ink=_weighted(rng, tuple(INK_RGB), (70, 30)),
        offset_mm=(_r(rng.uniform(-6.0, 10.0), 1), _r(rng.uniform(-4.0, 4.0), 1)),
        width_mm=_r(rng.uniform(28.0, 55.0), 1),
        height_mm=_r(rng.uniform(8.0, 16.0), 1),
        pen_mm=_r(rng.uniform(0.3, 0.6), 2),
        letters=rng.randint(4, 10),
        slant_deg=_r(rng.uniform(-5.0, 25.0), 1),
        shape_seed=rng.getrandbits(32),
    )


def _draw_page(
    s: _Streams, index: int, n_pages: int, rotation: int, seals: tuple[Seal, ...], signature: Signature | None
) -> PageRecipe:
    rng = s(f"page{index}")
    u = rng.random()
    magnitude = rng.uniform(0.0, 0.8) if u < 0.6 else rng.uniform(0.8, 2.0) if u < 0.9 else rng.uniform(2.0, SKEW_MAX)
    skew = _r(magnitude if rng.random() < 0.5 else -magnitude, 2)
    blur = _r(rng.uniform(0.0, 1.0) if rng.random() < 0.85 else rng.uniform(1.0, 1.6), 2)
    kind = _weighted(rng, LIGHTING_KINDS, (40, 35, 25))
    lighting = Lighting(
        kind=kind,
        strength=_r(rng.uniform(0.04, 0.2)) if kind != "none" else 0.0,
        angle_deg=_r(rng.uniform(0.0, 360.0), 1),
        centre=(_r(rng.uniform(0.3, 0.7)), _r(rng.uniform(0.3, 0.7))),
    )
    bleed = None
    if rng.random() < 0.25:
        back = index ^ 1 if (index ^ 1) < n_pages else (index - 1 if index else 0)
        bleed = BleedThrough(
            from_page=back,
            strength=_r(rng.uniform(0.04, 0.13)),
            shift_mm=(_r(rng.uniform(-6.0, 6.0), 1), _r(rng.uniform(-6.0, 6.0), 1)),
        )
    return PageRecipe(
        rotation=rotation,
        skew_deg=skew,
        blur_px300=blur,
        lighting=lighting,
        bleed=bleed,
        noise_sigma=_r(rng.uniform(1.0, 6.0), 2),
        dust=int(rng.triangular(0, 80, 5)),
        hairs=_weighted(rng, (0, 1, 2), (80, 15, 5)),
        seals=seals,
        signature=signature if index == n_pages - 1 else None,
        texture_seed=rng.getrandbits(32),
    )


# ---------------------------------------------------------------------------------------------- from JSON


def _build(tp: Any, value: Any) -> Any:
    """``value`` (as JSON gives it back) rebuilt as type ``tp``: dataclasses, tuples, optionals, scalars."""
    origin = typing.get_origin(tp)
    if dataclasses.is_dataclass(tp) and isinstance(tp, type):
        hints = typing.get_type_hints(tp)
        known = {f.name for f in dataclasses.fields(tp)}
        return tp(**{k: _build(hints[k], v) for k, v in value.items() if k in known})
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        (inner,) = [a for a in typing.get_args(tp) if a is not type(None)]
        return _build(inner, value)
    if origin is tuple:
        args = typing.get_args(tp)
        if len(args) == 2 and args[1] is Ellipsis:
            return tuple(_build(args[0], v) for v in value)
        return tuple(_build(a, v) for a, v in zip(args, value, strict=True))
    if tp is float:
        return float(value)
    return value


__all__ = [
    "BleedThrough",
    "Lighting",
    "PageRecipe",
    "Photocopy",
    "Recipe",
    "Seal",
    "Signature",
    "draw_recipe",
    "page_rotation",
]
