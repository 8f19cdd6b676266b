#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes the Almaty demo's special operating plans from its road network.

  tools/make-demo-plans.py data/almaty

- plans/city-exits.geojson: a post where each major road (motorway, trunk,
  primary) leaves the city: the road's vertex nearest where a segment
  crosses out of the union of the eight districts, if the road then stays
  outside for at least 300 m (so a sliver between two districts is no
  exit); posts closer than 2.5 km to one already taken are dropped (one
  post per exit, not one per carriageway), at most 12. Each needs 2 cars.
- plans/almaly-ring.geojson: a post where each primary, secondary or
  tertiary road crosses the boundary of the Almaly district (the road's
  vertex nearest the crossing), posts closer than 700 m to one already taken
  dropped, at most 16. Each needs 1 unit of any kind.

Standard library only; the same input gives the same files.
"""
import json
import math
import os
import sys

EXIT_CLASSES = ("motorway", "trunk", "primary")
RING_CLASSES = ("primary", "secondary", "tertiary")


def inside_ring(lon, lat, ring):
    hit = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:]):
        if (y1 > lat) != (y2 > lat) and lon < x1 + (lat - y1) * (x2 - x1) / (y2 - y1):
            hit = not hit
    return hit


def polygons(geometry):
    if geometry["type"] == "Polygon":
        return [geometry["coordinates"]]
    return geometry["coordinates"]


def inside(lon, lat, polys):
    for poly in polys:
        if inside_ring(lon, lat, poly[0]) and not any(inside_ring(lon, lat, hole) for hole in poly[1:]):
            return True
    return False


def metres(a, b):
    lat = math.radians((a[1] + b[1]) / 2)
    return math.hypot((a[0] - b[0]) * 111320 * math.cos(lat), (a[1] - b[1]) * 110540)


def crossing(a, b, polys, steps=40):
    """The end of segment a-b (a inside @polys) nearer where it leaves them:
    a vertex of the road, so a node of dozord's road graph, where a car
    sent there stops."""
    last = a
    for k in range(1, steps + 1):
        p = (a[0] + (b[0] - a[0]) * k / steps, a[1] + (b[1] - a[1]) * k / steps)
        if not inside(p[0], p[1], polys):
            break
        last = p
    return a if metres(last, a) <= metres(last, b) else b


def outside_run(points, polys):
    """How far the way runs outside @polys from its first point on."""
    run = 0.0
    for a, b in zip(points, points[1:]):
        if inside(b[0], b[1], polys):
            break
        run += metres(a, b)
    return run


def spread(candidates, gap_m, limit):
    taken = []
    for c in candidates:
        if all(metres(c[1], t[1]) >= gap_m for t in taken):
            taken.append(c)
        if len(taken) == limit:
            break
    return taken


def feature(name, point, need, kind, plan):
    return {"type": "Feature",
            "properties": {"plan": plan, "name": name, "units_needed": need, "kind": kind},
            "geometry": {"type": "Point", "coordinates": [round(point[0], 6), round(point[1], 6)]}}


def write(path, plan, description, features):
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"type": "FeatureCollection", "name": plan, "description": description,
                   "attribution": "Roads © OpenStreetMap contributors (ODbL 1.0); Almaty traffic data (CC BY 4.0)",
                   "features": features}, out, ensure_ascii=False, indent=1)
        out.write("\n")


def main():
    city = sys.argv[1]
    roads = json.load(open(os.path.join(city, "roads.geojson"), encoding="utf-8"))["features"]
    districts = json.load(open(os.path.join(city, "districts.geojson"), encoding="utf-8"))["features"]
    all_polys = [p for d in districts for p in polygons(d["geometry"])]
    almaly = [p for d in districts if d["properties"]["name"] == "Almaly" for p in polygons(d["geometry"])]

    exits = []
    ring = []
    for road in roads:
        cls = road["properties"]["highway"]
        points = [tuple(p) for p in road["geometry"]["coordinates"]]
        for a, b in zip(points, points[1:]):
            if cls in EXIT_CLASSES:
                ia, ib = inside(*a, all_polys), inside(*b, all_polys)
                if ia != ib:
                    # The way on from the outside end, in the direction away from the city.
                    j = points.index(b) if ia else points.index(a)
                    onward = points[j:] if ia else points[j::-1]
                    if outside_run(onward, all_polys) >= 300:
                        p = crossing(a, b, all_polys) if ia else crossing(b, a, all_polys)
                        exits.append((EXIT_CLASSES.index(cls), p, road["properties"]["osm_id"]))
            if cls in RING_CLASSES:
                ia, ib = inside(*a, almaly), inside(*b, almaly)
                if ia != ib:
                    p = crossing(a, b, almaly) if ia else crossing(b, a, almaly)
                    ring.append((RING_CLASSES.index(cls), p, road["properties"]["osm_id"]))

    # Bigger roads first, then by place, so the same input gives the same posts.
    exits.sort(key=lambda c: (c[0], c[1][0], c[1][1]))
    ring.sort(key=lambda c: (c[0], c[1][0], c[1][1]))
    exits = spread(exits, 2500, 12)
    ring = spread(ring, 700, 16)

    def bearing_name(p, centre):
        angle = math.degrees(math.atan2(p[1] - centre[1], (p[0] - centre[0]) * math.cos(math.radians(p[1]))))
        names = ["восток", "северо-восток", "север", "северо-запад", "запад", "юго-запад", "юг", "юго-восток"]
        return names[int(((angle + 360 + 22.5) % 360) // 45)]

    def centre(polys):
        ring_points = [p for poly in polys for p in poly[0]]
        return (sum(p[0] for p in ring_points) / len(ring_points), sum(p[1] for p in ring_points) / len(ring_points))

    plan = "Выезды из города"
    c = centre(all_polys)
    exit_features = [feature("Выезд %d, %s (OSM way %d)" % (i + 1, bearing_name(e[1], c), e[2]), e[1], 2, "car", plan)
                     for i, e in enumerate(sorted(exits, key=lambda e: math.atan2(e[1][1] - c[1], e[1][0] - c[0])))]
    write(os.path.join(city, "plans", "city-exits.geojson"), plan,
          "Посты на выездах из города: где крупные дороги покидают границы районов", exit_features)

    plan = "Кольцо Алмалинского района"
    c = centre(almaly)
    ring_features = [feature("Кольцо %d, %s (OSM way %d)" % (i + 1, bearing_name(r[1], c), r[2]), r[1], 1, None, plan)
                     for i, r in enumerate(sorted(ring, key=lambda r: math.atan2(r[1][1] - c[1], r[1][0] - c[0])))]
    write(os.path.join(city, "plans", "almaly-ring.geojson"), plan,
          "Кольцо постов на въездах в Алмалинский район", ring_features)
    print("%d exits, %d ring posts" % (len(exit_features), len(ring_features)), file=sys.stderr)


if __name__ == "__main__":
    main()
