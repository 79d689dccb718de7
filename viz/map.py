"""The map: municipalities, reception centres, startpunten, employers, residents and newcomers.

Drawn as two layers that a browser shows without any JavaScript library:

* a background picture (PNG), made once per model: the municipalities (the
  grid's ``municipality`` property layer) in pale colours with their
  boundaries, and the residents as faint dots;
* an SVG overlay, redrawn every month: newcomers coloured by where they are
  on their path (isolated ones ringed in black), on top of employers,
  reception centres, startpunten and the municipality names.

Newcomers in the same cell are spread out in a sunflower pattern, so a crowd
of asylum seekers around a reception centre shows as a disc whose size is
the crowd's. Clicking a newcomer picks them for the story panel.

Why not Mesa's `SpaceRenderer`: at the default size (10,000 residents, 1,000
newcomers, 200 employers) one matplotlib frame of it takes ~0.4 s, over the
app's 0.3 s budget for a whole step, and its Altair backend needs Vega from a
CDN, which an offline page cannot load (see docs/app.md).
"""

from __future__ import annotations

import base64
import html
import io

import ipyvuetify as v
import numpy as np
import solara
import traitlets
from matplotlib import image as mpimg

from agents import Employer, ReceptionCentre, Resident, Startpunt
from viz.story import PATHS, NewcomerHistory
from viz.texts import language, model_text, place_name, t

# Okabe-Ito colours (readable with colour-blindness), one per path.
PATH_COLOURS = {
    "waiting for asylum": "#E69F00",
    "permit, no work": "#D55E00",
    "in a course": "#0072B2",
    "volunteering": "#CC79A7",
    "employed": "#009E73",
}
SHOWN_PATHS = tuple(PATH_COLOURS)  # departed newcomers have left: not drawn
MUNICIPALITY_FILLS = ("#f3eddc", "#dde9f3", "#e3f0dc", "#f3dfe6", "#e9e3f3", "#dcf0ee", "#f3e6d5", "#e6e6e6")
BOUNDARY = (60, 60, 60)
RESIDENT = (110, 110, 110)
AZC_COLOUR, STARTPUNT_COLOUR, EMPLOYER_COLOUR = "#6b3e26", "#F0E442", "#444444"
MAP_PIXELS = 460  # the map's longer side on screen
GOLDEN_ANGLE = np.pi * (3 - np.sqrt(5))


def _hex_rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)], dtype=float)


def background_png(model) -> str:
    """The municipalities, their boundaries and the residents as a PNG data URI.

    Args:
        model: An `IntegrationModel`; its grid's ``municipality`` layer and
            its `Resident` agents are drawn.
    """
    region = np.asarray(model.grid.municipality.data)  # indexed [x, y]
    width, height = region.shape
    scale = max(1, min(6, MAP_PIXELS // max(width, height)))
    cells = region.T[::-1]  # image rows run from the top (high y) down
    fills = np.array([_hex_rgb(MUNICIPALITY_FILLS[i % len(MUNICIPALITY_FILLS)])
                      for i in range(int(region.max()) + 1)])
    image = np.repeat(np.repeat(fills[cells], scale, axis=0), scale, axis=1)

    residents = [a.cell.coordinate for a in model.agents_by_type.get(Resident, [])]
    if residents:
        xy = np.array(residents)
        jitter = np.random.default_rng(0).integers(0, scale, size=xy.shape)  # looks only
        col = xy[:, 0] * scale + jitter[:, 0]
        row = (height - 1 - xy[:, 1]) * scale + jitter[:, 1]
        density = np.zeros(image.shape[:2])
        np.add.at(density, (row, col), 1.0)
        alpha = np.minimum(0.55, 0.3 * density)[..., None]
        image = image * (1 - alpha) + np.array(RESIDENT) * alpha

    vertical = np.repeat(np.repeat(cells[:, :-1] != cells[:, 1:], scale, axis=0), 1, axis=1)
    for x in np.flatnonzero(vertical.any(axis=0)):
        rows = vertical[:, x]
        image[rows, (x + 1) * scale - 1] = BOUNDARY
        image[rows, min((x + 1) * scale, width * scale - 1)] = BOUNDARY
    horizontal = np.repeat(cells[:-1, :] != cells[1:, :], scale, axis=1)
    for y in np.flatnonzero(horizontal.any(axis=1)):
        cols = horizontal[y]
        image[(y + 1) * scale - 1, cols] = BOUNDARY
        image[min((y + 1) * scale, height * scale - 1), cols] = BOUNDARY

    buffer = io.BytesIO()
    mpimg.imsave(buffer, image.astype(np.uint8), format="png")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def _flip(y, height):
    return height - y


def places_svg(model) -> str:
    """Employers, reception centres, startpunten and municipality names (they do not move), in the chosen language."""
    width, height = model.grid.width, model.grid.height
    unit = max(width, height) / 100.0
    parts = []
    for agent in model.agents_by_type.get(Employer, []):
        x, y = agent.cell.coordinate
        parts.append(f'<rect x="{x + 0.1:.1f}" y="{_flip(y + 0.9, height):.1f}" width="{0.8 * unit:.2f}" '
                     f'height="{0.8 * unit:.2f}" fill="{EMPLOYER_COLOUR}" fill-opacity="0.6"/>')
    employers = "".join(parts)
    above = []
    size = 3.4 * unit
    for agent in model.agents_by_type.get(ReceptionCentre, []):
        x, y = agent.cell.coordinate
        cx, cy = x + 0.5, _flip(y + 0.5, height)
        above.append(f'<rect class="nk-azc" x="{cx - size / 2:.2f}" y="{cy - size / 2:.2f}" width="{size:.2f}" '
                     f'height="{size:.2f}" rx="{0.5 * unit:.2f}" fill="white" fill-opacity="0.75" '
                     f'stroke="{AZC_COLOUR}" stroke-width="{0.6 * unit:.2f}"><title>{html.escape(t("legend_azc"))}</title>'
                     '</rect>')
    for agent in model.agents_by_type.get(Startpunt, []):
        x, y = agent.cell.coordinate
        cx, cy, r = x + 0.5, _flip(y + 0.5, height), size * 0.75
        above.append(f'<polygon class="nk-startpunt" points="{cx:.2f},{cy - r:.2f} {cx + r:.2f},{cy:.2f} '
                     f'{cx:.2f},{cy + r:.2f} {cx - r:.2f},{cy:.2f}" fill="{STARTPUNT_COLOUR}" '
                     f'stroke="#333" stroke-width="{0.4 * unit:.2f}"><title>{html.escape(t("legend_startpunt"))}</title>'
                     '</polygon>')
    region = np.asarray(model.grid.municipality.data)
    font = 2.8 * unit
    for index, name in enumerate(model.municipality_names):
        xs, ys = np.nonzero(region == index)
        if len(xs):
            above.append(f'<text x="{xs.mean() + 0.5:.1f}" y="{_flip(ys.mean() + 0.5, height):.1f}" '
                         f'font-size="{font:.1f}" text-anchor="middle" font-weight="bold" fill="#333" '
                         f'stroke="white" stroke-width="{0.6 * unit:.2f}" paint-order="stroke" '
                         f'pointer-events="none">{html.escape(place_name(name))}</text>')
    return employers, "".join(above)


def newcomer_positions(frame: dict[str, np.ndarray], unit: float) -> tuple[np.ndarray, np.ndarray]:
    """Where to draw each newcomer: their cell, spread in a sunflower when a cell holds several."""
    x = frame["x"].astype(float) + 0.5
    y = frame["y"].astype(float) + 0.5
    key = frame["x"].astype(np.int64) * 1_000_003 + frame["y"]
    order = np.argsort(key, kind="stable")
    n = len(key)
    if n == 0:
        return x, y
    starts = np.r_[0, np.flatnonzero(np.diff(key[order])) + 1]
    rank_sorted = np.arange(n) - np.repeat(starts, np.diff(np.r_[starts, n]))
    rank = np.empty(n)
    rank[order] = rank_sorted
    radius = 0.62 * unit * np.sqrt(rank)
    angle = rank * GOLDEN_ANGLE
    return x + radius * np.cos(angle), y + radius * np.sin(angle)


def newcomers_svg(frame: dict[str, np.ndarray], height: int, unit: float, picked: int | None) -> str:
    """Newcomers as circles coloured by path; isolated ones ringed in black; the picked one circled."""
    shown = frame["path"] != PATHS.index("departed")
    px, py = newcomer_positions({k: frame[k][shown] for k in ("x", "y")}, unit)
    ids = frame["id"][shown]
    paths = frame["path"][shown]
    isolated = frame["resident_ties"][shown] == 0
    colours = np.array([PATH_COLOURS.get(p, "#999") for p in PATHS])
    r = 0.55 * unit
    ring = f' stroke="#000" stroke-width="{0.22 * unit:.2f}"'
    parts = [
        f'<circle data-id="{i}" cx="{cx:.2f}" cy="{height - cy:.2f}" r="{r:.2f}" fill="{colours[p]}"'
        f'{ring if iso else ""}/>'
        for i, cx, cy, p, iso in zip(ids.tolist(), px.tolist(), py.tolist(), paths.tolist(), isolated.tolist(),
                                     strict=True)
    ]
    if picked is not None:
        where = np.flatnonzero(ids == picked)
        if len(where):
            k = int(where[0])
            parts.append(f'<circle class="nk-picked" cx="{px[k]:.2f}" cy="{height - py[k]:.2f}" r="{2.2 * unit:.2f}" '
                         f'fill="none" stroke="#000" stroke-width="{0.5 * unit:.2f}" pointer-events="none"/>')
    return "".join(parts)


def overlay_svg(model, frame: dict[str, np.ndarray], picked: int | None, places: tuple[str, str],
                month: int = 0) -> str:
    """The whole overlay: employers, newcomers, then the places and names on top."""
    width, height = model.grid.width, model.grid.height
    unit = max(width, height) / 100.0
    w, h = map_size(model)
    employers, above = places
    return (f'<svg xmlns="http://www.w3.org/2000/svg" class="nk-map-svg" data-month="{month}" width="{w}" height="{h}" '
            f'viewBox="0 0 {width} {height}" style="display:block;cursor:pointer">'
            f'{employers}<g class="nk-newcomers">{newcomers_svg(frame, height, unit, picked)}</g>{above}</svg>')


def map_size(model) -> tuple[int, int]:
    """The map's size on screen in pixels (width, height)."""
    width, height = model.grid.width, model.grid.height
    longest = max(width, height)
    return round(MAP_PIXELS * width / longest), round(MAP_PIXELS * height / longest)


def legend_html(frame: dict[str, np.ndarray]) -> str:
    """The legend, with how many newcomers are on each part of the path now."""
    counts = np.bincount(frame["path"].astype(int), minlength=len(PATHS))
    shown = frame["path"] != PATHS.index("departed")
    isolated = int(np.count_nonzero((frame["resident_ties"] == 0) & shown))

    def item(swatch: str, text: str) -> str:
        return (f'<span class="nk-legend-item"><svg width="16" height="16" viewBox="0 0 16 16">{swatch}</svg>'
                f'{html.escape(text)}</span>')

    items = [item(f'<circle cx="8" cy="8" r="5" fill="{colour}"/>',
                  f"{model_text(name)} ({counts[PATHS.index(name)]})")
             for name, colour in PATH_COLOURS.items()]
    items.append(item('<circle cx="8" cy="8" r="5" fill="#bbb" stroke="#000" stroke-width="2"/>',
                      t("legend_isolated", n=isolated)))
    items.append(item(f'<rect x="2" y="2" width="12" height="12" rx="2" fill="white" stroke="{AZC_COLOUR}" '
                      'stroke-width="2"/>', t("legend_azc")))
    items.append(item(f'<polygon points="8,1 15,8 8,15 1,8" fill="{STARTPUNT_COLOUR}" stroke="#333"/>',
                      t("legend_startpunt")))
    items.append(item(f'<rect x="5" y="5" width="6" height="6" fill="{EMPLOYER_COLOUR}" fill-opacity="0.6"/>',
                      t("legend_employer")))
    items.append(item('<circle cx="8" cy="8" r="2" fill="#888"/>', t("legend_residents")))
    items.append(item('<line x1="1" y1="8" x2="15" y2="8" stroke="#3c3c3c" stroke-width="2"/>',
                      t("legend_boundary")))
    departed = int(counts[PATHS.index("departed")])
    items.append(f'<span class="nk-legend-item">{html.escape(t("legend_departed", n=departed))}</span>')
    return f'<div class="nk-legend">{"".join(items)}</div>'


class MapWidget(v.VuetifyTemplate):
    """The map in the browser: a background picture under an SVG overlay; a click on a newcomer picks them."""

    template = traitlets.Unicode("""
<template>
  <div class="nk-map" :style="'position:relative;width:' + width + 'px;height:' + height + 'px'">
    <img :src="background" :alt="alt"
         :style="'position:absolute;left:0;top:0;width:' + width + 'px;height:' + height + 'px;image-rendering:pixelated'"/>
    <div v-html="overlay" style="position:absolute;left:0;top:0"
         @click="pick($event.target.getAttribute('data-id'))"></div>
  </div>
</template>
""").tag(sync=True)
    background = traitlets.Unicode("").tag(sync=True)
    overlay = traitlets.Unicode("").tag(sync=True)
    alt = traitlets.Unicode("").tag(sync=True)
    width = traitlets.Int(MAP_PIXELS).tag(sync=True)
    height = traitlets.Int(MAP_PIXELS).tag(sync=True)
    on_pick = traitlets.Callable(None, allow_none=True)

    def vue_pick(self, data) -> None:
        """Called from the browser with the clicked newcomer's id (None for a click beside them)."""
        if self.on_pick is not None and data is not None and str(data).isdigit():
            self.on_pick(int(data))


@solara.component
def SpaceMap(model, history: NewcomerHistory, picked: solara.Reactive[int | None], month: int):
    """The map with its legend.

    Args:
        model: The model whose world is drawn (its places do not move).
        history: Its newcomer history; the latest month is drawn.
        picked: The newcomer shown in the story panel (set by a click).
        month: The current month (re-renders the map every step).
    """
    background = solara.use_memo(lambda: background_png(model), [model])
    places = solara.use_memo(lambda: places_svg(model), [model, language.value])
    frame = history.latest
    w, h = map_size(model)
    MapWidget.element(background=background, overlay=overlay_svg(model, frame, picked.value, places, month),
                      alt=t("map_alt"), width=w, height=h, on_pick=picked.set)
    solara.HTML(tag="div", unsafe_innerHTML=legend_html(frame))
