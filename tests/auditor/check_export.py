#!/usr/bin/env python3
"""Check a Hotline ledger export without Hotline.

Usage: check_export.py EXPORT.jsonl [--key PUBLIC_KEY]

EXPORT.jsonl is the output of `hotline ledger export`; its format and every
check below are described in docs/auditing.md. The script needs only the
Python standard library (hashlib, json) and PyNaCl for Ed25519 (Debian:
python3-nacl).

--key: the node's public key as you know it independently (from the
agreement, or read out over the phone). Without it the export's own claim
is trusted, which proves consistency but not authorship.

Envelopes of TLP:RED items are exported as their leaf hash only
("redacted": "TLP:RED"): their place in the tree and in the hash chains is
checked, their content and signature cannot be. Any other "redacted" value
is a failed check.

Exit status: 0 when every check holds, 1 when any fails (each is printed),
2 for a usage error or an unreadable file.
"""

import argparse
import base64
import hashlib
import json
import re
import sys

try:
    from nacl.exceptions import BadSignatureError
    from nacl.signing import VerifyKey
except ImportError:  # pragma: no cover
    sys.stderr.write("check_export.py needs PyNaCl (Debian: apt-get install python3-nacl)\n")
    sys.exit(2)

GENESIS = "0" * 64
HEX64 = re.compile(r"^[0-9a-f]{64}$")
REDACTED_TLP_RED = "TLP:RED"
MAX_REPORTED = 200
B64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def b64url_decode(text, length):
    """Strict base64url without padding, of exactly `length` bytes."""
    if not isinstance(text, str) or not B64URL.match(text):
        raise ValueError("not base64url")
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    if len(raw) != length or base64.urlsafe_b64encode(raw).decode().rstrip("=") != text:
        raise ValueError("not the base64url of %d bytes" % length)
    return raw


def sha256_hex(data):
    return hashlib.sha256(data).hexdigest()


def leaf_hash(data):
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left, right):
    return hashlib.sha256(b"\x01" + left + right).digest()


def ed25519_ok(key_text, message, sig_text):
    try:
        key = VerifyKey(b64url_decode(key_text, 32))
        key.verify(message.encode("utf-8"), b64url_decode(sig_text, 64))
        return True
    except (BadSignatureError, ValueError, TypeError):
        return False


def insert_sig(signed, sig):
    """The signed object with its "sig" member put back, as RFC 8785 orders it.

    Envelopes and receipts both have a top-level "to" member, the first
    member whose name sorts after "sig"; after it come only "type" (letters,
    digits, '.', '_') and "v" (an integer), so the last occurrence of
    ,"to":" in the text is the top-level one. "sig" goes right before it.
    """
    p = signed.rfind(',"to":"')
    if p < 0:
        return None
    return signed[: p + 1] + '"sig":"' + sig + '",' + signed[p + 1 :]


def root_from_inclusion(leaf, index, size, path):
    """RFC 9162 section 2.1.3.2: the root an inclusion proof leads to, or None."""
    if not (isinstance(index, int) and isinstance(size, int)) or index < 0 or index >= size:
        return None
    fn, sn, r = index, size - 1, leaf
    for p in path:
        if sn == 0:
            return None
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            r = node_hash(r, p)
        fn >>= 1
        sn >>= 1
    return r if sn == 0 else None


def batch_text(batch):
    """A version 2 receipt's "batch" member as RFC 8785 writes it."""
    return '{"path":[%s],"position":%d,"size":%d}' % (
        ",".join('"%s"' % h for h in batch["path"]), batch["position"], batch["size"])


def receipt_batch_ok(where, fail, signed, sig, signer, batch, canonical):
    """A version 2 receipt: "signed" is its leaf in the tree of the receipts
    signed together, "sig" signs that tree's root, "batch" has the path."""
    if not (isinstance(batch, dict) and set(batch) == {"path", "position", "size"}
            and isinstance(batch["path"], list)
            and all(isinstance(h, str) and HEX64.match(h) for h in batch["path"])
            and isinstance(batch["position"], int) and isinstance(batch["size"], int)):
        fail(where, "the receipt's batch is not {path, position, size}")
        return
    inner = insert_sig(signed, sig)
    if inner is None or '{"batch":' + batch_text(batch) + "," + inner[1:] != canonical:
        fail(where, 'canonical is not the signed text with its "batch" and "sig" members inserted')
    root = root_from_inclusion(leaf_hash(signed.encode("utf-8")), batch["position"], batch["size"],
                               [bytes.fromhex(h) for h in batch["path"]])
    if root is None:
        fail(where, "the receipt's batch path does not fit position %r of %r" % (batch["position"], batch["size"]))
    elif not ed25519_ok(signer, '{"receipt_batch_root":"%s","size":%d,"v":2}' % (root.hex(), batch["size"]), sig):
        fail(where, "the Ed25519 signature over the receipt's batch does not verify")


class Keys:
    """A party's keys as the export lists them (docs/protocol.md section 1.1):
    the current key and, after a rotation or a revocation, the earlier ones
    ("keys", oldest first, each maybe with "revoked_from"). Envelopes signed
    with an earlier key verify; a revoked key's only before its revocation."""

    def __init__(self, current, history=None):
        self.current = current
        self.keys, self.revoked = [], {}
        for k in history or []:
            if isinstance(k, dict) and isinstance(k.get("key"), str):
                self.keys.append(k["key"])
                if isinstance(k.get("revoked_from"), str):
                    self.revoked[k["key"]] = k["revoked_from"]
        if current not in self.keys:
            self.keys.append(current)

    def __contains__(self, key):
        return key in self.keys

    def __str__(self):
        if len(self.keys) == 1:
            return str(self.current)
        return "%s (or an earlier key: %s)" % (self.current, ", ".join(k for k in self.keys if k != self.current))

    def revoked_at(self, key, time):
        """The revocation time when `key` was revoked at or before `time`."""
        rf = self.revoked.get(key)
        return rf if rf is not None and isinstance(time, str) and time >= rf else None


def head_signing_input(size, root, time):
    return '{"root":"%s","size":%d,"time":"%s","type":"tree_head","v":1}' % (root, size, time)


def link_id(key_a, key_b):
    a = b64url_decode(key_a, 32)
    b = b64url_decode(key_b, 32)
    lo, hi = (a, b) if a < b else (b, a)
    return hashlib.sha256(b"hotline-link-v1" + lo + hi).digest()[:16].hex()


class CompactRange:
    """The right edge of an RFC 9162 tree: roots of its perfect subtrees."""

    def __init__(self):
        self.size = 0
        self.stack = []  # (height, hash), largest first

    def append(self, h):
        height = 0
        while self.stack and self.stack[-1][0] == height:
            left = self.stack.pop()[1]
            h = node_hash(left, h)
            height += 1
        self.stack.append((height, h))
        self.size += 1

    def root(self):
        if not self.stack:
            return hashlib.sha256(b"").digest()
        r = self.stack[-1][1]
        for _, h in reversed(self.stack[:-1]):
            r = node_hash(h, r)
        return r


class Checker:
    def __init__(self, expected_key):
        self.expected_key = expected_key
        self.failures = 0
        self.notes = []
        self.redacted = 0
        # (link, direction, seq) of a redacted envelope -> its digest, as the
        # first signed statement about it said (the next envelope's prev, or
        # its receipt); later statements must agree.
        self.redacted_digests = {}

    def fail(self, where, what):
        self.failures += 1
        if self.failures <= MAX_REPORTED:
            print("FAIL  %s: %s" % (where, what))

    def run(self, lines):
        if not lines:
            self.fail("line 1", "the export is empty")
            return
        node = lines[0][1]
        if not isinstance(node, dict) or node.get("type") != "node":
            self.fail("line 1", 'the first line is not the "node" line')
            return
        me_text = node.get("public_key")
        size = node.get("log_size")
        me = Keys(me_text, node.get("keys"))
        if self.expected_key is not None and self.expected_key not in me:
            self.fail("line 1", "the export is of key %s, not of the expected key %s" % (me, self.expected_key))
        try:
            b64url_decode(me_text, 32)
        except (ValueError, TypeError):
            self.fail("line 1", "public_key is not an Ed25519 key")
            return
        if not isinstance(size, int) or size < 0:
            self.fail("line 1", "log_size is not a non-negative integer")
            return
        peers = {}
        for p in node.get("peers", []):
            try:
                p["_keys"] = Keys(p["public_key"], p.get("keys"))
                # The link id is made from the two keys at peering time: any
                # pair of the two histories.
                if not any(link_id(a, b) == p["link"] for a in me.keys for b in p["_keys"].keys):
                    self.fail("line 1", "peer %s: link %s is not derived from the two keys" % (p.get("name"), p.get("link")))
                peers[p["link"]] = p
            except (KeyError, ValueError, TypeError):
                self.fail("line 1", "a peer entry is malformed: %r" % (p,))

        tree = CompactRange()
        head_sizes = sorted({h.get("size") for _, h in lines if isinstance(h, dict) and h.get("type") == "head" and h.get("link") == "" and isinstance(h.get("size"), int)})
        roots = {}
        if 0 in head_sizes:
            roots[0] = tree.root()
        chains = {}  # (link, direction) -> (last seq, last digest)
        envelopes = {}  # (link, direction, seq) -> (leaf index, digest)
        leaves = 0
        heads = {"": 0, "peer": 0}

        for lineno, obj in lines[1:]:
            where = "line %d" % lineno
            if not isinstance(obj, dict):
                self.fail(where, "not a JSON object")
                continue
            kind = obj.get("type")
            if kind == "leaf":
                if obj.get("index") != leaves:
                    self.fail(where, "leaf index %r where %d was expected" % (obj.get("index"), leaves))
                where = "leaf %r" % obj.get("index")
                leaves += 1
                h = self.check_leaf(where, obj, me, peers, chains, envelopes, leaves - 1)
                tree.append(h)
                if tree.size in head_sizes:
                    roots[tree.size] = tree.root()
            elif kind == "head":
                if obj.get("link") == "":
                    heads[""] += 1
                    self.check_own_head(where, obj, me, size, roots)
                else:
                    heads["peer"] += 1
                    self.check_peer_head(where, obj, peers)
            else:
                self.fail(where, "unknown line type %r" % kind)

        if leaves != size:
            self.fail("end", "the export holds %d leaves, the node line says %d" % (leaves, size))
        covered = max([s for s in head_sizes if s <= size] or [0])
        if covered < size:
            self.notes.append("leaves %d to %d are signed but not yet covered by a signed tree head" % (covered, size - 1))
        self.summary = (size, leaves, heads[""], heads["peer"], tree.root().hex(), covered, self.redacted)

    @staticmethod
    def stored_hash(obj):
        """The line's leaf_hash, taken as it is (32 zero bytes if unusable)."""
        stored = obj.get("leaf_hash")
        if isinstance(stored, str) and HEX64.match(stored):
            return bytes.fromhex(stored)
        return b"\x00" * 32

    def learn_digest(self, where, key, digest, source):
        """A signed statement of a redacted envelope's digest (hex SHA-256 of
        its bytes): the first one is taken, later ones must agree with it."""
        if not isinstance(digest, str) or not HEX64.match(digest):
            self.fail(where, "%s is not a hex SHA-256" % source)
            return
        known = self.redacted_digests.get(key)
        if known is None:
            self.redacted_digests[key] = digest
        elif known != digest:
            self.fail(where, "%s names %s for the redacted %s envelope seq %r, which was already known as %s" % (source, digest, key[1], key[2], known))

    def check_redacted(self, where, obj, me, peers, chains, envelopes, index):
        """An envelope of a TLP:RED item, exported as its leaf hash only: the
        tree uses that hash as it is; its content and signature cannot be
        checked, its place in its link's chain can. (Also run, after the
        failure, on a leaf withheld for another reason, so that the leaves
        after it are checked as usual.)"""
        h = self.stored_hash(obj)
        if not (isinstance(obj.get("leaf_hash"), str) and HEX64.match(obj["leaf_hash"])):
            self.fail(where, "a redacted leaf without a usable leaf_hash")
        if any(obj.get(m) is not None for m in ("canonical", "signed", "sig")):
            self.fail(where, "a leaf marked redacted carries canonical, signed or sig")
        link, direction, seq, kind = obj.get("link"), obj.get("direction"), obj.get("seq"), obj.get("kind")
        if kind != "envelope":
            self.fail(where, "only envelopes are redacted; this is a %r" % kind)
            return h
        peer = peers.get(link)
        if peer is None:
            self.fail(where, "link %s is not one of the node's peers" % link)
        if direction not in ("outbound", "inbound"):
            self.fail(where, "direction %r" % direction)
            return h
        sender = me if direction == "outbound" else (peer["_keys"] if peer else Keys(""))
        signer = obj.get("signer")
        if signer is not None and signer not in sender:
            self.fail(where, "an %s envelope must be from %s, not %s" % (direction, sender, signer))
        last_seq, _ = chains.get((link, direction), (0, GENESIS))
        if seq != last_seq + 1:
            self.fail(where, "%s seq %r follows seq %d (gap or reorder)" % (direction, seq, last_seq))
        if not isinstance(seq, int):
            return h
        # Its digest is unknown here: the next envelope's prev and its
        # receipt each say what it is (learn_digest).
        chains[(link, direction)] = (seq, None)
        envelopes[(link, direction, seq)] = (index, None)
        return h

    def check_leaf(self, where, obj, me, peers, chains, envelopes, index):
        redacted = obj.get("redacted")
        if redacted is not None:
            if redacted == REDACTED_TLP_RED:
                self.redacted += 1
            else:
                self.fail(where, "the item is withheld from the export (redacted %r): only TLP:RED content may be" % (redacted,))
            return self.check_redacted(where, obj, me, peers, chains, envelopes, index)
        canonical = obj.get("canonical")
        if not isinstance(canonical, str):
            self.fail(where, "the item is missing from the export (the node's store lacks it)")
            return self.stored_hash(obj)
        data = canonical.encode("utf-8")
        h = leaf_hash(data)
        if obj.get("leaf_hash") != h.hex():
            self.fail(where, "leaf_hash is not SHA-256(0x00 || canonical)")
        signed, sig, signer = obj.get("signed"), obj.get("sig"), obj.get("signer")
        if not (isinstance(signed, str) and isinstance(sig, str) and isinstance(signer, str)):
            self.fail(where, "signed, sig or signer is missing")
            return h
        if obj.get("batch") is not None:
            if obj.get("kind") != "receipt":
                self.fail(where, "only receipts are signed in batches")
            receipt_batch_ok(where, self.fail, signed, sig, signer, obj["batch"], canonical)
        else:
            if insert_sig(signed, sig) != canonical:
                self.fail(where, 'canonical is not the signed text with its "sig" member inserted')
            if not ed25519_ok(signer, signed, sig):
                self.fail(where, "the Ed25519 signature does not verify")
        try:
            item = json.loads(canonical)
        except ValueError:
            self.fail(where, "canonical is not JSON")
            return h
        link, direction, seq, kind = obj.get("link"), obj.get("direction"), obj.get("seq"), obj.get("kind")
        if item.get("link") != link or item.get("seq") != seq or item.get("from") != signer:
            self.fail(where, "link, seq or signer differ from the signed item")
        peer = peers.get(link)
        them = peer["_keys"] if peer else Keys("")
        if peer is None:
            self.fail(where, "link %s is not one of the node's peers" % link)
        if direction not in ("outbound", "inbound"):
            self.fail(where, "direction %r" % direction)
            return h
        # Who signs what: we sign our envelopes and the receipts for theirs.
        sender, receiver = (me, them) if direction == "outbound" else (them, me)
        key = (link, direction, seq)
        if kind == "envelope":
            if item.get("from") not in sender or item.get("to") not in receiver:
                self.fail(where, "an %s envelope must be from %s to %s" % (direction, sender, receiver))
            revoked = sender.revoked_at(item.get("from"), item.get("sent_at"))
            if revoked:
                self.fail(where, "signed with key %s, revoked from %s" % (item.get("from"), revoked))
            last_seq, last_digest = chains.get((link, direction), (0, GENESIS))
            if seq != last_seq + 1:
                self.fail(where, "%s seq %r follows seq %d (gap or reorder)" % (direction, seq, last_seq))
            if last_digest is None:  # the previous one is redacted
                self.learn_digest(where, (link, direction, last_seq), item.get("prev"), "prev")
            elif item.get("prev") != last_digest:
                self.fail(where, "prev does not chain to the previous %s envelope" % direction)
            digest = sha256_hex(data)
            chains[(link, direction)] = (seq, digest)
            envelopes[key] = (index, digest)
        elif kind == "receipt":
            if item.get("from") not in receiver or item.get("to") not in sender:
                self.fail(where, "the receipt of an %s envelope must be signed by %s" % (direction, receiver))
            revoked = receiver.revoked_at(item.get("from"), item.get("received_at"))
            if revoked:
                self.fail(where, "signed with key %s, revoked from %s" % (item.get("from"), revoked))
            env = envelopes.get(key)
            if env is None:
                self.fail(where, "a receipt for %s seq %r, whose envelope is not earlier in the log" % (direction, seq))
            else:
                if env[1] is None:  # a redacted envelope
                    self.learn_digest(where, key, item.get("envelope"), "the receipt's envelope digest")
                elif item.get("envelope") != env[1]:
                    self.fail(where, "the receipt is for other content than the logged envelope")
                if direction == "inbound" and item.get("index") != env[0]:
                    self.fail(where, "our receipt says the envelope is leaf %r; it is leaf %d" % (item.get("index"), env[0]))
        else:
            self.fail(where, "unknown kind %r" % kind)
        return h

    def check_head_signature(self, where, obj):
        size, root, time = obj.get("size"), obj.get("root"), obj.get("time")
        if not isinstance(size, int) or not isinstance(root, str) or not isinstance(time, str):
            self.fail(where, "size, root or time is missing")
            return False
        expected = head_signing_input(size, root, time)
        if obj.get("signed") != expected:
            self.fail(where, "signed is not the signing input of the line's size, root and time")
        if not ed25519_ok(obj.get("key"), expected, obj.get("sig")):
            self.fail(where, "the head's Ed25519 signature does not verify")
            return False
        return True

    def check_own_head(self, where, obj, me, size, roots):
        where += " (our head of size %r)" % obj.get("size")
        if obj.get("key") not in me:
            self.fail(where, "signed by %s, not by the node %s" % (obj.get("key"), me))
        self.check_head_signature(where, obj)
        n = obj.get("size")
        if not isinstance(n, int):
            return
        if n > size:
            self.fail(where, "covers %d leaves but the log holds %d (truncated)" % (n, size))
        elif n in roots and roots[n].hex() != obj.get("root"):
            self.fail(where, "root %s, but the exported leaves 0..%d give %s" % (obj.get("root"), n - 1, roots[n].hex()))

    def check_peer_head(self, where, obj, peers):
        link = obj.get("link")
        peer = peers.get(link)
        where += " (head of link %s, size %r)" % (link, obj.get("size"))
        if peer is None:
            self.fail(where, "the link is not one of the node's peers")
        elif obj.get("key") not in peer["_keys"]:
            self.fail(where, "signed by %s, not by the peer %s" % (obj.get("key"), peer.get("name")))
        self.check_head_signature(where, obj)
        if obj.get("status") == "inconsistent":
            self.fail(where, "the node's audit found this peer head inconsistent")


def main():
    ap = argparse.ArgumentParser(description="Check a Hotline ledger export (docs/auditing.md).")
    ap.add_argument("export")
    ap.add_argument("--key", help="the node's public key, as known independently")
    # A base64url key may begin with "-", which argparse would take for an
    # option: "--key VALUE" is read as "--key=VALUE".
    argv = sys.argv[1:]
    for i in range(len(argv) - 1):
        if argv[i] == "--key":
            argv[i : i + 2] = ["--key=" + argv[i + 1], None]
            break
    args = ap.parse_args([a for a in argv if a is not None])
    lines = []
    try:
        with open(args.export, "rb") as f:
            for n, raw in enumerate(f, start=1):
                if raw.strip() == b"":
                    continue
                try:
                    lines.append((n, json.loads(raw.decode("utf-8"))))
                except (UnicodeDecodeError, ValueError) as e:
                    lines.append((n, None))
                    print("FAIL  line %d: not JSON (%s)" % (n, e))
    except OSError as e:
        sys.stderr.write("check_export.py: %s\n" % e)
        return 2
    c = Checker(args.key)
    bad_json = sum(1 for _, o in lines if o is None)
    c.failures += bad_json
    c.run(lines)
    for note in c.notes:
        print("note  " + note)
    if c.failures > MAX_REPORTED:
        print("FAIL  ... and %d more" % (c.failures - MAX_REPORTED))
    if c.failures:
        print("FAILED: %d findings in %s" % (c.failures, args.export))
        return 1
    size, leaves, own, peer, root, covered, redacted = c.summary
    if redacted:
        print("OK: %d leaves, signatures and chains verified (but for %d leaves of TLP:RED items, see below); root %s" % (leaves, redacted, root))
    else:
        print("OK: %d leaves, signatures and chains verified; root %s" % (leaves, root))
    print("    %d of the node's tree heads match the recomputed roots (the newest covers %d leaves); %d peer heads are validly signed" % (own, covered, peer))
    if redacted:
        print("    %d leaves are envelopes of TLP:RED items, exported as their leaf hash only: their place in the tree and in their link's chain is checked, not their content or signature" % redacted)
    return 0


if __name__ == "__main__":
    sys.exit(main())
