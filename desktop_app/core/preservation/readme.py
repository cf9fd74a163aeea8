"""The package's README.txt: what the package is and how anyone can check it with common tools, in plain English."""

from __future__ import annotations

import textwrap
from typing import Any

from .bag_files import Digests

_WIDTH = 78


def readme_text(snapshot: dict[str, Any], extract: dict[str, Any], payload: dict[str, Digests]) -> str:
    city = snapshot["city"]["display"]
    response = snapshot["response"]
    letter = payload["data/letter.pdf"].sha256
    issue_seq = extract["issue_event_seq"]
    first = extract["links"][0]["seq"] if extract["links"] else issue_seq
    enclosures = [path for path in sorted(payload) if path.startswith("data/enclosures/")]
    sections = [
        _heading(f"The response letter of {city} dated {response['letter_date']}, as a verifiable package"),
        _para(
            f"This folder is a BagIt bag (RFC 8493, BagIt 1.0). It holds the letter {city} issued as its response "
            f"{response['id']}, byte for byte as stored when it was issued, with everything needed to check, "
            "without the program that made it, that nothing in it has changed since."
        ),
        _para(f"The letter's fingerprint (SHA-256) is:\n{letter}"),
        _para(
            "Compare it with the fingerprint given when the letter was sent: if they are the same, this is that letter."
        ),
        *([] if snapshot.get("enclosures") is not None else [_para(_NO_ENCLOSURES)]),
        _heading("What it holds"),
        _listing(
            [
                ("data/letter.pdf", "the issued letter"),
                ("data/letter-archival-PDF-A-2b.pdf", "its archival copy (PDF/A-2b), made at the same time"),
                *((path, "a document the letter encloses") for path in enclosures),
                ("data/audit-extract.json", "the audit trail's events for every record the letter cites"),
                ("data/response.json", "what the letter says, as data: the city, the answers, the partnerships"),
                ("manifest-sha256.txt", "the SHA-256 of every file under data/"),
                ("manifest-sha512.txt", "the same with SHA-512"),
                ("tagmanifest-sha256.txt", "the SHA-256 of the files beside data/ (this README too)"),
                ("tagmanifest-sha512.txt", "the same with SHA-512"),
                ("bagit.txt, bag-info.txt", "the BagIt declaration, and who made the bag and when"),
            ]
        ),
        _heading("How to check it"),
        _para("Open a terminal in this folder (the one holding this file) and run:"),
        "  Linux:    sha256sum -c manifest-sha256.txt && sha256sum -c tagmanifest-sha256.txt\n"
        "  macOS:    shasum -a 256 -c manifest-sha256.txt && shasum -a 256 -c tagmanifest-sha256.txt\n",
        _para(
            "Every line must end in OK. Any file changed, even by one byte, or missing, is named as FAILED. "
            "A file added under data/ is not listed in manifest-sha256.txt: compare the list of files under data/ "
            "with the manifest's lines."
        ),
        _para(
            "On Windows, in PowerShell, from this folder, this checks every line of a manifest the same way (run it "
            "again with tagmanifest-sha256.txt):"
        ),
        _POWERSHELL_CHECK,
        _para(
            "Or one file at a time: certutil -hashfile data\\letter.pdf SHA256 prints its fingerprint, to compare "
            "with its line in manifest-sha256.txt (in capitals or not, it is the same)."
        ),
        _para(
            "The program that made this package checks all of it in one step (the manifests, the tag manifests, "
            "the audit extract's chain and the letter's fingerprint): sister-city-records verify-package FOLDER."
        ),
        _heading("How the audit trail vouches for the letter"),
        _para(
            "The program records every change to the records as an event in an append-only audit trail, each "
            "event's hash covering the one before it. data/audit-extract.json holds, in full, every event up to the "
            f"letter's issue of every record the letter cites, and the issue itself (event {issue_seq}), whose "
            "after_json names the letter's SHA-256 as pdf_sha256: it must be the fingerprint above. Its links "
            f"list the number, prev_hash and hash of every event from {first} to {issue_seq}, so the chain can be "
            "followed link by link: each link's prev_hash is the hash of the link before it. The issue event also "
            "records, under printed, the answers, partnerships and enclosures the letter printed: data/response.json "
            "must say the same."
        ),
        _para(extract["hash_rule"]),
        _para("With Python 3 alone, from this folder, this recomputes every full event's hash and follows the links:"),
        _CHAIN_CHECK,
    ]
    return "\n".join(sections)


_NO_ENCLOSURES = (
    "This letter was issued before the program recorded what a letter encloses at its issue, and the records "
    "changed after it was issued, so when this package was made they no longer told which documents it enclosed: "
    "none are in this package. The letter itself lists them."
)

_POWERSHELL_CHECK = """\
  Get-Content manifest-sha256.txt | ForEach-Object {
    $hash, $file = $_ -split '  ', 2
    if ((Get-FileHash -Algorithm SHA256 $file).Hash -eq $hash) { "OK: $file" } else { "FAILED: $file" }
  }
"""

# Flush left: the lines are Python given to python3 -c.
_CHAIN_CHECK = """\
python3 -c "
import hashlib, json
x = json.load(open('data/audit-extract.json', encoding='utf-8'))
fields = ('seq', 'occurred_at', 'actor', 'action', 'record_kind', 'record_id',
          'before_json', 'after_json', 'prev_hash')
links = {link['seq']: link for link in x['links']}
for e in x['events']:
    text = json.dumps([e[f] for f in fields], ensure_ascii=False, separators=(',', ':'))
    ok = hashlib.sha256(text.encode('utf-8')).hexdigest() == e['hash'] == links[e['seq']]['hash']
    print('event', e['seq'], 'OK' if ok else 'ALTERED')
chain = all(b['prev_hash'] == a['hash'] for a, b in zip(x['links'], x['links'][1:]))
print('links', 'OK' if chain else 'BROKEN')
"
"""


def _heading(text: str) -> str:
    return f"{text}\n{'=' * min(len(text), _WIDTH)}\n"


def _para(text: str) -> str:
    lines = (textwrap.fill(line, _WIDTH, break_on_hyphens=False) if line else "" for line in text.split("\n"))
    return "\n".join(lines) + "\n"


def _listing(rows: list[tuple[str, str]]) -> str:
    return "".join(f"  {path}\n      {what}\n" for path, what in rows)
