#!/usr/bin/env bash
# Checks a b24-gdpr weekly file without b24-gdpr: ./verify-weekly-file.sh audit-week.zip public-key.pem
# Needs python3 (ZIP, JSON, SHA-256) and openssl 3 (Ed25519). Exit 0: every file matches, signature valid.
set -euo pipefail
zip=$1 key=$2 work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$zip" "$work" <<'PY'
import base64, hashlib, json, sys, zipfile
archive, work = zipfile.ZipFile(sys.argv[1]), sys.argv[2]
digest = json.loads(archive.read('digest.json'))
listed, present = set(digest['files']), set(archive.namelist()) - {'digest.json'}
if listed != present: sys.exit(f'FAILED files: listed {sorted(listed)}, in the archive {sorted(present)}')
for name, expected in digest['files'].items():
    actual = hashlib.sha256(archive.read(name)).hexdigest()
    if actual != expected['sha256']: sys.exit(f'FAILED {name}: SHA-256 {actual}, digest says {expected["sha256"]}')
signature = digest.pop('signature')
# Signed bytes: RFC 8785 JSON of digest.json without "signature" (sorted keys, no spaces, UTF-8).
signed = json.dumps(digest, sort_keys=True, separators=(',', ':'), ensure_ascii=False).encode()
open(f'{work}/signed', 'wb').write(signed)
open(f'{work}/signature', 'wb').write(base64.b64decode(signature['value']))
print(f"{digest['week']}: {len(listed)} files match; signed by key {signature.get('keyId', '(no id)')}")
PY
openssl pkeyutl -verify -pubin -inkey "$key" -rawin -in "$work/signed" -sigfile "$work/signature"
