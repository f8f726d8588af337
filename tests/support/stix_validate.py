#!/usr/bin/env python3
"""Validates STIX 2.1 bundles against the OASIS STIX 2.1 JSON schemas.

Usage: stix_validate.py SCHEMA_DIR FILE...

SCHEMA_DIR is tests/vectors/stix-2.1/schemas. Every schema is loaded from
there and registered under its "$id" URL, so that the schemas' relative
"$ref"s resolve offline (no network). Each FILE must be a bundle; the bundle
is checked against common/bundle.json, and each object again against the
schema of its type (a clearer error than the bundle's anyOf). Prints one
line per error; exit status 0 when every file is valid, 1 otherwise.

Needs python3-jsonschema (Debian 12 has 4.10; newer ones with the
"referencing" library work too).
"""
import json
import pathlib
import sys
import warnings

import jsonschema

warnings.filterwarnings("ignore", category=DeprecationWarning)


def load_schemas(root):
    by_id, by_type = {}, {}
    for path in sorted(pathlib.Path(root).rglob("*.json")):
        schema = json.loads(path.read_text(encoding="utf-8"))
        by_id[schema["$id"]] = schema
        if path.parent.name in ("sdos", "sros", "observables") or path.stem in (
            "marking-definition",
            "language-content",
            "extension-definition",
        ):
            by_type[path.stem] = schema
    return by_id, by_type


def validator_for(schema, by_id):
    cls = jsonschema.validators.validator_for(schema)
    try:
        from referencing import Registry, Resource  # jsonschema >= 4.18

        registry = Registry().with_resources(
            (uri, Resource.from_contents(s)) for uri, s in by_id.items()
        )
        return cls(schema, registry=registry)
    except ImportError:
        resolver = jsonschema.RefResolver(base_uri=schema["$id"], referrer=schema, store=by_id)
        return cls(schema, resolver=resolver)


def main(argv):
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    by_id, by_type = load_schemas(argv[1])
    bundle_schema = next(s for uri, s in by_id.items() if uri.endswith("/common/bundle.json"))
    bundle_validator = validator_for(bundle_schema, by_id)
    object_validators = {t: validator_for(s, by_id) for t, s in by_type.items()}
    failed = False
    for name in argv[2:]:
        with open(name, encoding="utf-8") as f:
            bundle = json.load(f)
        errors = [
            "%s: bundle: %s at %s" % (name, e.message[:300], "/".join(map(str, e.absolute_path)))
            for e in bundle_validator.iter_errors(bundle)
        ]
        for i, obj in enumerate(bundle.get("objects", [])):
            v = object_validators.get(obj.get("type"))
            for e in v.iter_errors(obj) if v else []:
                errors.append(
                    "%s: object %d (%s): %s at %s"
                    % (name, i, obj.get("id"), e.message[:300], "/".join(map(str, e.absolute_path)))
                )
        for line in errors:
            print(line)
        failed = failed or bool(errors)
        if not errors:
            print("%s: valid (%d objects)" % (name, len(bundle.get("objects", []))))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
