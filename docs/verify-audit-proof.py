#!/usr/bin/env python3
# Checks b24-gdpr audit proofs (docs/audit-proofs.md) with python3 and openssl alone. Usage:
# verify-audit-proof.py KEYS PROOF.json...  (KEYS: /audit/public-keys JSON, or one key's PEM;
# PROOF: from GET /audit/events/ID/proof, /audit/consistency)
import base64, hashlib, json, subprocess, sys, tempfile
H = lambda *parts: hashlib.sha256(b''.join(parts)).digest()
def check(ok, why):  # an explicit exit: python -O drops asserts
    if not ok: sys.exit('FAILED: ' + why)
text = open(sys.argv[1]).read()
KEYS = json.loads(text)['keys'] if text.lstrip().startswith('{') else [{'publicKeyPem': text}]

def signed(head):  # Ed25519 over the head's five lines, by the key it names valid at its time, by openssl
    der = lambda k: base64.b64decode(''.join(k['publicKeyPem'].strip().splitlines()[1:-1]))
    ok = lambda k: (k.get('validFrom') or '') <= head['timestamp'] < (k.get('validUntil') or '9')
    key = [k for k in KEYS if hashlib.sha256(der(k)).hexdigest()[:16] == head['keyId'] and ok(k)]
    check(key, 'no given key is %s valid at %s' % (head['keyId'], head['timestamp']))
    text = 'b24-gdpr audit tree head v1\n%(logId)s\n%(treeSize)s\n%(rootHash)s\n%(timestamp)s\n' % head
    with tempfile.NamedTemporaryFile() as m, tempfile.NamedTemporaryFile() as s, tempfile.NamedTemporaryFile() as k:
        m.write(text.encode()), m.flush(), s.write(base64.b64decode(head['signature'])), s.flush()
        k.write(key[0]['publicKeyPem'].encode()), k.flush()
        subprocess.run(['openssl', 'pkeyutl', '-verify', '-pubin', '-inkey', k.name, '-rawin',
                        '-in', m.name, '-sigfile', s.name], check=True, capture_output=True)
    return int(head['treeSize']), bytes.fromhex(head['rootHash'])

def fold(fn, sn, fr, sr, path):  # the loop of RFC 9162 §2.1.3.2 and §2.1.4.2
    for c in path:
        check(sn > 0, 'proof too long')
        if fn & 1 or fn == sn:
            fr, sr = H(b'\1', c, fr), H(b'\1', c, sr)
            while fn and not fn & 1: fn, sn = fn >> 1, sn >> 1
        else: sr = H(b'\1', sr, c)
        fn, sn = fn >> 1, sn >> 1
    check(sn == 0, 'proof too short')
    return fr, sr

for name in sys.argv[2:]:
    p = json.load(open(name))
    if 'auditPath' in p:  # inclusion: the event's leaf is in the tree the signed head describes
        size, root = signed(p['head'])
        leaf, path = H(b'\0', p['leaf'].encode()), [bytes.fromhex(h) for h in p['auditPath']]
        check(leaf.hex() == p['leafHash'] and int(p['treeSize']) == size, 'leaf or size differs')
        check(json.loads(p['leaf']).get('id') == p['eventId'], 'the leaf is another event')
        check(fold(int(p['leafIndex']), size - 1, leaf, leaf, path)[1] == root, 'not included')
        print(f'{name}: event {p["eventId"]} is leaf {p["leafIndex"]} of the signed tree of {size}')
    else:  # consistency: the second signed tree extends the first
        (m, r1), (n, r2), path = signed(p['firstHead']), signed(p['secondHead']), [bytes.fromhex(h) for h in p['path']]
        if 0 < m < n:
            path, fn, sn = [r1] * (m & (m - 1) == 0) + path, m - 1, n - 1
            while fn & 1: fn, sn = fn >> 1, sn >> 1
            check(fold(fn, sn, path[0], path[0], path[1:]) == (r1, r2), 'not consistent')
        else: check(not path and (m == 0 or (m == n and r1 == r2)), 'not consistent')
        print(f'{name}: the signed tree of {n} extends the signed tree of {m}')
