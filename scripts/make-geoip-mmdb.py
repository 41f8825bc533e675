#!/usr/bin/env python3
"""Writes the small synthetic GeoIP country databases (MaxMind DB format, `.mmdb`) that stand in for GeoLite2-Country:

  tests/fixtures/geoip/location_per_course.mmdb   the facts the location_per_course conformance scenario relies on
                                                  (31.13.64.10 -> IE, 49.231.128.0 -> TH, private ranges -> none)
  sample-data/geoip/GeoLite2-Country-sample.mmdb  a country for every public /8 the sample logs' addresses fall in

Standard library only (a fresh machine has no MMDB writer installed); deterministic: same bytes every run. The
format is MaxMind DB 2.0 (https://maxmind.github.io/MaxMind-DB/): an IPv6 search tree with 24-bit records (IPv4
networks under ::/96), a data section of maps, and the metadata map after its marker.

    python3 scripts/make-geoip-mmdb.py            # both files
    python3 scripts/make-geoip-mmdb.py --sample   # only the sample-data one (scripts/make-sample-data.py)
"""
import ipaddress
import os
import struct
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Countries as GeoLite2 names them: (ISO code, English name, GeoNames id).
IE = ("IE", "Ireland", 2963597)
TH = ("TH", "Thailand", 1605651)

# The scenario's facts: Facebook's Irish range and a Thai address; private and loopback ranges have no entry.
TEST_NETWORKS = [
    ("31.13.64.0/18", IE),
    ("49.231.128.0/24", TH),
    ("2a03:2880::/32", IE),
]

SAMPLE_COUNTRIES = [
    ("US", "United States", 6252001), ("IN", "India", 1269750), ("BR", "Brazil", 3469034),
    ("CN", "China", 1814991), ("DE", "Germany", 2921044), ("MX", "Mexico", 3996063),
    ("GB", "United Kingdom", 2635167), ("NG", "Nigeria", 2328926), ("FR", "France", 3017382),
    ("EG", "Egypt", 357994), ("ES", "Spain", 2510769), ("CO", "Colombia", 3686110),
]
# Special-use /8s (RFC 6890: this network, private, carrier-grade NAT, loopback, link local, 172.16/12 and
# 192.168/16 inside theirs) stay out of the sample database: their addresses look up as no country (UNKNOWN).
SAMPLE_UNLISTED = {0, 10, 100, 127, 169, 172, 192}
SAMPLE_NETWORKS = [("%d.0.0.0/8" % a, SAMPLE_COUNTRIES[a % len(SAMPLE_COUNTRIES)])
                   for a in range(1, 224) if a not in SAMPLE_UNLISTED]


# --- data section encoding -------------------------------------------------------------------------------------

def control(kind, size):
    """Control byte(s) of a field: type in the top 3 bits (or 0 and an extended type byte), then the size."""
    first, ext = (kind << 5, b"") if kind <= 7 else (0, bytes([kind - 7]))
    if size < 29:
        return bytes([first | size]) + ext
    if size < 285:
        return bytes([first | 29]) + ext + bytes([size - 29])
    if size < 65821:
        return bytes([first | 30]) + ext + struct.pack(">H", size - 285)
    return bytes([first | 31]) + ext + (size - 65821).to_bytes(3, "big")


def uint(kind, n):
    raw = n.to_bytes((n.bit_length() + 7) // 8, "big") if n else b""
    return control(kind, len(raw)) + raw


def encode(value):
    if isinstance(value, str):
        raw = value.encode("utf-8")
        return control(2, len(raw)) + raw
    if isinstance(value, dict):
        out = control(7, len(value))
        for k in sorted(value):
            out += encode(k) + encode(value[k])
        return out
    if isinstance(value, list):
        return control(11, len(value)) + b"".join(encode(v) for v in value)
    if isinstance(value, tuple):  # (MaxMind type number, unsigned integer)
        return uint(value[0], value[1])
    raise TypeError(value)


def country_record(country):
    code, name, geoname_id = country
    c = {"iso_code": code, "names": {"en": name}, "geoname_id": (6, geoname_id)}
    return {"country": c, "registered_country": dict(c)}


# --- search tree -----------------------------------------------------------------------------------------------

def bits_of(network):
    """The network as (128-bit integer, prefix length) in the IPv6 tree; IPv4 networks sit under ::/96."""
    net = ipaddress.ip_network(network)
    if net.version == 4:
        return int(net.network_address), 96 + net.prefixlen
    return int(net.network_address), net.prefixlen


def build(networks, description):
    data = b""
    offsets = {}
    root = [None, None]
    for network, country in networks:
        if country not in offsets:
            offsets[country] = len(data)
            data += encode(country_record(country))
        value, prefix = bits_of(network)
        node = root
        for depth in range(prefix):
            bit = (value >> (127 - depth)) & 1
            if depth == prefix - 1:
                if node[bit] is not None:
                    raise ValueError("overlapping network " + network)
                node[bit] = ("data", offsets[country])
            else:
                if node[bit] is None:
                    node[bit] = [None, None]
                if not isinstance(node[bit], list):
                    raise ValueError("overlapping network " + network)
                node = node[bit]
    # Number the nodes breadth first, root = 0.
    order, index = [root], {id(root): 0}
    i = 0
    while i < len(order):
        for child in order[i]:
            if isinstance(child, list):
                index[id(child)] = len(order)
                order.append(child)
        i += 1
    count = len(order)

    def record(child):
        if child is None:
            return count
        if isinstance(child, list):
            return index[id(child)]
        return count + 16 + child[1]

    tree = b"".join(record(n[0]).to_bytes(3, "big") + record(n[1]).to_bytes(3, "big") for n in order)
    metadata = {
        "binary_format_major_version": (5, 2),
        "binary_format_minor_version": (5, 0),
        "build_epoch": (9, 1767225600),
        "database_type": "GeoLite2-Country",
        "description": {"en": description},
        "ip_version": (5, 6),
        "languages": ["en"],
        "node_count": (6, count),
        "record_size": (5, 24),
    }
    return tree + b"\x00" * 16 + data + b"\xab\xcd\xefMaxMind.com" + encode(metadata)


def write(rel, networks, description):
    path = os.path.join(ROOT, rel)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(build(networks, description))


def main():
    write("sample-data/geoip/GeoLite2-Country-sample.mmdb", SAMPLE_NETWORKS,
          "Synthetic country database for the edxc sample data (scripts/make-geoip-mmdb.py); not real locations")
    if "--sample" not in sys.argv[1:]:
        write("tests/fixtures/geoip/location_per_course.mmdb", TEST_NETWORKS,
              "Synthetic country database for the location_per_course scenario (scripts/make-geoip-mmdb.py)")


if __name__ == "__main__":
    main()
