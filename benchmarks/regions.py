"""Region tagging: accuracy on the labelled datelines, and time on a 10 MB body.

    python benchmarks/regions.py

Accuracy: each case of ``benchmarks/regions_set.py`` is tagged as the pipeline tags
it (``pipelines.regions``: the dateline resolved on the text's evidence and the
site's region); the answer is right when it is exactly the expected (regency,
province), and a cross-province error when it gives a province the article is not
in. Beside it, the first-match rule kabar used before (a regency of the dateline's
name first, the leading "Kota " stripped). Time: a body of 10 MB holding about
40,000 place names, prefixed and bare, through ``regions`` end to end.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.regions_set import Case, build_cases
from pipelines.gazetteer import Regency
from pipelines.regions import Regions, default_gazetteer

Answer = tuple[str | None, str | None]


def tag(regions: Regions, case: Case) -> Answer:
    evidence = regions.evidence(f"{case.title}\n{case.body}", region=case.region)
    found = regions.dateline(case.dateline, evidence)
    if isinstance(found, Regency):
        return found.name, found.province
    return None, found


def first_match(regions: Regions, case: Case) -> Answer:
    """The old rule: "kota"/"kabupaten" stripped, a regency of that name first, then a
    kecamatan narrowed by the regencies named and the site's region."""
    name = re.sub(r"^(?:kabupaten|kab\.?|kota)\s+", "", " ".join(case.dateline.split()).casefold())
    place = regions.gazetteer.places.get(name)
    evidence = regions.evidence(f"{case.title}\n{case.body}", region=case.region)
    if place is None:
        return None, None
    if len(place.regencies) == 1:
        return place.regencies[0].name, place.regencies[0].province
    found = place.regencies or place.districts
    if not found and place.province:
        return None, place.province
    for narrowed in (
        [r for r in found if r in evidence.regencies],
        [r for r in found if case.region and case.region.casefold() == r.province.casefold()],
        found,
    ):
        if len(narrowed) == 1:
            return narrowed[0].name, narrowed[0].province
    return None, None


def quality(
    cases: Sequence[Case], answer: Callable[[Case], Answer]
) -> tuple[float, int, Counter[str], list[tuple[Case, Answer]]]:
    right = cross = 0
    errors: Counter[str] = Counter()
    wrong = []
    for case in cases:
        got = answer(case)
        if got == case.expected:
            right += 1
            continue
        errors[case.group] += 1
        wrong.append((case, got))
        if got[1] is not None and got[1] != case.truth[1]:
            cross += 1
    return right / len(cases), cross, errors, wrong


def big_body(regions: Regions, size: int = 10_000_000, names: int = 40_000) -> str:
    """``size`` characters of report text holding about ``names`` place names."""
    rng = random.Random(7)
    bare = [r.bare for r in regions.regencies]
    filler = (
        "Warga berharap pemerintah segera memperbaiki jalan yang rusak parah sejak musim "
        "hujan tahun lalu sehingga hasil kebun dapat diangkut ke pasar dengan lebih mudah. "
    )
    parts = []
    length = 0
    per_part = max(1, size // names)
    while length < size:
        name = rng.choice(bare)
        prefix = rng.choice(("Bupati ", "Kota ", "Kecamatan ", "", "Pemkab "))
        part = f"{prefix}{name}, {filler}"[:per_part]
        parts.append(part)
        length += len(part)
    return "".join(parts)[:size]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--show-errors", action="store_true")
    args = parser.parse_args(argv)
    regions = default_gazetteer()
    cases = build_cases()
    print(f"labelled datelines: {len(cases)} {dict(Counter(c.group for c in cases))}")
    print(f"  {'rule':<34} {'accuracy':>8} {'cross-province':>15}  errors by group")
    result = (0.0, 0)
    for label, answer in (
        ("old: first match, 'Kota' stripped", lambda c: first_match(regions, c)),
        ("new: evidence, one province", lambda c: tag(regions, c)),
    ):
        accuracy, cross, errors, wrong = quality(cases, answer)
        print(f"  {label:<34} {accuracy:8.3f} {cross:>15}  {dict(errors)}")
        result = (accuracy, cross)
        if args.show_errors:
            for case, got in wrong:
                print(f"      {case.dateline!r} region={case.region!r} {case.body[:50]!r}")
                print(f"        expected {case.expected} got {got}")
    body = big_body(regions)
    started = time.perf_counter()
    tags = regions.regions(dateline="Tebing Tinggi", title="x", body=body, region=None)
    elapsed = time.perf_counter() - started
    print(f"10 MB body ({len(body):,} chars): {elapsed:.2f} s, {len(tags)} regions")
    accuracy, cross = result
    ok = accuracy >= 0.97 and cross == 0 and elapsed < 2
    print("acceptance (accuracy >= 0.97, 0 cross-province, 10 MB < 2 s):", ok)
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
