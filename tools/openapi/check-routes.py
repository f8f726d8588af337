#!/usr/bin/env python3
"""Checks that docs/api/openapi.yaml describes exactly the routes of the
operators' API, as registered in src/hotline/api/routes_*.cpp.

Each route is a method and a path pattern; both sides must list the same set.
For a route the C++ code restricts to one permission (Access::permission), the
operation's x-permission must name it; for a route open to anyone
(Access::anyone) the operation must say `security: []`.

Routes are registered as
    routes.push_back({"GET", "/v1/alerts", Access::permission, Permission::read_items, ...
    Route upload{"POST", "/v1/attachments", Access::signed_in, ...
    for (const char* path : {"/health", "/version"}) routes.push_back({"GET", path, ...
    routes.push_back({"GET", base + "/{id}", ...   (base = "/v1/" + each plural of kinds())
Anything else in the path position is reported, so that a new way of writing
routes is noticed here rather than silently skipped.

Standard library only. PyYAML is used when installed; otherwise the paths
section is read by indentation (paths at two spaces, methods at four), and
when PyYAML is there both readers must agree, so the file stays readable on a
machine without it.

Usage: check-routes.py [--verbose] [REPO_ROOT]
Exit status: 0 when both sides match, 1 when not, 2 when a file cannot be read.
"""

import glob
import os
import re
import sys

METHODS = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE")
SPEC_METHODS = tuple(m.lower() for m in METHODS)

# The item kinds whose routes are built from `base` in routes_items.cpp
# (kinds(): alerts, requests, cases). Listed here on purpose: if the table in
# the C++ changes, this check says so instead of quietly following it.
PLURALS = ("alerts", "requests", "cases", "disputes")


class ReadError(Exception):
    pass


# ---- the C++ side ---------------------------------------------------------

def strip_comments(text):
    """Removes // and /* */ comments, keeping string and character literals
    (so "https://..." stays) and the line structure (for line numbers)."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            j = i + 1
            while j < n and text[j] != c:
                j += 2 if text[j] == "\\" else 1
            out.append(text[i:j + 1])
            i = j + 1
        elif text.startswith("//", i):
            j = text.find("\n", i)
            i = n if j < 0 else j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append("\n" * text.count("\n", i, j))
            i = j
        else:
            out.append(c)
            i += 1
    return "".join(out)


ROUTE_RE = re.compile(
    r'\{\s*"(' + "|".join(METHODS) + r')"\s*,\s*'   # {"GET",
    r'((?:"(?:[^"\\]|\\.)*"|[^,"{}])+?)\s*,\s*'      # path expression,
    r'(?:Access::(\w+))?\s*,?\s*'                     # Access::permission,
    r'(?:(?:service::)?Permission::(\w+))?')          # Permission::read_items
START_RE = re.compile(r'\{\s*"(' + "|".join(METHODS) + r')"\s*,')
STRING_RE = re.compile(r'^"((?:[^"\\]|\\.)*)"$')
BASE_RE = re.compile(r'^base(?:\s*\+\s*"((?:[^"\\]|\\.)*)")?$')
BASE_DEF_RE = re.compile(
    r'\bbase\s*=\s*std::string\(\s*"([^"]*)"\s*\)\s*\+\s*k\.plural\s*;')
KIND_RE = re.compile(r'\{\s*service::k\w+\s*,\s*"([a-z_]+)"')


def loop_values(text, name, before):
    """The strings of the nearest `for (const char* NAME : {"a", "b"})` that
    opens before offset `before`, or None."""
    loops = list(re.finditer(
        r'for\s*\(\s*(?:const\s+)?(?:char\s*\*|auto\s*\*?|std::string(?:_view)?)\s*(?:const\s*)?&?\s*'
        + re.escape(name) + r'\s*:\s*\{([^}]*)\}\s*\)', text[:before]))
    if not loops:
        return None
    return re.findall(r'"((?:[^"\\]|\\.)*)"', loops[-1].group(1))


def cpp_routes(root, verbose):
    """{(METHOD, path): (where, access, permission)} from routes_*.cpp."""
    files = sorted(glob.glob(os.path.join(root, "src/hotline/api/routes_*.cpp")))
    if not files:
        raise ReadError("no src/hotline/api/routes_*.cpp under " + root)
    routes = {}
    problems = []
    expanded = []
    for path in files:
        rel = os.path.relpath(path, root)
        with open(path, encoding="utf-8") as f:
            text = strip_comments(f.read())
        base_prefix = None
        m = BASE_DEF_RE.search(text)
        if m:
            base_prefix = m.group(1)
            plurals = tuple(KIND_RE.findall(text))
            if plurals != PLURALS:
                problems.append(
                    "%s: kinds() lists %s, but check-routes.py expects %s; update PLURALS "
                    "in tools/openapi/check-routes.py (and the spec)"
                    % (rel, ", ".join(plurals) or "nothing", ", ".join(PLURALS)))
        # Every {"METHOD", must start a route this check can read.
        starts = {m.start() for m in START_RE.finditer(text)}
        for m in ROUTE_RE.finditer(text):
            starts.discard(m.start())
        for start in sorted(starts):
            problems.append("%s:%d: cannot read this route; teach tools/openapi/check-routes.py "
                            "its form" % (rel, text.count("\n", 0, start) + 1))
        for m in ROUTE_RE.finditer(text):
            method, expr, access, permission = m.groups()
            line = text.count("\n", 0, m.start()) + 1
            where = "%s:%d" % (rel, line)
            expr = " ".join(expr.split())
            paths = None
            s = STRING_RE.match(expr)
            b = BASE_RE.match(expr)
            if s:
                paths = [s.group(1)]
            elif b:
                if base_prefix is None:
                    problems.append("%s: route uses `base` but no `base = std::string(\"...\") + "
                                    "k.plural;` was found in %s" % (where, rel))
                    continue
                paths = [base_prefix + p + (b.group(1) or "") for p in PLURALS]
                expanded.extend((method, p, where) for p in paths)
            elif re.match(r"^[A-Za-z_]\w*$", expr):
                values = loop_values(text, expr, m.start())
                if values is None:
                    problems.append("%s: cannot tell which paths `%s` stands for (a loop "
                                    "`for (const char* %s : {...})` was expected)" % (where, expr, expr))
                    continue
                paths = values
                expanded.extend((method, p, where) for p in paths)
            else:
                problems.append("%s: cannot read the route path `%s`; teach "
                                "tools/openapi/check-routes.py this form" % (where, expr))
                continue
            for p in paths:
                key = (method, p)
                if key in routes:
                    problems.append("%s: %s %s is registered twice (also at %s)"
                                    % (where, method, p, routes[key][0]))
                routes[key] = (where, access, permission)
    if verbose and expanded:
        print("check-routes: routes built from `base` or a loop:")
        for method, p, where in expanded:
            print("  %-6s %-34s (%s)" % (method, p, where))
    return routes, problems


# ---- the spec side --------------------------------------------------------

def spec_ops_simple(path):
    """{(METHOD, path): {"x-permission": str|None, "public": bool}} read by
    indentation: `paths:` at column 0, each path at 2 spaces, each method at
    4, an operation's own members at 6."""
    ops = {}
    in_paths = False
    current_path = None
    current_op = None
    block_indent = None  # inside a block scalar (| or >) deeper than this
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    for number, raw in enumerate(lines, 1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if block_indent is not None:
            if indent > block_indent:
                continue
            block_indent = None
        text = raw.strip()
        if indent == 0:
            in_paths = text == "paths:"
            current_path = current_op = None
            continue
        if not in_paths:
            continue
        m = re.match(r"^(['\"]?)([^'\"]+?)\1\s*:\s*(.*)$", text)
        if m and re.search(r"[|>][+-]?$", m.group(3)):
            block_indent = indent
        if indent == 2:
            if not m or not m.group(2).startswith("/"):
                raise ReadError("%s:%d: expected a path (\"  /v1/...:\") at two spaces"
                                % (path, number))
            current_path = m.group(2)
            current_op = None
        elif indent == 4 and current_path is not None:
            key = m.group(2) if m else None
            if key in SPEC_METHODS:
                current_op = (key.upper(), current_path)
                ops[current_op] = {"x-permission": None, "public": False}
            else:
                current_op = None
        elif indent == 6 and current_op is not None and m:
            key, value = m.group(2), m.group(3).strip()
            if key == "x-permission":
                ops[current_op]["x-permission"] = value.strip("'\"")
            elif key == "security":
                ops[current_op]["public"] = value == "[]"
    return ops


def spec_ops_yaml(path, yaml):
    with open(path, encoding="utf-8") as f:
        doc = yaml.safe_load(f)
    ops = {}
    for p, item in (doc.get("paths") or {}).items():
        for key, op in (item or {}).items():
            if key in SPEC_METHODS:
                ops[(key.upper(), p)] = {
                    "x-permission": None if op.get("x-permission") is None
                    else str(op.get("x-permission")),
                    "public": op.get("security") == [],
                }
    return ops


# ---- comparing ------------------------------------------------------------

def main(argv):
    verbose = "--verbose" in argv or "-v" in argv
    args = [a for a in argv if not a.startswith("-")]
    root = os.path.abspath(args[0] if args else os.path.join(os.path.dirname(__file__), "../.."))
    spec_path = os.path.join(root, "docs/api/openapi.yaml")
    spec_rel = os.path.relpath(spec_path, root)
    try:
        routes, problems = cpp_routes(root, verbose)
        spec = spec_ops_simple(spec_path)
        try:
            import yaml  # python3-yaml, when installed
        except ImportError:
            yaml = None
        if yaml is not None:
            full = spec_ops_yaml(spec_path, yaml)
            if full != spec:
                differ = sorted(k for k in set(full) | set(spec) if full.get(k) != spec.get(k))
                problems.append(
                    "%s: the indentation reader (used where PyYAML is missing) sees other "
                    "operations than PyYAML; keep paths at two spaces and methods at four "
                    "(differs at: %s)" % (spec_rel, ", ".join("%s %s" % k for k in differ)))
                spec = full
    except (OSError, ReadError) as e:
        print("check-routes: %s" % e, file=sys.stderr)
        return 2

    for method, p in sorted(set(routes) - set(spec), key=lambda k: (k[1], k[0])):
        problems.append("%s %s (%s) is missing from %s"
                        % (method, p, routes[(method, p)][0], spec_rel))
    for method, p in sorted(set(spec) - set(routes), key=lambda k: (k[1], k[0])):
        problems.append("%s %s is in %s but no route in src/hotline/api/routes_*.cpp serves it"
                        % (method, p, spec_rel))
    for key in sorted(set(spec) & set(routes), key=lambda k: (k[1], k[0])):
        where, access, permission = routes[key]
        op = spec[key]
        if access == "anyone" and not op["public"]:
            problems.append("%s %s (%s) needs no sign-in: give it `security: []` in %s"
                            % (key[0], key[1], where, spec_rel))
        if access != "anyone" and op["public"]:
            problems.append("%s %s (%s) needs a sign-in, but %s says `security: []`"
                            % (key[0], key[1], where, spec_rel))
        if access == "permission" and permission and \
                not re.search(r"\b%s\b" % re.escape(permission), op["x-permission"] or ""):
            problems.append("%s %s (%s) needs the %s permission, but its x-permission in %s "
                            "says %r" % (key[0], key[1], where, permission, spec_rel,
                                         op["x-permission"]))

    if problems:
        for line in problems:
            print("check-routes: " + line, file=sys.stderr)
        print("check-routes: %d problem(s): the C++ route table and %s disagree"
              % (len(problems), spec_rel), file=sys.stderr)
        return 1
    print("check-routes: %d routes in src/hotline/api/routes_*.cpp, each described in %s"
          % (len(routes), spec_rel))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
