#!/usr/bin/env python3
"""Parses a Prometheus text exposition with the reference client's parser.

Usage: prom_parse.py FILE            prints every sample as one JSON object per
                                     line: {"family","type","name","labels","value"},
                                     and each family once with name ""
       prom_parse.py --rules DOC     reads the example alert rules of DOC (the
                                     YAML between "metrics-alerts:begin/end"),
                                     checks their shape and prints each rule's
                                     expression, one per line.

Exit status 1 with a message on anything that does not parse. Debian:
python3-prometheus-client, python3-yaml.
"""
import json
import re
import sys


def samples(path):
    from prometheus_client.parser import text_string_to_metric_families

    text = open(path, encoding="utf-8").read()
    seen = set()
    for family in text_string_to_metric_families(text):
        if family.name in seen:
            sys.exit("family %s appears twice" % family.name)
        seen.add(family.name)
        # The family itself, samples or not (name ""): a gauge read from the
        # store has none while there is nothing to count.
        print(json.dumps({"family": family.name, "type": family.type, "name": "",
                          "labels": {}, "value": 0}, sort_keys=True))
        for s in family.samples:
            print(json.dumps({"family": family.name, "type": family.type, "name": s.name,
                              "labels": s.labels, "value": s.value}, sort_keys=True))


def rules(path):
    import yaml

    text = open(path, encoding="utf-8").read()
    m = re.search(r"<!--\s*metrics-alerts:begin\s*-->\s*```yaml\n(.*?)```\s*<!--\s*metrics-alerts:end\s*-->",
                  text, re.S)
    if not m:
        sys.exit("no metrics-alerts:begin/end block with a yaml code block in %s" % path)
    doc = yaml.safe_load(m.group(1))
    groups = doc.get("groups") if isinstance(doc, dict) else None
    if not isinstance(groups, list) or not groups:
        sys.exit("the rules have no 'groups' list")
    for g in groups:
        if not isinstance(g.get("name"), str) or not isinstance(g.get("rules"), list):
            sys.exit("a group needs a name and a rules list: %r" % g)
        for r in g["rules"]:
            for key in ("alert", "expr", "for"):
                if key not in r:
                    sys.exit("rule %r has no %s" % (r.get("alert"), key))
            if not re.fullmatch(r"\d+[smhd]", str(r["for"])):
                sys.exit("rule %s: 'for' is not a duration: %r" % (r["alert"], r["for"]))
            if not isinstance(r.get("labels", {}), dict) or not isinstance(r.get("annotations", {}), dict):
                sys.exit("rule %s: labels and annotations must be maps" % r["alert"])
            print(" ".join(str(r["expr"]).split()))


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--rules":
        rules(sys.argv[2])
    elif len(sys.argv) == 2:
        samples(sys.argv[1])
    else:
        sys.exit(__doc__)
